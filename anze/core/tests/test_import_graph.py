"""The apps import one another in one direction only (issue 13): each app may import the apps in the layers
below it (and those of its own layer, without a cycle), never one above —

    core ← basedata ← accounts ← audit, documents, downloads, notifications, imports ← orders ← policies
         ← prevention ← claims, endorsements ← portal, regulator, platform_admin, api ← manual

so that an app can be read, tested and changed knowing only what is below it. Read from the source (every
``import`` statement, inside functions too); tests, test helpers and migrations are not part of the graph, nor
are the imports under ``if TYPE_CHECKING:``, which only name a type for the checker and never run.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # anze/
LAYERS = (
    ("core",),
    ("basedata",),
    ("accounts",),
    ("audit", "documents", "downloads", "notifications", "imports"),
    ("orders",),
    ("policies",),
    ("prevention",),
    ("claims", "endorsements"),
    ("portal", "regulator", "platform_admin", "api"),
    ("manual",),
)
LAYER = {app: depth for depth, apps in enumerate(LAYERS) for app in apps}


def _apps() -> list[str]:
    return sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists())


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports() -> dict[str, dict[str, list[str]]]:
    """app → imported app → the modules that import it."""
    apps = set(_apps())
    found: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for path in sorted(ROOT.rglob("*.py")):
        parts = path.relative_to(ROOT).parts
        if len(parts) < 2 or {"tests", "migrations", "testing"} & set(parts):
            continue
        app = parts[0]
        tree = ast.parse(path.read_text(encoding="utf-8"))
        type_only = {
            id(inner)
            for block in ast.walk(tree)
            if isinstance(block, ast.If) and _is_type_checking(block.test)
            for statement in block.body
            for inner in ast.walk(statement)
        }
        for node in ast.walk(tree):
            if id(node) in type_only:
                continue
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                bits = name.split(".")
                if bits[0] == "anze" and len(bits) > 1 and bits[1] in apps and bits[1] != app:
                    found[app][bits[1]].append(str(path.relative_to(ROOT.parent)))
    return found


def test_every_app_has_its_layer():
    assert sorted(LAYER) == _apps()


def test_no_app_imports_an_app_above_it():
    upward = [
        f"{app} → {target} ({', '.join(sorted(set(modules)))})"
        for app, targets in _imports().items()
        for target, modules in targets.items()
        if LAYER[target] > LAYER[app]
    ]
    assert upward == []


def test_the_app_import_graph_has_no_cycle():
    graph = {app: set(targets) for app, targets in _imports().items()}
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle between apps: {' → '.join(exc.args[1])}") from None
