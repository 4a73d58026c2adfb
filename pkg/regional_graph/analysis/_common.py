"""What several analyses share: node texts by code, places of organisations, actors, rates.

Private to :mod:`regional_graph.analysis`; every link rule comes from the graph's edge layer
(:meth:`~regional_graph.graph.RegionalGraph.links`) and every derived array is cached with
:meth:`~regional_graph.graph.RegionalGraph.memo`.

Examples
--------
>>> import regional_graph as rg
>>> G = rg.datasets.load_tiny()
>>> rate(np.array([1, 0]), np.array([4, 0])).tolist()
[0.25, nan]
>>> G.ids[actor_codes(G)[G.codes(["PU1", "PC1"])]].tolist()  # host unit, led community
['O1', 'C1']
"""

from __future__ import annotations

from typing import Any, TypeAlias

import numpy as np
import pandas as pd
import pyarrow as pa

from .. import schema
from ..graph import LABELS, DateLike, RegionalGraph, as_date
from ..schema import Label, RelType

#: The tie link types (paired_with, sits_on, conference_member) as relationship types.
TIE_RELS: tuple[RelType, ...] = tuple(schema.LINK_RELTYPE[t] for t in schema.TIE_TYPES)
#: Party org levels that stand for the area they lead (merged with it as one actor).
TERRITORIAL_LEVELS = (
    "district_committee", "street_committee", "community_committee", "grid_branch",
    "building_group",
)
#: Area level → the territorial Party org level that leads it.
LEADS_LEVEL = dict(zip(("district", "street", "community", "grid", "building"),
                       TERRITORIAL_LEVELS, strict=True))
#: How a missing industry is shown.
MISSING_INDUSTRY = "(未填行业)"
ORG_COLUMNS = ("name", "kind", "industry", "party_members")

Text: TypeAlias = pd.api.extensions.ExtensionArray


