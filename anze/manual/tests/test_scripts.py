"""The step scripts cover the platform: every page of every side is documented by a section of that side's
manual (so its 帮助 link opens it), every name they declare exists, and each side's menu is walked."""

from __future__ import annotations

from django.urls import get_resolver

from anze.core import catalogue
from anze.core.sides import Side, side_namespace
from anze.core.tests.test_url_permissions import walk
from anze.manual.pages import Place, documented, place_for
from anze.manual.steps import MANUALS

# Pages that are no screen of a side: the landing page (the manuals' index is its 帮助), the probes, the
# manual itself.
NOT_IN_A_MANUAL = {
    "landing",
    "healthz",
    "readyz",
    "manual:index",
    "manual:manual",
    "manual:figure",
    "manual:pdf",
}


def _url_names() -> list[str]:
    return [name for name, _ in walk(get_resolver().url_patterns)]


def _operation_of_the_api(name: str) -> bool:
    """The open API's operations answer machines (JSON); its docs page is in the insurer's manual."""
    return name.startswith("api:")


def test_every_page_is_documented_by_a_section():
    missing = [
        name
        for name in _url_names()
        if name not in documented() and name not in NOT_IN_A_MANUAL and not _operation_of_the_api(name)
    ]
    assert not missing, (
        "pages no manual section documents (add them to a Section's pages= in anze/manual/steps/<side>.py, "
        f"with the steps that show them): {missing}"
    )


def test_every_declared_page_exists():
    assert documented() - set(_url_names()) == set()


def test_each_manual_walks_its_sides_menu():
    for manual in MANUALS.values():
        namespace = side_namespace(manual.side)
        own = {name for name in documented() if name.startswith(f"{namespace}:")}
        for entry in catalogue.MENUS[manual.side]:
            items = entry.items if isinstance(entry, catalogue.MenuGroup) else (entry,)
            for item in items:
                assert f"{namespace}:{item.url_name}" in own, (manual.title, item.label)


def test_there_is_one_manual_per_side_and_its_steps_are_named():
    assert sorted(m.side for m in MANUALS.values()) == sorted(Side.values)
    for manual in MANUALS.values():
        numbers = [n.number for n in manual.numbered()]
        assert len(numbers) == len(set(numbers))
        assert [s.title for s in manual.sections][:2] == ["登录", "首页"]
        for where in manual.numbered():
            for step in where.section.steps:
                assert step.name and step.text, (manual.title, where.number)


def test_a_page_finds_its_section():
    quote = place_for("insurer:orders:quote")
    assert quote is not None and quote.slug == "insurer" and quote.title.endswith("订单报价")
    number = quote.title.split()[0]
    assert quote.anchor == "s-" + number.replace(".", "-")
    verify = place_for("verify")
    assert verify is not None and verify.slug == "enterprise" and verify.title.endswith("电子保单验真")
    # A page of a side no section names: the top of that side's manual; a page of no side: none.
    assert place_for("regulator:no_such_page") == Place("regulator", "", "监管端操作手册")
    assert place_for("nothing:here") is None
