"""Form helpers: Tabler classes on every widget, search forms, and turning ``Refused`` into a field error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.utils import ErrorList

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


CHOSEN_FIELDS = (forms.ChoiceField, forms.ModelChoiceField, forms.DateField, forms.BooleanField)
CHOSEN_WIDGETS = (forms.Select, forms.RadioSelect, forms.CheckboxSelectMultiple)


def required_message(field: forms.Field, name: str) -> str:
    """The house wording of a missing value: 请上传 a file, 请选择 a choice or a date, 请输入 the rest."""
    label = str(field.label or name).strip().rstrip("：:").strip()
    if isinstance(field, forms.FileField):
        verb = "请上传"
    elif isinstance(field, CHOSEN_FIELDS) or isinstance(field.widget, CHOSEN_WIDGETS):
        verb = "请选择"
    else:
        verb = "请输入"
    return f"{verb}{label}"


def chinese_required(form: forms.BaseForm) -> None:
    """Every field still carrying Django's generic "这个字段是必填项。" says what is missing instead."""
    generic = str(forms.Field.default_error_messages["required"])  # in the active language, at call time
    for name, field in form.fields.items():
        if str(field.error_messages.get("required", "")) == generic:
            field.error_messages = {**field.error_messages, "required": required_message(field, name)}


def choice_field(form: forms.BaseForm, name: str) -> forms.ModelChoiceField:
    """A form's model choice field, to set or read its queryset (``form.fields[name]`` is any field to the
    type checker)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField), name
    return field


# A mixin of forms: to the type checker it is one (a form's attributes and methods), at run time a plain class
# placed before forms.Form or forms.ModelForm in a form's bases.
if TYPE_CHECKING:
    _FormBase = forms.BaseForm
else:
    _FormBase = object


class StyledFormMixin(_FormBase):
    """The project's base for every form: Tabler classes, and required messages in the house wording."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style_widgets(self)

    def full_clean(self) -> None:
        chinese_required(self)  # here: fields added after __init__ are covered too
        super().full_clean()
        style_widgets(self, errors=True)


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
    # True when the form's markup is a function of the page's path and query string alone: its fields and choices
    # fixed in the class, nothing read from the database or the user. core.listparts then draws it once per
    # process for each path and query string (issue 16: the widgets were a list page's largest fixed cost).
    markup_from_query: bool = False

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
        cleaned = super().clean() or self.cleaned_data
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
    """Show every error of a refused action beside its field, or at the top of the form (a field the form
    does not have); a message the field already shows is not repeated."""
    for name, texts in exc.errors.items():
        field = name if name in form.fields else None
        shown = form.errors.get(field or NON_FIELD_ERRORS) or ErrorList()
        for text in texts:
            if text not in shown:
                form.add_error(field, text)
    style_widgets(form, errors=True)


def readable(form: forms.BaseForm) -> dict[str, Any]:
    """The values of a submitted form that could be read (cleaned without an error of their own): what the
    business rules can still check when another field is wrong, so that one submission shows every error."""
    cleaned = getattr(form, "cleaned_data", {})
    return {name: value for name, value in cleaned.items() if name not in form.errors}


def check_readable(form: forms.BaseForm, check: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    """After ``is_valid()`` said no: run a workflow's ``check_*`` on the readable values and show its
    refusals beside their fields too (nothing is saved: a check changes nothing)."""
    try:
        check(*args, **kwargs)
    except Refused as exc:
        apply_refusal(form, exc)
