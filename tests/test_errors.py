"""The exception hierarchy (issue 12): every exception of ``regional_graph.errors`` is raised
by a real call of the library, and each is caught as a ``RegionalGraphError``."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import regional_graph as rg
from regional_graph import errors
from regional_graph.matching import MatchWeights, match_resources, propose_dispatch

PKG = Path(rg.__file__).parent
DAY = "2026-10-01"


def _classes() -> set[str]:
    return {n for n, c in vars(errors).items()
            if inspect.isclass(c) and issubclass(c, Exception) and c.__module__ == errors.__name__}


def _tiny_typed() -> dict:
    return rg.validate.validate_tables(rg.io.read_tables(rg.datasets.TINY))


def test_the_hierarchy() -> None:
    assert _classes() == {"RegionalGraphError", "TableValidationError", "StoreError",
                          "MatchingError", "InfeasibleMatchingError"}
    for name in _classes() - {"RegionalGraphError"}:
        assert issubclass(getattr(errors, name), errors.RegionalGraphError)
    assert issubclass(errors.InfeasibleMatchingError, errors.MatchingError)
    # the value errors stay ValueErrors for callers that caught those before
    assert issubclass(errors.TableValidationError, ValueError)
    assert issubclass(errors.MatchingError, ValueError)


def test_every_concrete_exception_is_raised_in_the_package() -> None:
    raised = set()
    for path in PKG.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                call = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
                if isinstance(call, ast.Name):
                    raised.add(call.id)
    # the base is what callers catch; every other class is raised somewhere
    assert _classes() - {"RegionalGraphError"} <= raised


def test_table_validation_error() -> None:
    raw = rg.io.read_tables(rg.datasets.TINY)
    raw["resources"].loc[0, "capacity"] = "-2"
    with pytest.raises(errors.RegionalGraphError) as info:
        rg.build.graph_from_tables(raw)
    assert type(info.value) is errors.TableValidationError
    f = info.value.failures.iloc[0]
    assert (f["table"], int(f["row"]), f["column"], f["value"]) == ("resources", 2, "capacity",
                                                                    "-2")


def test_store_error() -> None:
    from regional_graph.store.connection import Neo4jSettings

    with pytest.raises(errors.RegionalGraphError, match="no Neo4j server given") as info:
        Neo4jSettings.resolve(environ={})
    assert type(info.value) is errors.StoreError
    with pytest.raises(errors.StoreError, match="scheme 'http'"):
        Neo4jSettings.resolve(uri="http://localhost:7474", environ={})


def test_matching_error() -> None:
    G = rg.datasets.load_tiny()
    with pytest.raises(errors.RegionalGraphError, match="max_distance_km") as info:
        match_resources(G, as_of=DAY, max_distance_km=-1)
    assert type(info.value) is errors.MatchingError
    with pytest.raises(errors.MatchingError, match="member_capacity"):
        propose_dispatch(G, as_of=DAY, member_capacity=-1)
    with pytest.raises(errors.MatchingError, match="k_nearest"):
        MatchWeights(k_nearest=-1)
    # a result applied to a graph without its resources
    m = match_resources(G, as_of=DAY)
    raw = rg.io.read_tables(rg.datasets.TINY)
    raw["resources"]["id"] = ["R8", "R9"]
    other = rg.build.graph_from_tables(raw)
    with pytest.raises(errors.MatchingError, match="not in the graph"):
        rg.matching.with_assignments(other, m)


def test_infeasible_matching_error_negative_capacity_and_quantity() -> None:
    typed = _tiny_typed()
    typed["resources"].loc[0, "capacity"] = -2  # behind validation's back
    typed["demands"].loc[[0, 2], "quantity"] = -1
    G = rg.build.graph_from_tables(typed, validate=False)
    with pytest.raises(errors.RegionalGraphError) as info:
        match_resources(G, as_of=DAY)
    assert type(info.value) is errors.InfeasibleMatchingError
    assert str(info.value) == ("resources with a negative capacity: R1 (-2); expected a whole "
                               "number >= 0")
    typed["resources"].loc[0, "capacity"] = 2
    G = rg.build.graph_from_tables(typed, validate=False)
    with pytest.raises(errors.InfeasibleMatchingError,
                       match=r"demands with a negative quantity: Q1 \(-1\), Q3 \(-1\)"):
        match_resources(G, as_of=DAY)


def test_infeasible_matching_error_cannot_scale_exactly() -> None:
    # unit costs times 10^17 do not fit the exact integer solver
    with pytest.raises(errors.InfeasibleMatchingError, match="too large"):
        match_resources(rg.datasets.load_tiny(), as_of=DAY,
                        weights=MatchWeights(cost_scale=1e17))
    with pytest.raises(errors.InfeasibleMatchingError, match="too large"):
        rg.matching.solve_allocation([1], [1], [1], [0], [0], [1e17])
