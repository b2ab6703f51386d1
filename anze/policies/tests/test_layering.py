"""anze.policies sits below anze.prevention (core ← … ← orders ← policies ← prevention): none of its modules
imports prevention, at module level or inside a function. Prevention registers what policies needs from it
(the service counter of ``progress``, the archive of the insurer's pages, the timeline's state labels)."""

from __future__ import annotations

import ast
from pathlib import Path

import anze.policies

ROOT = Path(anze.policies.__file__).parent


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
    return found


def test_policies_never_imports_prevention():
    modules = [p for p in ROOT.rglob("*.py") if "tests" not in p.relative_to(ROOT).parts]
    assert len(modules) > 5
    offending = {
        str(path.relative_to(ROOT)): sorted(
            name for name in _imports(path) if name.startswith("anze.prevention")
        )
        for path in modules
    }
    assert {path: names for path, names in offending.items() if names} == {}
