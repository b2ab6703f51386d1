"""Form helpers: Tabler classes on every widget, search forms, and turning ``Refused`` into a field error."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

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


# The dates a filter accepts. Beyond them a day's bounds no longer fit a datetime once moved to UTC (9999-12-31
# + 1 day overflows), and no record of the platform is that old or that far ahead.
FILTER_DATE_MIN = date(1900, 1, 1)
FILTER_DATE_MAX = date(2099, 12, 31)
DATE_OUT_OF_RANGE = f"日期超出范围（{FILTER_DATE_MIN:%Y-%m-%d} 至 {FILTER_DATE_MAX:%Y-%m-%d}）"
DATE_INVALID = "请输入正确的日期（年-月-日）"
DATE_REVERSED = "结束日期不能早于开始日期"


def validate_filter_date(value: date) -> None:
    """A filter's date inside [FILTER_DATE_MIN, FILTER_DATE_MAX]; else an error beside the field."""
    if not FILTER_DATE_MIN <= value <= FILTER_DATE_MAX:
        raise ValidationError(DATE_OUT_OF_RANGE, code="out_of_range")


class SearchForm(StyledFormMixin, forms.Form):
    """A GET search form above a list: every field optional; a bad value is shown beside its field and that
    filter is left out (``values()``), so the list still shows — never a 500.

    ``date_ranges`` pairs two date fields under one label (申请时间 开始日期 – 结束日期); a pair whose end is
    before its start is an error on the end. Every date field of a search form gets the shared range check
    (``validate_filter_date``) here, so no list can forget it.
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
            if isinstance(field, forms.DateField):
                if validate_filter_date not in field.validators:
                    field.validators.append(validate_filter_date)
                field.error_messages["invalid"] = DATE_INVALID
                field.widget.attrs.setdefault("min", f"{FILTER_DATE_MIN:%Y-%m-%d}")
                field.widget.attrs.setdefault("max", f"{FILTER_DATE_MAX:%Y-%m-%d}")

    def _date_pairs(self) -> list[tuple[str, str]]:
        pairs = [(start, end) for _, start, end in self.date_ranges]
        if not pairs and {"start", "end"} <= set(self.fields):
            pairs.append(("start", "end"))
        return pairs

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        for start, end in self._date_pairs():
            low, high = cleaned.get(start), cleaned.get(end)
            if low and high and high < low:
                self.add_error(end, DATE_REVERSED)
        return cleaned

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
