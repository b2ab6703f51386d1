"""bin/code-lines: the lines of code issue 16 counts — code only, not comments, docstrings or blank lines."""

from __future__ import annotations

import importlib.machinery
import importlib.util
from collections.abc import Callable
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[3] / "bin" / "code-lines"


def _code_lines() -> Callable[[str], int]:
    loader = importlib.machinery.SourceFileLoader("code_lines", str(SCRIPT))
    spec = importlib.util.spec_from_loader("code_lines", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    code_lines: Callable[[str], int] = module.code_lines
    return code_lines


SOURCE = '''"""A module's docstring,
on two lines."""

import os  # a comment after code counts as code


def f(x):
    """A function's docstring."""
    # a comment alone
    y = """a string assigned
    over two lines"""

    return (x,
            y)
'''


def test_it_counts_the_lines_that_hold_code() -> None:
    # import, def, the assignment's two lines, the return's two lines
    assert _code_lines()(SOURCE) == 6
