"""What the apps above this one add to a policy's pages (issue 14), without this app importing them: the apps that
own endorsements, claims … register at start-up (their ``AppConfig.ready``)

- a *panel*: a function ``(policy, request) -> str`` giving a section of HTML for the policy's detail page (the
  insurer's 保单详情, the enterprise's page of its policy), or "" when it has nothing to show there;
- *documents*: a function ``(policy) -> [(label, Document)]`` giving files issued with the policy later (a
  批单), listed with the policy's own files and downloadable where they are (``selectors.order_documents``).

The layering (core ← … ← policies ← prevention ← endorsements …) forbids the import the other way; see also
``archive`` (the service archive) and ``lifecycle`` (the reversal blockers), built the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe

from anze.documents.models import Document

from .models import Policy

Panel = Callable[[Policy, HttpRequest], str]
Documents = Callable[[Policy], list[tuple[str, Document]]]

_panels: list[Panel] = []
_documents: list[Documents] = []


def register_panel(panel: Panel) -> None:
    """Register ``panel`` (once, however often the app is readied)."""
    if panel not in _panels:
        _panels.append(panel)


def register_documents(documents: Documents) -> None:
    if documents not in _documents:
        _documents.append(documents)


def panels(policy: Policy, request: HttpRequest | Any) -> list[SafeString]:
    """The registered sections of ``policy``'s page for the user of ``request``, each HTML (rendered by the
    app's own template, escaped there)."""
    return [mark_safe(html) for panel in _panels if (html := panel(policy, request))]


def later_documents(policy: Policy) -> list[tuple[str, Document]]:
    """The files the registered apps issued with ``policy`` after 出函 (批单 …)."""
    return [item for documents in _documents for item in documents(policy)]
