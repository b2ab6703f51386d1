"""The form renderer: the widgets a page draws most (text, date, number, hidden inputs, selects, their options)
written out in Python, byte for byte what Django's widget templates write; every other widget, and the forms'
own templates, through those templates as before.

Why: a list page's search form draws 7–10 widgets, each through three or four nested templates (input.html →
attrs.html, select.html → select_option.html × options) at about 1.3 ms a widget under the template engine —
the largest fixed cost of a list page after its own rows (docs/BENCH.md). The test
(core/tests/test_renderers.py) renders every widget of every form of the project both ways and compares."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.http import HttpRequest
from django.utils.html import conditional_escape

WIDGETS = "django/forms/widgets/"


def _attrs(attrs: Mapping[str, Any]) -> str:
    """attrs.html: `` name="value"`` for each attribute, the name alone when True, nothing when False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            out.append(f" {conditional_escape(name)}")
        else:
            out.append(f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


def _input(widget: Mapping[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{conditional_escape(str(value))}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{_attrs(widget['attrs'])}>"
    )


def _option(option: Mapping[str, Any]) -> str:
    return (
        f'<option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
        f"{conditional_escape(option['label'])}</option>"
    )


def _select(widget: Mapping[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            if option["template_name"] != WIDGETS + "select_option.html":
                return ""  # an option drawn by its own template: the whole select through the templates
            parts.append("\n  " + _option(option) + "\n")  # the option's template ends with a newline
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


FAST: dict[str, Callable[[Mapping[str, Any]], str]] = {
    **{
        f"{WIDGETS}{name}.html": _input
        for name in ("input", "text", "date", "number", "hidden", "email", "password", "url", "search", "tel")
    },
    f"{WIDGETS}select.html": _select,
}


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: HttpRequest | None = None) -> str:
        draw = FAST.get(template_name)
        if draw is not None and "widget" in context:
            html = draw(context["widget"])
            if html:
                return html
        return super().render(template_name, context, request)
