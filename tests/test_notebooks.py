"""Every notebook runs top to bottom (the Neo4j one against the local Bolt server)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    names = [p.stem for p in NOTEBOOKS]
    assert names[:2] == ["00-quickstart", "01-data-template"]
    assert len(names) >= 8


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), \
        "commit notebooks with outputs cleared"
    monkeypatch.setenv("MPLBACKEND", "Agg")
    client = NotebookClient(nb, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(path.parent)}})
    client.execute()


def test_notebooks_match_their_generator(tmp_path, monkeypatch):
    """The committed notebooks are exactly what scripts/make_notebooks.py writes."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "make_notebooks", ROOT / "scripts" / "make_notebooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "NOTEBOOKS", tmp_path)
    module.main()
    for path in NOTEBOOKS:
        fresh = nbformat.read(tmp_path / path.name, as_version=4)
        committed = nbformat.read(path, as_version=4)
        assert [c.source for c in fresh.cells] == [c.source for c in committed.cells], path.name
