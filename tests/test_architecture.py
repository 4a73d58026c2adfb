"""The architecture, checked: imports only point down the data flow, no private name crosses a
package, functions stay short enough to hold in one's head, and only the graph writes its cache.

The layers (docs/architecture.md), lowest first::

    0 foundation   _lazy errors progress geo schema vocab frames
    1 tables       io validate problems
    2 graph        graph build merging datasets
    3 matching     matching/ (flow, resources, orders)
    4 analysis     analysis/
    5 outputs      export/  viz/  store/      (siblings: none imports another)
    6 interface    cli

A module may import from a lower layer, or from its own package (a top-level module from
another top-level module of the same or a lower layer).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parents[1] / "pkg" / "regional_graph"

LAYERS: dict[str, int] = {
    "_lazy": 0, "errors": 0, "progress": 0, "geo": 0, "schema": 0, "vocab": 0, "frames": 0,
    "checksums": 0,
    "io": 1, "validate": 1, "problems": 1, "csvparse": 1,
    "graph": 2, "build": 2, "merging": 2, "datasets": 2,
    "matching": 3,
    "analysis": 4,
    "export": 5, "viz": 5, "store": 5,
    "cli": 6, "__init__": 6,
}
#: Private modules every package may use (the lazy loader).
SHARED_PRIVATE = {"_lazy"}

#: Functions longer than MAX_LINES, being split (remove an entry when it is; never add one).
MAX_LINES = 80
LONG_FUNCTIONS: set[str] = set()

#: Private names imported across packages, being made public or moved (never add one).
PRIVATE_IMPORTS: set[str] = set()

#: Imports against the data flow, being removed (never add one).
UPWARD_IMPORTS: set[str] = set()


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = ast.parse(path.read_text(encoding="utf-8"))
    return out


MODULES = _modules()


def _is_package(name: str) -> bool:
    return (PKG.parent / name.replace(".", "/") / "__init__.py").exists()


def _unit(module: str) -> str:
    """``analysis`` for ``regional_graph.analysis.coverage``, ``graph`` for a top-level module."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _package(module: str) -> str:
    """The package a module belongs to: its subpackage, or ``core`` for top-level modules."""
    parts = module.split(".")
    if len(parts) > 2 or (len(parts) == 2 and _is_package(module)):
        return parts[1]
    return "core"


def _imports(module: str, tree: ast.Module):
    """``(line, imported module, imported name or None)`` for every import in ``module``."""
    base = module.split(".") if _is_package(module) else module.split(".")[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                target = ".".join(base[: len(base) - node.level + 1] + ([node.module]
                                                                         if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("regional_graph"):
                continue
            for alias in node.names:
                full = f"{target}.{alias.name}"
                if full in MODULES:  # "from . import coverage" imports a module
                    yield node.lineno, full, None
                else:
                    yield node.lineno, target, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("regional_graph"):
                    yield node.lineno, alias.name, None


def _upward() -> set[str]:
    found = set()
    for module, tree in MODULES.items():
        me = _unit(module)
        for _, target, _name in _imports(module, tree):
            them = _unit(target) if target != "regional_graph" else "__init__"
            if me == them or (them == "__init__" and target == "regional_graph" and _name in (
                    "__version__",)):
                continue
            if LAYERS[them] > LAYERS[me] or (LAYERS[them] == LAYERS[me] and LAYERS[me] == 5):
                found.add(f"{module} -> {target}")
    return found


def _private() -> set[str]:
    found = set()
    for module, tree in MODULES.items():
        for _, target, name in _imports(module, tree):
            if _package(target) == _package(module):
                continue
            leaf = target.rsplit(".", 1)[-1]
            if (name or "").startswith("_") and not name.startswith("__"):
                found.add(f"{module} -> {target}.{name}")
            elif leaf.startswith("_") and leaf not in SHARED_PRIVATE:
                found.add(f"{module} -> {target}")
    return found


def _long() -> dict[str, int]:
    found = {}
    for module, tree in MODULES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
                length = node.end_lineno - first + 1
                # the docstring is reading help, not code to hold
                if ast.get_docstring(node) and isinstance(node.body[0], ast.Expr):
                    doc = node.body[0]
                    length -= doc.end_lineno - doc.lineno + 1
                if length > MAX_LINES:
                    found[f"{module}.{node.name}"] = length
    return found


def test_every_module_has_a_layer():
    assert {_unit(m) for m in MODULES} <= set(LAYERS)


def test_imports_point_down_the_data_flow():
    new = _upward() - UPWARD_IMPORTS
    assert not new, "imports against the data flow:\n" + "\n".join(sorted(new))


def test_no_private_name_crosses_a_package():
    new = _private() - PRIVATE_IMPORTS
    assert not new, "private names imported across packages:\n" + "\n".join(sorted(new))


def test_functions_are_short():
    new = {k: v for k, v in _long().items() if k not in LONG_FUNCTIONS}
    assert not new, f"functions over {MAX_LINES} lines (without docstring): {new}"


@pytest.mark.parametrize("allowlist,current", [
    (LONG_FUNCTIONS, _long), (PRIVATE_IMPORTS, _private), (UPWARD_IMPORTS, _upward)])
def test_allowlists_only_shrink(allowlist, current):
    """An allowlist entry that no longer applies must be removed (so the lists only shrink)."""
    found = set(current())
    assert allowlist <= found, f"fixed, remove from the allowlist: {sorted(allowlist - found)}"


def test_only_the_graph_writes_its_cache():
    writers = set()
    for module, tree in MODULES.items():
        if module == "regional_graph.graph":
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr == "_cache":
                writers.add(module)
    assert not writers - CACHE_WRITERS, sorted(writers - CACHE_WRITERS)


#: Modules still touching ``G._cache`` directly instead of ``G.memo`` (never add one).
CACHE_WRITERS: set[str] = set()
