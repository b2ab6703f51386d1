"""Form helpers: Tabler classes on every widget, search forms, and turning ``Refused`` into a field error."""

from __future__ import annotations

from typing import Any

from django import forms

from .errors import Refused


def style_widgets(form: forms.BaseForm, *, errors: bool = False) -> None:
    """Tabler classes on every widget; ``errors`` marks invalid ones (only after cleaning — reading
    ``form.errors`` earlier would validate the form before its ``__init__`` has finished)."""
    for name, field in form.fields.items():
        widget = field.widget
        if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select | forms.SelectMultiple):
            css = "form-select"
        elif isinstance(widget, forms.FileInput):
            css = "form-control"
        else:
            css = "form-control"
        classes = [c for c in widget.attrs.get("class", "").split() if c not in (css, "is-invalid")]
        classes.append(css)
        if errors and name in form.errors:
            classes.append("is-invalid")
        widget.attrs["class"] = " ".join(classes)
        if isinstance(widget, forms.DateInput):
            widget.attrs.setdefault(
                "data-datepicker", "date"
            )  # anze/js/datepicker.js: 年/月/日 in any browser
        if field.required and not isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("required", True)


class StyledFormMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        style_widgets(self)  # type: ignore[arg-type]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        style_widgets(self, errors=True)  # type: ignore[arg-type]


class SearchForm(StyledFormMixin, forms.Form):
    """A GET search form above a list: every field optional, bad values ignored rather than shown as errors.

    ``date_ranges`` pairs two date fields under one label (申请时间 开始日期 – 结束日期).
    """

    date_ranges: tuple[tuple[str, str, str], ...] = ()
    # Query parameters that belong to the page, not the form (the status tab), kept across searches.
    keep_params: tuple[str, ...] = ("tab",)

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        # Its own ids: a dialog opened over the list has fields of the same names (id_username …).
        kwargs.setdefault("auto_id", "sf_%s")
        super().__init__(data, *args, **kwargs)
        for field in self.fields.values():
            field.required = False
            field.widget.attrs.pop("required", None)

    def layout(self) -> list[dict[str, Any]]:
        in_range = {name for _, start, end in self.date_ranges for name in (start, end)}
        items: list[dict[str, Any]] = []
        for bound in self:
            if bound.name not in in_range:
                items.append({"field": bound})
        for label, start, end in self.date_ranges:
            items.append({"range": label, "start": self[start], "end": self[end]})
        return items

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return self.cleaned_data


def apply_refusal(form: forms.BaseForm, exc: Refused) -> None:
    """Show a refused action beside its field, or at the top of the form."""
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, exc.message)
    style_widgets(form, errors=True)
