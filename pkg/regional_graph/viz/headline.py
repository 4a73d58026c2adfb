"""The headline counts of a map or poster, taken from the indicator tables, and the map
index (``index.csv``).

A map's title block shows the numbers of its *area* (the community, the street, the
district) as of the map's data date. They come from
:func:`regional_graph.analysis.indicators.indicators` for that level, area and date, never
from the nodes drawn: a community map also draws partners from other communities for
context, and those must not change the community's numbers. So the wall map, the poster,
``index.csv`` and ``indicators_<level>.csv`` always agree.

Examples
--------
>>> import regional_graph as rg
>>> from regional_graph.analysis.indicators import indicators
>>> from regional_graph.viz import headline, maps
>>> G = rg.datasets.load_sample_district()
>>> m = maps.community_map(G, "C004", as_of=rg.datasets.REFERENCE_DATE)
>>> t = indicators(G, by="community", as_of=rg.datasets.REFERENCE_DATE)
>>> [m.counts[k] == int(t.loc["C004", k]) for k in ("two_new", "uncovered")]
[True, True]
>>> headline.index_table([m]).loc[0, ["file", "area_id", "level"]].tolist()
['community_C004.html', 'C004', 'community']
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..frames import safe_frame
from ..graph import DateLike, RegionalGraph, as_date
from ..vocab import INDEX_COLUMN_ZH, Lang, column_label, viz_text

if TYPE_CHECKING:
    from .networkmap import NetworkMap

log = logging.getLogger(__name__)

__all__ = ["HEADLINE", "ORG_CHART_HEADLINE", "apply_headline", "area_name",
           "headline_counts", "index_columns", "index_table", "write_index_csv"]

#: Map count key → (indicator column, Chinese text with ``{}`` for the number; English in
#: :data:`regional_graph.vocab.VIZ_EN`): the title
#: block of street, community and district maps, in this order. ``unmet`` (demand quantity
#: not served) only when a matching result is given.
HEADLINE: dict[str, tuple[str, str]] = {
    "resident_units": ("resident_units", "驻区单位 {} 个"),
    "two_new": ("two_new", "两新组织 {} 个"),
    "party_orgs": ("party_orgs", "党组织 {} 个"),
    "agreements": ("agreements", "共建协议 {} 项"),
    "part_time_members": ("part_time_members", "兼职委员 {} 名"),
    "conference_units": ("conference_units", "联席会成员单位 {} 个"),
    "resources": ("resources", "资源 {} 项"),
    "demands": ("demands", "需求 {} 项"),
    "reported": ("members_reporting", "在职党员报到 {} 人"),
    # attention (需关注)
    "uncovered": ("uncovered", "未覆盖 {}"),
    "should_build": ("should_build", "应建未建 {}"),
    "isolated": ("isolated_units", "孤立单位 {}"),
    "unpaired": ("unpaired_communities", "无结对社区 {}"),
    "unmet": ("unmet", "未满足需求量 {}"),
}
_ATTENTION = ("uncovered", "should_build", "isolated", "unpaired", "unmet")
#: The title block of a street org chart.
ORG_CHART_HEADLINE: dict[str, tuple[str, str]] = {
    "street_committees": ("party_orgs_street_committee", "街道党工委 {} 个"),
    "community_committees": ("party_orgs_community_committee", "社区党组织 {} 个"),
    "grid_branches": ("party_orgs_grid_branch", "网格党支部 {} 个"),
    "building_groups": ("party_orgs_building_group", "楼栋党小组 {} 个"),
    "members": ("members", "党员 {} 人"),
}
_LEVEL_OF_KIND = {"community": "community", "street": "street", "org_chart": "street",
                  "district": "district"}
_KEY = "regional_graph.viz.headline"


def _table(G: RegionalGraph, level: str, day: np.datetime64, matching: Any) -> pd.DataFrame:
    from ..analysis.indicators import indicators

    return G.memo((_KEY, level, str(day), id(matching)),
                  lambda: indicators(G, by=level, as_of=day,  # type: ignore[arg-type]
                                     matching=matching))


def headline_counts(
    G: RegionalGraph,
    kind: str,
    area_id: str | None,
    *,
    as_of: DateLike = None,
    matching: Any = None,
) -> dict[str, int]:
    """The headline counts of a map of ``kind`` for ``area_id`` as of a date.

    Parameters
    ----------
    kind
        ``"community"``, ``"street"``, ``"org_chart"`` or ``"district"``.
    area_id
        The area; for ``"district"`` ``None`` means every district of the graph (summed).
    matching
        As for :func:`~regional_graph.analysis.indicators.indicators` (adds ``unmet``).

    Returns
    -------
    dict
        Count key (:data:`HEADLINE` or :data:`ORG_CHART_HEADLINE`) → value of the
        indicator column for that area.

    Examples
    --------
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()  # 西一社区 C3: O6, O7 uncovered, O2 isolated, its pair ended
    >>> headline_counts(G, "community", "C3", as_of=rg.datasets.REFERENCE_DATE)
    ... # doctest: +NORMALIZE_WHITESPACE
    {'resident_units': 1, 'two_new': 2, 'party_orgs': 1, 'agreements': 0, 'part_time_members': 0,
     'conference_units': 0, 'resources': 1, 'demands': 1, 'reported': 0, 'uncovered': 2,
     'should_build': 0, 'isolated': 1, 'unpaired': 1}
    """
    level = _LEVEL_OF_KIND.get(kind)
    if level is None:
        raise ValueError(f"`kind` must be one of {', '.join(_LEVEL_OF_KIND)}, got {kind!r}")
    table = _table(G, level, as_date(as_of), matching)
    spec = ORG_CHART_HEADLINE if kind == "org_chart" else HEADLINE
    if area_id is None:
        rows = table
    elif area_id in table.index:
        rows = table.loc[[area_id]]
    else:
        raise KeyError(f"`area_id` {area_id!r} is not a {level} of this graph")
    return {k: round(float(rows[col].sum())) for k, (col, _) in spec.items()
            if col in rows.columns}


def _subtitle(as_of: str, kind: str, counts: Mapping[str, int], nodes: int,
              lang: Lang = "zh") -> str:
    def t(zh: str) -> str:
        return viz_text(zh, lang)

    spec = ORG_CHART_HEADLINE if kind == "org_chart" else HEADLINE
    parts = [t("数据日期 {}").format(as_of)]
    parts += [t(text).format(counts[k]) for k, (_, text) in spec.items()
              if k in counts and k not in _ATTENTION]
    alerts = [t(spec[k][1]).format(counts[k]) for k in _ATTENTION if counts.get(k)]
    if alerts:
        parts.append(t("需关注：") + t("、").join(alerts))
    parts.append(t("图中 {} 个节点").format(nodes))
    return " · ".join(parts)


def apply_headline(m: NetworkMap, G: RegionalGraph, *, matching: Any = None
                   ) -> NetworkMap:
    """Set ``m.counts`` (headline keys) and ``m.subtitle`` from the indicator table of the
    map's area and data date; return ``m``.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> m = maps.org_chart(G, "S1", as_of=rg.datasets.REFERENCE_DATE)
    >>> # 党员 62: the street's six Party organisations, PS1 7 + PC1 11 + PC2 8 + PU1 30 + 3 + 3
    >>> print(*apply_headline(m, G).subtitle.split(" · "), sep="\\n")
    数据日期 2026-10-01
    街道党工委 1 个
    社区党组织 2 个
    网格党支部 0 个
    楼栋党小组 0 个
    党员 62 人
    图中 4 个节点
    """
    area = None if m.kind == "district" else m.area_id
    counts = headline_counts(G, m.kind, area, as_of=m.as_of or None, matching=matching)
    for k in _ATTENTION:  # drawn-node flag counts are not headline numbers
        m.counts.pop(k, None)
    m.counts.update(counts)
    m.subtitle = _subtitle(m.as_of, m.kind, counts, int(m.counts.get("nodes", len(m.nodes))),
                           m.lang)
    return m


#: Title templates of the maps (Chinese keys of :data:`regional_graph.vocab.VIZ_EN`).
_TITLES = ("{}区域化党建资源网络总览图（按街道、社区汇总）", "{}区域化党建资源网络总览图",
           "{}区域化党建资源网络图", "{}党组织架构图（含大工委、大党委）", "{}党组织架构图")


def area_name(m: NetworkMap) -> str:
    """The area's name in the title of ``m`` (the title itself if no template matches).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_tiny()
    >>> area_name(maps.org_chart(G, "S1", as_of="2024-06-30")), area_name(
    ...     maps.street_map(G, "S1", as_of="2024-06-30", lang="en"))
    ('东街道', '东街道')
    """
    for template in _TITLES:
        head, tail = viz_text(template, m.lang).split("{}")
        if m.title.startswith(head) and m.title.endswith(tail) \
                and len(m.title) > len(head) + len(tail):
            return m.title[len(head): len(m.title) - len(tail)]
    return m.title


def index_table(maps: Iterable[NetworkMap], *, files: Mapping[str, str] | None = None
                ) -> pd.DataFrame:
    """One row per map: ``file``, ``kind``, ``level``, ``area_id``, ``area_name``,
    ``as_of`` and the headline counts it shows (English column names).

    Parameters
    ----------
    files
        Map key → file name (default ``<key>.html``).

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> t = index_table([maps.street_map(G, "S01", as_of=rg.datasets.REFERENCE_DATE)])
    >>> t.loc[0, ["area_id", "level", "as_of"]].tolist()
    ['S01', 'street', '2026-10-01']
    """
    files = files or {}
    cols = list(dict.fromkeys([*HEADLINE, *ORG_CHART_HEADLINE]))
    rows = []
    for m in maps:
        spec = ORG_CHART_HEADLINE if m.kind == "org_chart" else HEADLINE
        row: dict[str, Any] = {
            "file": files.get(m.key, f"{m.key}.html"), "kind": m.kind,
            "level": _LEVEL_OF_KIND.get(m.kind, m.kind),
            "area_id": "" if m.kind == "district" else (m.area_id or ""),
            "area_name": area_name(m), "as_of": m.as_of,
        }
        row.update({k: m.counts[k] for k in spec if k in m.counts})
        rows.append(row)
    out = pd.DataFrame(rows, columns=["file", "kind", "level", "area_id", "area_name",
                                      "as_of", *cols])
    present = [c for c in cols if out[c].notna().any()]
    out = out[[*out.columns[:6], *present]]
    return out.astype({c: "Int64" for c in present})


def index_columns(lang: Lang = "zh") -> dict[str, str]:
    """Column of :func:`index_table` → its header in ``index.csv``: in Chinese the headers
    of the indicator tables for the counts (``indicators_<level>.csv``); in English the
    column names.

    Examples
    --------
    >>> cols = index_columns()
    >>> cols["area_id"], cols["two_new"], cols["isolated"], index_columns("en")["isolated"]
    ('区域编号', '两新组织数', '孤岛单位数', 'isolated')
    """
    spec = {**HEADLINE, **ORG_CHART_HEADLINE}
    if lang == "en":
        return {c: c for c in [*INDEX_COLUMN_ZH, *spec]}
    return {**INDEX_COLUMN_ZH, **{k: column_label(col) for k, (col, _) in spec.items()}}


def write_index_csv(maps: Sequence[NetworkMap], path: str | Path, *,
                    files: Mapping[str, str] | None = None, lang: Lang = "zh") -> Path:
    """Write :func:`index_table` as ``path`` (UTF-8 with BOM, like the indicator tables),
    headers in ``lang`` (:func:`index_columns`), formula-safe cells.

    Examples
    --------
    >>> import tempfile, pathlib, regional_graph as rg
    >>> from regional_graph.viz import maps
    >>> G = rg.datasets.load_sample_district()
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "index.csv"
    >>> p = write_index_csv([maps.org_chart(G, "S01")], out)
    >>> p.read_text(encoding="utf-8-sig").splitlines()[0][:38]
    '文件,地图类型,层级,区域编号,区域名称,数据日期,街道党工委数,社区党委数'
    """
    p = Path(path)
    table = index_table(maps, files=files).rename(columns=index_columns(lang))
    safe_frame(table).to_csv(p, index=False, encoding="utf-8-sig")
    return p
