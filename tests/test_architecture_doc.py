"""docs/architecture.md is drawn from the real imports (scripts/architecture.py) and cannot
drift from the code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _script():
    spec = importlib.util.spec_from_file_location("architecture",
                                                  ROOT / "scripts" / "architecture.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_committed_page_is_what_the_script_writes() -> None:
    script = _script()
    text = script.DOC.read_text(encoding="utf-8")
    assert script.render(text) == text, "run .venv/bin/python scripts/architecture.py"


def test_the_page_lists_every_module_and_draws_every_package() -> None:
    script = _script()
    text = script.DOC.read_text(encoding="utf-8")
    for name in ("matching.orders", "export.report", "viz.plots", "geo", "analysis.labels",
                 "store.local_server", "frames", "datasets.generator"):
        assert f"| `{name}` |" in text
    pkg = ROOT / "pkg" / "regional_graph"
    n_modules = sum(1 for _ in pkg.rglob("*.py"))
    assert text.count("\n| `") == n_modules
    # an import the code really has is drawn, and one it does not have is not
    assert "  m_cli --> m_viz\n" in text
    assert "m_graph --> m_analysis" not in text
