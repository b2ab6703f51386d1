"""No form of the project shows Django's generic "这个字段是必填项。": a missing value says what is missing
(请输入… / 请选择… / 请上传…), the same wording on every screen (issue 12 §4)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django import forms

import anze
from anze.core.forms import StyledFormMixin, required_message

GENERIC = str(forms.Field.default_error_messages["required"])


def _project_forms() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(anze.__path__, "anze."):
        leaf = module.name.rsplit(".", 1)[-1]
        if ".tests" not in module.name and (leaf.startswith("forms") or leaf.startswith("views")):
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending = list(forms.BaseForm.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("anze.") and ".tests" not in cls.__module__ and cls not in found:
            found.append(cls)
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORMS = _project_forms()


def test_the_walk_finds_the_forms():
    names = {cls.__name__ for cls in FORMS}
    assert {"QuoteForm", "IssueForm", "OfflineOrderForm", "UserForm"} <= names


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_form_uses_the_project_base(cls):
    """The base (StyledFormMixin) is where the house wording of a missing value is set."""
    assert issubclass(cls, StyledFormMixin), f"{cls.__qualname__} does not use StyledFormMixin"


@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_an_empty_submission_never_shows_the_generic_required_message(cls):
    """Every form of the project, submitted empty: each required field says 请输入/请选择/请上传 its label.
    (Built without its own ``__init__``, which wants an order or an actor, and without its ``clean``, which
    reads them: what is checked is what every field says when nothing was entered.)"""
    form = cls.__new__(cls)
    forms.BaseForm.__init__(form, data={}, files={})
    form.clean = lambda: form.cleaned_data
    form.full_clean()
    for name, errors in form.errors.items():
        for message in errors:
            assert message != GENERIC, f"{cls.__qualname__}.{name}"
    for name, field in form.fields.items():
        if field.required and name in form.errors:
            assert form.errors[name][0].startswith("请"), f"{cls.__qualname__}.{name}: {form.errors[name]}"


def test_the_wording_follows_the_kind_of_field():
    assert required_message(forms.CharField(label="登录账号"), "username") == "请输入登录账号"
    assert required_message(forms.ChoiceField(label="状态"), "status") == "请选择状态"
    assert required_message(forms.DateField(label="起期"), "start") == "请选择起期"
    assert required_message(forms.FileField(label="保单文件"), "policy_file") == "请上传保单文件"


def test_an_empty_submission_of_a_plain_form_says_what_is_missing():
    class Sample(StyledFormMixin, forms.Form):
        name = forms.CharField(label="姓名")
        role = forms.ChoiceField(label="角色", choices=[("a", "A")])

    form = Sample(data={})
    assert not form.is_valid()
    assert form.errors["name"] == ["请输入姓名"] and form.errors["role"] == ["请选择角色"]