def rate(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` as floats, NaN where ``den`` is 0.

    Examples
    --------
    >>> rate(np.array([3, 1]), np.array([4, 0])).tolist()
    [0.75, nan]
    """
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    return np.divide(num, den, out=np.full(len(num), np.nan), where=den > 0)


def sorted_unique(keys: np.ndarray) -> np.ndarray:
    """``np.unique`` of integer keys by one sort (NumPy's hashing unique is several times
    slower on hundreds of thousands of keys).

    Examples
    --------
    >>> sorted_unique(np.array([5, 1, 5, 3])).tolist()
    [1, 3, 5]
    """
    keys = np.sort(keys)
    return keys[np.r_[True, keys[1:] != keys[:-1]]] if len(keys) else keys


def last_per(keys: np.ndarray, values: np.ndarray, n: int) -> np.ndarray:
    """For each key in ``0..n-1``, the position (into ``keys``) of its largest value (-1).

    Examples
    --------
    >>> last_per(np.array([0, 2, 0]), np.array([5, 1, 7]), 3).tolist()
    [2, -1, 1]
    """
    out = np.full(n, -1, dtype=np.int64)
    if len(keys):
        order = np.lexsort((values, keys))
        k = keys[order]
        last = np.r_[k[1:] != k[:-1], True]
        out[k[last]] = order[last]
    return out


def take_text(values: pd.Series | pd.Index, pos: np.ndarray) -> Text:
    """``values[pos]`` keeping the dtype, missing where ``pos`` is -1."""
    return values.array.take(np.asarray(pos, dtype=np.int64), allow_fill=True)


def ids(G: RegionalGraph, codes: np.ndarray) -> Text:
    """Node ids of ``codes`` (missing where -1).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> list(ids(G, G.codes(["O1", "nope"])))
    ['O1', nan]
    """
    return take_text(G.ids, codes)


def names(G: RegionalGraph, codes: np.ndarray) -> np.ndarray:
    """Display names of areas, Party orgs and organisations (``None`` for the rest)."""
    return G.display_names(codes)


def node_names(G: RegionalGraph, codes: np.ndarray) -> np.ndarray:
    """Display names of nodes, falling back to the id (resources, demands, members).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> node_names(G, G.codes(["C1", "R1"])).tolist()
    ['东一社区', 'R1']
    """
    codes = np.asarray(codes, dtype=np.int64)
    out = G.display_names(codes)
    missing = pd.isna(out) & (codes >= 0)
    if missing.any():  # only those ids as text (not all of the graph's)
        out[missing] = G.ids[codes[missing]].to_numpy(dtype=object)
    return out


def node_kinds(G: RegionalGraph, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(label, kind)`` of nodes: kind is the organisation kind, area or Party org level."""
    codes = np.asarray(codes, dtype=np.int64)
    label = np.full(len(codes), None, dtype=object)
    kind = np.full(len(codes), None, dtype=object)
    ok = codes >= 0
    label[ok] = np.asarray([lbl.value for lbl in LABELS], dtype=object)[G.label_codes[codes[ok]]]
    for lbl, col in ((Label.AREA, "level"), (Label.PARTY_ORG, "level"),
                     (Label.ORGANIZATION, "kind"), (Label.RESOURCE, "category"),
                     (Label.DEMAND, "category")):
        rng = G.label_range(lbl)
        hit = (codes >= rng.start) & (codes < rng.stop)
        if hit.any():
            values = G.nodes[lbl][col].to_numpy(dtype=object, na_value=None)
            kind[hit] = values[codes[hit] - rng.start]
    return label, kind


def area_name(G: RegionalGraph, codes: np.ndarray) -> Text:
    """Names of area codes (missing where -1)."""
    start = G.label_range(Label.AREA).start
    codes = np.asarray(codes, dtype=np.int64)
    return take_text(G.nodes[Label.AREA]["name"], np.where(codes >= 0, codes - start, -1))


def street_of(G: RegionalGraph, codes: np.ndarray) -> np.ndarray:
    """Street area code of each node (through its area; -1 when none).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> G.ids[street_of(G, G.codes(["O1", "PU1", "C3"]))].tolist()
    ['S1', 'S1', 'S2']
    """
    codes = np.asarray(codes, dtype=np.int64)
    area = np.where(codes >= 0, G.area_of()[np.where(codes >= 0, codes, 0)], -1)
    return G.ancestor_at(area, "street")


def org_places(G: RegionalGraph) -> dict[str, np.ndarray]:
    """Community, street and district area code of every organisation (-1 when none)."""
    def compute() -> dict[str, np.ndarray]:
        area = G.resolved(Label.ORGANIZATION, "area_id")
        return {lvl: G.ancestor_at(area, lvl) for lvl in ("community", "street", "district")}

    return G.memo(("analysis", "org_places"), compute)


def texts(which: np.ndarray, choices: tuple[str | None, ...]) -> Text:
    """``choices[i]`` for each ``i`` of ``which`` as text (one Arrow take; building text
    from a NumPy string array costs ~100× more).

    Examples
    --------
    >>> list(texts(np.array([1, 0, 1]), ("no", "yes")))
    ['yes', 'no', 'yes']
    """
    pool = pa.array(choices, type=pa.large_string())
    return pd.array(pool.take(np.asarray(which, dtype=np.int64)), dtype="str")


def join_per_row(k: np.ndarray, values: np.ndarray | Text, n_rows: int) -> Text:
    """Comma-join ``values`` (text or None) grouped by row ``k`` (in order, duplicates
    dropped) into ``n_rows`` cells; rows with one value take it as is (the usual case).

    Examples
    --------
    >>> list(join_per_row(np.array([0, 0, 2]), np.array(["a", "b", "c"], dtype=object), 3))
    ['a, b', nan, 'c']
    """
    text = values if isinstance(values, pd.api.extensions.ExtensionArray) \
        else pd.array(np.asarray(values, dtype=object), dtype="str")
    count = np.bincount(k, minlength=n_rows)
    src = np.full(n_rows, -1, dtype=np.int64)  # the value each row shows (-1: none)
    single = count[k] == 1
    src[k[single]] = np.flatnonzero(single)
    multi = ~single
    if multi.any():  # few rows: joined in Python, appended after the values
        many = text[multi].to_numpy(dtype=object, na_value=None)
        joined = pd.Series(many, dtype=object).groupby(k[multi], sort=True).agg(
            lambda s: ", ".join(dict.fromkeys(str(v) for v in s if v is not None)))
        src[joined.index.to_numpy()] = len(text) + np.arange(len(joined))
        text = text._concat_same_type([text, pd.array(joined.to_numpy(dtype=object),
                                                      dtype="str")])
    return text.take(src, allow_fill=True)


def party_members(G: RegionalGraph) -> np.ndarray:
    """``party_members`` of every organisation as floats (NaN when missing)."""
    return G.nodes[Label.ORGANIZATION]["party_members"].to_numpy(dtype="float64",
                                                                 na_value=np.nan)


def org_table(G: RegionalGraph, rows: np.ndarray, columns: tuple[str, ...] = ORG_COLUMNS,
              places: tuple[str, ...] = ("community", "street")) -> pd.DataFrame:
    """Organisation rows (positions in the Organization frame) with their places."""
    return org_frame(G, rows, org_columns(G, rows, columns, places))


def org_columns(G: RegionalGraph, rows: np.ndarray, columns: tuple[str, ...] = ORG_COLUMNS,
                places: tuple[str, ...] = ("community", "street")) -> dict[str, Any]:
    """The columns of :func:`org_table` (to add more before making the frame once)."""
    frame = G.nodes[Label.ORGANIZATION]
    data: dict[str, Any] = {col: frame[col].array.take(rows) for col in columns}
    where = org_places(G)
    for lvl in places:
        codes = where[lvl][rows]
        data[f"{lvl}_id"] = ids(G, codes)
        data[lvl] = area_name(G, codes)
    return data


def org_frame(G: RegionalGraph, rows: np.ndarray, data: dict[str, Any]) -> pd.DataFrame:
    """A frame of organisation ``rows`` indexed by ``id`` from ``data`` (made in one step:
    adding columns one by one costs ~1 ms each)."""
    index = G.nodes[Label.ORGANIZATION].index.take(rows).rename("id")
    return pd.DataFrame(data, index=index)


def orgs_of_kind(G: RegionalGraph, kinds: tuple[str, ...], as_of: DateLike) -> np.ndarray:
    """Per organisation row: kind in ``kinds`` and existing on ``as_of`` (founded, dissolved).

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> G.nodes["Organization"].index[orgs_of_kind(G, ("hospital",), "2026-10-01")].tolist()
    ['O2']
    """
    orng = G.label_range(Label.ORGANIZATION)
    return G.organizations_of_kind(kinds) & G.exists(as_of)[orng]


def covered_nodes(G: RegionalGraph, as_of: DateLike) -> np.ndarray:
    """Boolean per node: source of a live ``covered_by`` link.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> G.ids[covered_nodes(G, "2026-10-01")].tolist()
    ['O3', 'O4', 'O5']
    """
    covered = np.zeros(G.number_of_nodes(), dtype=bool)
    covered[G.links(RelType.COVERED_BY, as_of=as_date(as_of)).source] = True
    return covered


def actor_codes(G: RegionalGraph, *, merge_committees: bool = True) -> np.ndarray:
    """The actor code of every node (itself, its host organisation, or the area it leads).

    A Party org with a ``host_id`` *is* the organisation it sits in; with
    ``merge_committees`` a territorial Party org is the area of the matching level it leads.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> G.ids[actor_codes(G)[G.codes(["PU1", "PC1", "PJ1"])]].tolist()
    ['O1', 'C1', 'PJ1']
    >>> G.ids[actor_codes(G, merge_committees=False)[G.codes(["PC1"])]].tolist()
    ['PC1']
    """
    return G.memo(("analysis", "actors", merge_committees),
                  lambda: _actor_codes(G, merge_committees))


def _actor_codes(G: RegionalGraph, merge_committees: bool) -> np.ndarray:
    actor = np.arange(G.number_of_nodes(), dtype=np.int64)
    if merge_committees:
        terr = territory(G)
        led = np.flatnonzero(terr >= 0)
        actor[led] = terr[led]
    hosted = G.links(RelType.HOSTED_BY, state="any")
    actor[hosted.source] = hosted.target
    return actor


def territory(G: RegionalGraph) -> np.ndarray:
    """Area code led by each territorial Party committee (``LEADS`` to an area of the
    matching level, e.g. community_committee → community); -1 for every other node. Once
    per graph; read only.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> G.ids[territory(G)[G.codes(["PC1", "PS2"])]].tolist(), int(territory(G)[0])
    (['C1', 'S2'], -1)
    """
    def compute() -> np.ndarray:
        out = np.full(G.number_of_nodes(), -1, dtype=np.int64)
        leads = G.links(RelType.LEADS, state="any")
        po, area = leads.source, leads.target
        prng = G.label_range(Label.PARTY_ORG)
        level = G.nodes[Label.PARTY_ORG]["level"]
        led_level = {p: a for a, p in LEADS_LEVEL.items()}
        expected = np.array([led_level.get(c) for c in level.cat.categories] + [None],
                            dtype=object)
        want = expected[level.cat.codes.to_numpy()[po - prng.start]]  # code -1 → None
        match = (want != None) & (G.area_levels()[area] == want)  # noqa: E711 - elementwise
        out[po[match]] = area[match]
        out.setflags(write=False)
        return out

    return G.memo(("analysis", "territory"), compute)


def served_frame(matching: Any) -> pd.DataFrame:
    """The per-demand ``served`` (and optional ``quantity``) table of a matching result.

    Accepts a DataFrame indexed by demand id with a ``served`` column, a Series of served
    quantities, or any object with such a DataFrame as ``.demands``.

    Examples
    --------
    >>> served_frame(pd.Series({"Q1": 2.0})).to_dict("index")
    {'Q1': {'served': 2.0}}
    """
    frame = matching
    if not isinstance(frame, pd.DataFrame | pd.Series) and hasattr(matching, "demands"):
        frame = matching.demands
    if isinstance(frame, pd.Series):
        frame = frame.rename("served").to_frame()
    if not isinstance(frame, pd.DataFrame) or "served" not in frame.columns:
        raise TypeError("`matching` must be a DataFrame indexed by demand id with a `served` "
                        f"column (and optionally `quantity`), got {type(matching).__name__}")
    return frame
