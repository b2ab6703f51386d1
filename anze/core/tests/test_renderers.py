"""The fast widget renderer writes what Django's widget templates write, byte for byte: every widget it draws
itself, with awkward values and attributes, and every search form of the project as its list draws it."""

from __future__ import annotations

import contextlib
import inspect

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from anze.core.renderers import FAST, FastWidgetRenderer

pytestmark = pytest.mark.django_db

VALUES = [None, "", "甲<b>&\"'", 0, 12.5, mark_safe("<i>安全</i>"), "2026-12-03"]
ATTRS = [
    {},
    {"class": "form-control", "required": True, "disabled": False, "data-x": '<"&>'},
    {"placeholder": "请输入"},
]
CHOICES = [
    ("", "全部"),
    ("a", "甲 & 乙"),
    (1, 1),
    ("分组<一>", [("g1", "组内一"), ("g2", mark_safe("<b>组内二</b>"))]),
]
WIDGETS = [
    forms.TextInput,
    forms.DateInput,
    forms.NumberInput,
    forms.HiddenInput,
    forms.EmailInput,
    forms.PasswordInput,
    forms.URLInput,
    forms.SearchInput,
    forms.TelInput,
]


def both(widget: forms.Widget, name: str, value: object) -> tuple[str, str]:
    return (
        widget.render(name, value, renderer=DjangoTemplates()),
        widget.render(name, value, renderer=FastWidgetRenderer()),
    )


@pytest.mark.parametrize("widget_class", WIDGETS)
@pytest.mark.parametrize("attrs", ATTRS)
def test_inputs_are_written_as_their_templates_write_them(widget_class, attrs):
    for value in VALUES:
        slow, fast = both(widget_class(attrs=attrs), "名称<&>", value)
        assert fast == slow, (widget_class, attrs, value)


@pytest.mark.parametrize("attrs", ATTRS)
@pytest.mark.parametrize("value", [None, "", "a", 1, "g2", "missing"])
def test_selects_are_written_as_their_templates_write_them(attrs, value):
    slow, fast = both(forms.Select(attrs=attrs, choices=CHOICES), "status", value)
    assert fast == slow
    slow, fast = both(forms.Select(choices=[]), "empty", value)
    assert fast == slow


def test_it_draws_the_common_widgets_itself_and_leaves_the_rest_to_the_templates(monkeypatch):
    drawn: list[str] = []
    monkeypatch.setattr(
        DjangoTemplates, "render", lambda self, name, context, request=None: drawn.append(name) or ""
    )
    renderer = FastWidgetRenderer()
    forms.TextInput().render("a", "x", renderer=renderer)
    forms.Select(choices=[("1", "一")]).render("b", "1", renderer=renderer)
    assert drawn == []
    forms.Textarea().render("c", "x", renderer=renderer)
    forms.CheckboxSelectMultiple(choices=[("1", "一")]).render("d", ["1"], renderer=renderer)
    assert drawn == ["django/forms/widgets/textarea.html", "django/forms/widgets/checkbox_select.html"]
    assert "django/forms/widgets/select.html" in FAST and "django/forms/widgets/textarea.html" not in FAST


def _search_forms() -> list[type[forms.Form]]:
    """Every SearchForm of the project (each app's forms imported first, so that their classes exist)."""
    import importlib

    from django.apps import apps

    from anze.core.forms import SearchForm

    for app in apps.get_app_configs():
        if app.name.startswith("anze."):
            with contextlib.suppress(ModuleNotFoundError):
                importlib.import_module(f"{app.name}.forms")
    found: list[type[forms.Form]] = []
    pending = list(SearchForm.__subclasses__())
    while pending:
        cls = pending.pop()
        found.append(cls)
        pending.extend(cls.__subclasses__())
    return found


def test_every_search_form_of_the_project_draws_the_same_both_ways(cast):
    users = [cast.clerk, cast.applicant, cast.org_admin, cast.platform_admin]
    checked = set()
    for form_class in _search_forms():
        for user in users:
            known = {"user": user, "actor": user, "organisation": user.organisation}
            wanted = inspect.signature(form_class.__init__).parameters
            try:
                form = form_class(
                    {"page": "2", "start": "2026-13-45"}, **{k: v for k, v in known.items() if k in wanted}
                )
            except Exception:  # a form of another side refuses this user
                continue
            form.is_valid()  # its errors styled onto the widgets, as a list with a bad value draws them
            for field in form:
                form.renderer = DjangoTemplates()
                slow = str(field)
                form.renderer = FastWidgetRenderer()
                assert str(field) == slow, (form_class, field.name)
                checked.add((form_class, field.name))
            break
    assert len({form_class for form_class, _ in checked}) >= 10 and len(checked) > 40
