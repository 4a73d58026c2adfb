"""The notebooks: committed with their outputs, executed here, and compared for drift.

Each notebook is run top to bottom (the Neo4j one against the local Bolt server) and its
outputs compared with the committed ones after normalising what legitimately varies (memory
addresses, temporary paths, images' bytes, execution counts). A changed number or table
fails: rerun ``python scripts/make_notebooks.py --execute`` and commit the notebooks.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _generator():
    spec = importlib.util.spec_from_file_location(
        "make_notebooks", ROOT / "scripts" / "make_notebooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_VOLATILE = [
    (re.compile(r"0x[0-9a-fA-F]+"), "0x…"),
    (re.compile(r"/tmp/[^\s'\"<>)]+"), "<tmp>"),
    (re.compile(r"\d+(\.\d+)? ?(s|ms|µs|seconds?)\b"), "<time>"),
    (re.compile(r"(\w*seconds?)=[\d.]+"), r"\1=<time>"),
]


def _normalise(text: str) -> str:
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text.strip()


def signature(nb: nbformat.NotebookNode) -> list[list[tuple[str, ...]]]:
    """Per code cell: its outputs as (kind, mime types, normalised text) — numbers and
    tables compared, image bytes and the inline map's page only by type."""
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        outs: list[tuple[str, ...]] = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                outs.append(("stream", out.name, _normalise(out.text)))
            elif out.output_type == "error":
                outs.append(("error", out.ename, _normalise(out.evalue)))
            else:
                data = out.get("data", {})
                text = data.get("text/plain", "")
                outs.append((out.output_type, ",".join(sorted(data)), _normalise(text)))
        cells.append(outs)
    return cells


def test_there_are_notebooks():
    names = [p.stem for p in NOTEBOOKS]
    assert names[:2] == ["00-quickstart", "01-data-template"]
    assert len(names) >= 9 and "08-many-districts" in names


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs_without_drift(path, monkeypatch):
    committed = nbformat.read(path, as_version=4)
    code = [c for c in committed.cells if c.cell_type == "code"]
    assert code[-1].get("outputs") or code[-2].get("outputs"), \
        "commit the notebooks with their outputs (scripts/make_notebooks.py --execute)"
    fresh = nbformat.from_dict(committed)
    for cell in fresh.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    gen = _generator()
    for key, value in gen.KERNEL_ENV.items():
        monkeypatch.setenv(key, value)
    gen.execute(fresh, path.parent)
    got, want = signature(fresh), signature(committed)
    # nothing red: no stderr (warnings, progress bars), no errors
    red = [o for outs in got for o in outs if o[0] == "error" or o[:2] == ("stream", "stderr")]
    assert not red, red
    for i, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g == w, f"{path.name}: code cell {i} drifted; rerun " \
            "`python scripts/make_notebooks.py --execute` and commit the notebooks"


def test_notebooks_read_like_a_paper():
    """Each opens with its question and closes with what it means for an office; plots and
    the map are inline (no IFrame of a local file)."""
    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        first, last = nb.cells[0], nb.cells[-1]
        assert first.cell_type == "markdown" and "**Question.**" in first.source, path.name
        assert last.cell_type == "markdown" and "What it means for" in last.source, path.name
        assert not any("IFrame(" in c.source for c in nb.cells), path.name
    plots = nbformat.read(ROOT / "notebooks" / "05-indicators-and-structure.ipynb",
                          as_version=4)
    assert sum("image/png" in o.get("data", {}) for c in plots.cells
               for o in c.get("outputs", [])) >= 3
    maps = nbformat.read(ROOT / "notebooks" / "06-wall-maps.ipynb", as_version=4)
    assert any("srcdoc=" in o.get("data", {}).get("text/html", "") for c in maps.cells
               for o in c.get("outputs", []))


def test_notebooks_match_their_generator(tmp_path, monkeypatch):
    """The committed notebooks' cells are exactly what scripts/make_notebooks.py writes."""
    module = _generator()
    monkeypatch.setattr(module, "NOTEBOOKS", tmp_path)
    module.main([])
    assert sorted(p.name for p in tmp_path.glob("*.ipynb")) == [p.name for p in NOTEBOOKS]
    for path in NOTEBOOKS:
        fresh = nbformat.read(tmp_path / path.name, as_version=4)
        committed = nbformat.read(path, as_version=4)
        assert [c.source for c in fresh.cells] == [c.source for c in committed.cells], path.name
