"""Bundled and generated datasets.

* :func:`load_tiny` — 小岚区, a hand-made district of 2 streets, 3 communities and 8 organisations
  (:data:`TINY`, shipped inside the package) whose answers can be worked out by hand; the
  doctests show their values on it.
* :func:`load_sample_district` — 海岚区, the generated sample district (13 streets, 116
  communities); :data:`SAMPLE_DISTRICT` (inside the package, so the demo works from an
  installed wheel) and ``data/sample_district/`` in the repository hold the same tables as CSV
  files, byte for byte what :func:`write_sample_district` writes (a test keeps all three equal).

Examples
--------
>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> G.name, G.number_of_nodes(), G.number_of_edges()
('小岚区 (tiny)', 30, 48)
>>> rg.datasets.load_sample_district().name
'海岚区 (sample)'
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .._lazy import attach

if TYPE_CHECKING:
    from ..io import Tables
    from .generator import SCALES, Scale, generate_tables

# the generator (numpy, pandas) loads on first use
__getattr__, __dir__, _lazy_names = attach(
    __name__, submodules=["generator"],
    names={"SCALES": "generator", "Scale": "generator", "generate_tables": "generator"})

__all__ = [
    "REFERENCE_DATE",
    "SAMPLE_DISTRICT",
    "SAMPLE_SEED",
    "SCALES",
    "TINY",
    "Scale",
    "generate_tables",
    "load_sample_district",
    "load_tiny",
    "sample_district_tables",
    "write_sample_district",
]

#: The day the sample data describes (its ``as of`` date).
REFERENCE_DATE = dt.date(2026, 10, 1)

#: Seed of the bundled sample district.
SAMPLE_SEED = 2026
#: The bundled sample district: a folder of CSV files inside the package.
SAMPLE_DISTRICT = Path(__file__).resolve().parent / "sample_district"


#: The tiny hand-made district (CSV files inside the package).
TINY = Path(__file__).resolve().parent / "tiny"


def load_tiny():
    """The tiny hand-made district 小岚区 as a graph (as of :data:`REFERENCE_DATE`).

    Two streets, three communities, eight organisations: two uncovered enterprises (O6, O7) and
    one that should build its own branch (O8, 4 Party members); the hospital O2 is isolated
    (its pair and conference seat both ended); one venue and one medical resource, three demands.

    Examples
    --------
    >>> G = load_tiny()
    >>> G.ids[G.label_range("Organization")].tolist()
    ['O1', 'O2', 'O3', 'O4', 'O5', 'O6', 'O7', 'O8']
    """
    from ..build import load_graph

    G = load_graph(TINY)
    G.name = "小岚区 (tiny)"
    return G


@lru_cache(maxsize=1)
def _sample_typed() -> Tables:
    from ..validate import validate_tables
    from .generator import generate_tables

    return validate_tables(generate_tables("district", seed=SAMPLE_SEED))


def sample_district_tables() -> Tables:
    """The sample district's typed tables (fresh copies).

    Examples
    --------
    >>> tables = sample_district_tables()
    >>> list(tables)[:3]
    ['areas', 'party_orgs', 'organizations']
    >>> str(tables["areas"]["level"].dtype), int((tables["areas"]["level"] == "street").sum())
    ('category', 13)
    >>> tables["areas"].loc[0, "name"] = "改名"  # a fresh copy each call
    >>> tables["areas"].loc[0, "name"], sample_district_tables()["areas"].loc[0, "name"]
    ('改名', '海岚区')
    """
    return {name: df.copy() for name, df in _sample_typed().items()}


def load_sample_district():
    """The sample district as a :class:`~regional_graph.graph.RegionalGraph`.

    Examples
    --------
    >>> G = load_sample_district()
    >>> G.name, G.nodes["Area"]["level"].value_counts()[["street", "community"]].tolist()
    ('海岚区 (sample)', [13, 116])
    """
    from ..build import graph_from_tables

    return graph_from_tables(sample_district_tables(), validate=False, name="海岚区 (sample)")


def write_sample_district(folder: str | Path = SAMPLE_DISTRICT) -> Path:
    """Write the sample district as CSV files (UTF-8 with BOM) into ``folder``.

    Examples
    --------
    >>> import tempfile
    >>> from regional_graph.build import load_graph
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = write_sample_district(Path(tmp) / "sample")
    ...     bom = (folder / "areas.csv").read_bytes()[:3]
    ...     G = load_graph(folder)
    >>> bom == b"\\xef\\xbb\\xbf", G == load_sample_district()
    (True, True)
    """
    from ..io import write_tables
    from .generator import generate_tables

    return write_tables(generate_tables("district", seed=SAMPLE_SEED), folder)
