"""The 操作手册 cannot drift from the screens (issue 18): the suite does every step of the insurer's manual — the
whole order cycle, 线下订单, 保单管理, 投诉, 系统管理 — on the demo data, as ``make manual`` does, so a change that
breaks a documented step fails CI with the step's name; and a button renamed in a scratch copy of its template
fails the manual at the step that clicks it.

The insurer's manual is the one run here (the longest flow and the screens clerks use most), in two halves that
the two test workers run side by side (about 30 s each); ``make manual`` runs all five and takes the pictures. When a step fails, the page is kept under var/test-artifacts/manual/."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.template import engines
from playwright.sync_api import Page

from anze.core.sides import Side
from anze.core.testing import factories
from anze.manual import runner
from anze.manual.script import Manual
from anze.manual.steps import MANUALS
from anze.manual.steps.insurer.data import COMPANY

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[1] / "var" / "test-artifacts" / "manual"


@pytest.fixture
def demo(db: None) -> None:
    call_command("demo_data", stdout=io.StringIO())


def halves(manual: Manual) -> list[tuple[str, ...]]:
    """The manual in two runs of about as many steps, each signing in first (section 1): the sections of chapter
    3 (the screens) shared out in order, everything else in the first."""
    weight = {n.number: len(n.section.steps) for n in manual.numbered()}
    screens = [n.number for n in manual.numbered() if n.depth == 2 and n.number.startswith("3.")]
    others = [n.number for n in manual.numbered() if n.depth == 1 and n.number != "3"]

    def size(number: str) -> int:
        return sum(w for n, w in weight.items() if n == number or n.startswith(f"{number}."))

    total, running, first = sum(size(n) for n in screens), 0, []
    for number in screens:
        if running < total / 2:
            first.append(number)
            running += size(number)
    second = [n for n in screens if n not in first]
    return [(*others, *first), ("1", *second)]


INSURER = MANUALS["insurer"]


@pytest.mark.parametrize("part", halves(INSURER), ids=["first-half", "second-half"])
def test_every_step_of_the_insurers_manual_runs_on_the_demo_data(
    live_server, page: Page, demo: None, part: tuple[str, ...]
) -> None:
    """Every control found, every expected answer seen, every region to capture there — without taking the
    pictures (``make manual`` does); when a step fails, the page as it was is kept as an artifact. In two
    halves (each on its own demo data), so that each stays short."""
    try:
        figures = runner.run(INSURER, page, live_server.url, None, sections=part)
    except runner.StepFailed as failed:
        if failed.page is not None:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            (ARTIFACTS / f"failed-{INSURER.slug}.png").write_bytes(failed.page)
        raise

    expected = [
        (where.number, i)
        for where in INSURER.numbered()
        if any(where.number == n or where.number.startswith(f"{n}.") for n in part)
        for i, step in enumerate(where.section.steps)
        if step.capture is not None
    ]
    assert sorted(figures) == sorted(expected) and len(expected) > 20
    if "3.1" in part:
        assert (
            figures[("3.1.2", 1)].label == "图 3.1.2-2"
        )  # 报价, its second figure: the rule beside its field


def test_the_two_halves_cover_the_whole_manual() -> None:
    first, second = halves(INSURER)
    chosen = set(first) | set(second)
    for where in INSURER.numbered():
        if where.section.steps:
            assert any(where.number == n or where.number.startswith(f"{n}.") for n in chosen), where.number
    assert "3.1" in first and second[0] == "1" and len(second) > 2


def test_a_renamed_button_fails_the_manual_with_the_steps_name(
    live_server, page: Page, settings, tmp_path: Path
) -> None:
    """A scratch copy of the login page whose button reads 登 入 instead of 登 录, found before the app's own. The
    steps before it need only the manual's company on the 保险公司选择 page, not the whole demo data."""
    factories.organisation(Side.INSURER, name=COMPANY)
    original = Path(engines["django"].engine.get_template("accounts/login.html").origin.name)
    scratch = tmp_path / "templates" / "accounts" / "login.html"
    scratch.parent.mkdir(parents=True)
    scratch.write_text(original.read_text(encoding="utf-8").replace("登 录</button>", "登 入</button>"))
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]

    with pytest.raises(runner.StepFailed) as failed:
        runner.run(MANUALS["insurer"], page, live_server.url, None, find_timeout_ms=1500)

    assert failed.value.step_name == "1 登录 › 账号或密码错误"
    assert "《保险端操作手册》步骤「1 登录 › 账号或密码错误」失败" in str(failed.value)
    assert '找不到 button[type=submit]:has-text("登 录")' in str(failed.value)
