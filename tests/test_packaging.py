"""The package as installed: core dependencies only, optional libraries named by their extra
when missing, the sample district shipped inside the package."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

#: distribution name → top-level import name, where they differ
IMPORT_NAME = {"fonttools": "fontTools", "python-calamine": "python_calamine"}

#: a Python that cannot find the optional libraries listed in argv[1] (comma separated), then
#: runs the code in argv[2]: how a core-only install behaves, without building a second venv
HIDE = """
import sys, importlib.machinery as m
BLOCK = set(sys.argv[1].split(","))
class Hide(m.PathFinder):
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name.partition(".")[0] in BLOCK:
            return None
        return super().find_spec(name, path, target)
sys.meta_path[sys.meta_path.index(m.PathFinder)] = Hide
exec(sys.argv[2])
"""


def _names(requirements: list[str]) -> set[str]:
    """Distribution names of requirement strings (``fonttools[woff]>=4.50`` → ``fonttools``)."""
    return {re.split(r"[\[<>=!~; ]", r, maxsplit=1)[0].lower() for r in requirements}


def _without(optional: set[str], code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", HIDE, ",".join(sorted(optional)), code],
                          check=False, capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


def test_extras_table_matches_pyproject() -> None:
    from regional_graph._lazy import EXTRAS

    extras = PYPROJECT["project"]["optional-dependencies"]
    declared: dict[str, set[str]] = {}
    for extra in ("maps", "structure", "matching", "neo4j", "ledgers"):
        for dist in _names(extras[extra]):
            declared.setdefault(IMPORT_NAME.get(dist, dist), set()).add(extra)
    # pyvis is a maps dependency; every optional library names exactly the extras that have it
    assert {m: set(e) for m, e in EXTRAS.items()} == declared
    core = {IMPORT_NAME.get(d, d) for d in _names(PYPROJECT["project"]["dependencies"])}
    assert core.isdisjoint(EXTRAS)
    assert core == {"pandas", "pyarrow", "numpy", "scipy", "networkx", "openpyxl",
                    "xlsxwriter", "isal", "tqdm", "charset-normalizer"}
    assert extras["all"] == ["regional_graph[maps,structure,matching,neo4j,ledgers]"]


def test_core_only_reads_validates_and_reports(tmp_path: Path) -> None:
    from regional_graph._lazy import EXTRAS

    code = ("import regional_graph as rg\n"
            "from regional_graph.cli import main\n"
            "raise SystemExit(main(['report', str(rg.datasets.SAMPLE_DISTRICT), "
            "'--out', sys.argv[3], '--as-of', '2026-10-01']))")
    out = tmp_path / "report"
    done = subprocess.run([sys.executable, "-c", HIDE, ",".join(EXTRAS), code, str(out)],
                          check=False, capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert (out / "report.xlsx").is_file()
    assert "覆盖率" in done.stdout


@pytest.mark.parametrize("hidden,code,extra", [
    ({"igraph"}, "from regional_graph.viz import layout", "maps"),
    ({"ortools"}, "import regional_graph as rg\n"
                  "rg.matching.match_resources(rg.datasets.load_tiny(), as_of='2026-10-01')",
     "matching"),
    ({"leidenalg"}, "import regional_graph as rg\nrg.analysis.structure.communities("
                    "rg.datasets.load_tiny(), method='leidenalg')", "structure"),
    ({"neo4j"}, "import regional_graph.store.connection", "neo4j"),
])
def test_a_missing_extra_is_named_at_first_use(hidden: set[str], code: str, extra: str) -> None:
    done = _without(hidden, code)
    assert done.returncode == 1
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("regional_graph.errors.MissingDependencyError: "), done.stderr
    assert f"pip install 'regional_graph[{extra}]'" in last


def test_the_command_line_names_the_missing_extra() -> None:
    code = ("from regional_graph.cli import main\n"
            "import regional_graph as rg\n"
            "raise SystemExit(main(['match', str(rg.datasets.TINY), '--out', 'never']))")
    done = _without({"ortools"}, code)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == (
        "error: ortools is not installed (needed for matching): "
        "pip install 'regional_graph[matching]'")


def test_the_sample_district_inside_the_package_is_the_bundled_one(tmp_path: Path) -> None:
    """The package copy (what a wheel ships), ``data/sample_district/`` and the seeded
    generator's output are the same files, byte for byte."""
    import regional_graph as rg

    shipped = rg.datasets.SAMPLE_DISTRICT
    assert shipped.is_relative_to(Path(rg.__file__).parent)
    generated = rg.datasets.write_sample_district(tmp_path / "generated")
    names = sorted(p.name for p in shipped.glob("*.csv"))
    assert len(names) == 9
    for folder in (ROOT / "data" / "sample_district", generated):
        assert sorted(p.name for p in folder.glob("*.csv")) == names
        for name in names:
            assert (folder / name).read_bytes() == (shipped / name).read_bytes(), (folder, name)
