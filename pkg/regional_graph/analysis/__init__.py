"""Analyses: pure, vectorised functions of a :class:`~regional_graph.graph.RegionalGraph`.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.analysis import coverage
>>> G = rg.datasets.load_sample_district()
>>> len(coverage.uncovered(G, as_of=rg.datasets.REFERENCE_DATE)) > 0
True
"""

from __future__ import annotations

from .._lazy import attach

# each submodule loads on first use
__getattr__, __dir__, __all__ = attach(__name__, submodules=[
    "changes", "compare", "coverage", "indicators", "isolation", "labels", "recommend", "structure",
])
