"""Matching supply to demand: resources to needs, members and units to orders, one flow solver.

Modules: :mod:`~regional_graph.matching.resources` (资源清单 ↔ 需求清单, ``match_resources``),
:mod:`~regional_graph.matching.orders` (the three orders 点单/下单/接单, ``propose_dispatch``),
:mod:`~regional_graph.matching.flow` (the exact min-cost allocation both rest on),
:mod:`~regional_graph.matching.weights` (the cost model, ``MatchWeights``). They return data;
:mod:`regional_graph.export.matching` writes it.

Examples
--------
One resource of 1 unit, two demands (priorities 1 and 3): the unit goes to the weightier one.

>>> from regional_graph.matching import solve_allocation
>>> solve_allocation([1], [1, 1], [1, 3], [0, 0], [0, 1], [1.0, 5.0]).flow.tolist()
[0, 1]
"""

from __future__ import annotations

from .._lazy import attach

__getattr__, __dir__, __all__ = attach(
    __name__,
    submodules=["flow", "orders", "resources", "weights"],
    names={
        **dict.fromkeys(["MatchResult", "REASON_ZH", "MATCH_TABLES", "UNMET_REASONS",
                         "match_resources", "with_assignments"], "resources"),
        **dict.fromkeys(["MatchWeights", "TIERS", "TIERS_ZH"], "weights"),
        **dict.fromkeys(["DISPATCH_REASONS", "ORDER_TABLES", "order_indicators",
                         "order_status_as_of", "order_tables", "propose_dispatch"],
                        "orders"),
        **dict.fromkeys(["AllocationResult", "max_served", "node_potentials",
                         "solve_allocation"], "flow"),
    },
)
