"""Analyses: pure, vectorised functions of a :class:`~regional_graph.graph.RegionalGraph`.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.analysis import coverage
>>> coverage.uncovered(rg.datasets.load_tiny(), as_of="2026-10-01").index.tolist()
['O6', 'O7', 'O8']
"""

from __future__ import annotations

from .._lazy import attach

# each submodule loads on first use
__getattr__, __dir__, __all__ = attach(__name__, submodules=[
    "changes", "compare", "coverage", "indicators", "isolation", "labels", "recommend", "structure",
])
