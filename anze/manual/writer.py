"""Writes a manual as Markdown, in the style of the platform's original user manual: numbered sections, short
numbered steps, the figure after its step, then what the columns and the statuses mean and the messages a user
may meet there with what to do."""

from __future__ import annotations

from datetime import datetime

from .markdown import table_cell
from .runner import Figures
from .script import Manual, Numbered

PASSWORD = "Anze@2026"  # README: every demo account's password


def write(manual: Manual, figures: Figures, generated: datetime) -> str:
    out: list[str] = [f"# {manual.title}", ""]
    out += [
        manual.intro.strip(),
        "",
        f"> 本手册由 `make manual` 自动生成（{generated:%Y-%m-%d %H:%M}）：系统在演示数据上以演示账号 "
        f"`{manual.account}`（密码 `{PASSWORD}`）逐一打开本端的页面、完成各项操作并截图；截图中红框标出的是"
        "该步骤要点击的按钮或链接。演示数据中的企业、订单与人员均为虚构。",
        "",
    ]
    for where in manual.numbered():
        out += _section(where, figures)
    return "\n".join(out).rstrip() + "\n"


def _section(where: Numbered, figures: Figures) -> list[str]:
    section = where.section
    out = [f"{'#' * (where.depth + 1)} {where.number} {section.title}", ""]
    if section.text:
        out += [section.text.strip(), ""]
    shown = 0
    for index, step in enumerate(section.steps):
        if step.silent:
            continue
        shown += 1
        out += [f"{shown}. {step.text.strip()}", ""]
        figure = figures.get((where.number, index))
        if figure is not None and figure.file is not None:
            out += [f"![{figure.label} {figure.caption}]({figure.file})", ""]
    for title, head, rows in (
        ("列表各列说明", ("列", "含义"), section.columns),
        ("状态说明", ("状态", "含义"), section.statuses),
        ("可能遇到的提示", ("提示", "原因与处理"), section.errors),
    ):
        if rows:
            out += [f"**{title}**", "", f"| {head[0]} | {head[1]} |", "|---|---|"]
            out += [f"| {table_cell(a)} | {table_cell(b)} |" for a, b in rows]
            out.append("")
    return out
