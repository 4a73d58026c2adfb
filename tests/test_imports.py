"""Heavy libraries load on first use, not on ``import regional_graph`` (a correctness check:
which modules a fresh interpreter holds, not how long it took)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ["matplotlib", "igraph", "leidenalg", "ortools", "neo4j", "networkx", "fontTools",
         "openpyxl", "pyarrow.compute", "scipy.sparse", "pandas"]


def _loaded_after(code: str) -> list[str]:
    """Heavy modules present in ``sys.modules`` of a fresh interpreter after ``code``."""
    probe = (f"import json, sys\n{code}\n"
             f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("code", [
    "import regional_graph",
    "import regional_graph as rg; rg.analysis; rg.store; rg.viz; rg.datasets.REFERENCE_DATE",
    "from regional_graph import cli; cli.build_parser()",
    "import regional_graph.errors",
])
def test_import_loads_no_heavy_module(code: str) -> None:
    assert _loaded_after(code) == []


def test_loading_and_headline_queries_load_no_plotting_solver_or_driver() -> None:
    code = ("import regional_graph as rg\n"
            "from regional_graph.analysis import coverage, isolation\n"
            "G = rg.load_graph(rg.datasets.SAMPLE_DISTRICT)\n"
            "coverage.uncovered(G); coverage.should_build(G); isolation.isolated_units(G)")
    loaded = _loaded_after(code)
    assert "pandas" in loaded  # the probe itself works: the load did need pandas
    assert set(loaded) & {"matplotlib", "igraph", "leidenalg", "ortools", "neo4j",
                          "networkx", "fontTools", "openpyxl"} == set()


def test_lazy_names_resolve_to_the_real_objects() -> None:
    import regional_graph as rg
    from regional_graph import build, graph
    from regional_graph.store import load as store_load

    assert rg.load_graph is build.load_graph
    assert rg.RegionalGraph is graph.RegionalGraph
    assert rg.store.load_graph is store_load.load_graph
    assert {"load_graph", "analysis", "viz"} <= set(dir(rg))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        rg.nope  # noqa: B018
