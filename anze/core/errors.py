"""The one way business rules refuse an action: ``raise Refused("中文说明", field="…")``.

Views turn it into an error beside the field (or at the top of the form) and nothing is saved: every
action that raises it runs in a transaction.

A check that can find several problems at once reports them all in one refusal, so that the user fixes
every field in one pass: collect them with ``Problems`` (``problems.add(field, message)`` …
``problems.raise_if_any()``), or raise ``Refused(errors={field: message, …})`` directly.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

# ``None`` is the form as a whole (an error shown at the top).
Errors = dict[str | None, list[str]]


class Refused(Exception):
    def __init__(
        self,
        message: str = "",
        *,
        field: str | None = None,
        errors: Mapping[str | None, str | list[str]] | Mapping[str, str | list[str]] | None = None,
    ) -> None:
        collected: Errors = {}
        if message:
            collected[field] = [message]
        for name, found in (errors or {}).items():
            for text in [found] if isinstance(found, str) else found:
                if text not in collected.setdefault(name, []):
                    collected[name].append(text)
        if not collected:
            raise ValueError("Refused needs a message")
        self.errors: Errors = collected
        super().__init__(self.message)

    @property
    def field(self) -> str | None:
        """The field of the first error."""
        return next(iter(self.errors))

    @field.setter
    def field(self, name: str | None) -> None:
        """Rename the first error's field (a view giving the form's name for a service's argument)."""
        old = self.field
        if name != old:
            self.errors = {name if key == old else key: texts for key, texts in self.errors.items()}

    @property
    def message(self) -> str:
        """The first error's message."""
        return next(iter(self.errors.values()))[0]

    def __str__(self) -> str:
        return self.message

    @property
    def messages(self) -> list[str]:
        return [text for texts in self.errors.values() for text in texts]

    def renamed(self, names: Mapping[str, str] | None = None, *, prefix: str = "") -> Refused:
        """The same refusal with its fields renamed (a form's name for a service's argument)."""
        names = names or {}
        errors: Errors = {}
        for name, texts in self.errors.items():
            key = None if name is None else prefix + names.get(name, name)
            errors.setdefault(key, []).extend(texts)
        return Refused(errors=errors)


class Problems:
    """Collects every problem a check finds, then refuses once with all of them.

    ``with problems.collect(): …`` runs a check that raises ``Refused`` and keeps its errors instead, so
    that the checks after it run too.
    """

    def __init__(self) -> None:
        self.errors: Errors = {}

    def add(self, field: str | None, message: str) -> None:
        texts = self.errors.setdefault(field, [])
        if message not in texts:
            texts.append(message)

    def __contains__(self, field: str | None) -> bool:
        return field in self.errors

    def __bool__(self) -> bool:
        return bool(self.errors)

    def merge(self, exc: Refused) -> None:
        for name, texts in exc.errors.items():
            for text in texts:
                self.add(name, text)

    @contextmanager
    def collect(self) -> Iterator[None]:
        try:
            yield
        except Refused as exc:
            self.merge(exc)

    def raise_if_any(self) -> None:
        if self.errors:
            raise Refused(errors=self.errors)


STALE = "该记录状态已变化，请刷新后重试"
