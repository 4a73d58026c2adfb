"""Chinese labels for the columns and fixed values of the analysis tables.

:func:`to_chinese` renames the columns (and the index) of any analysis table and translates
the fixed vocabulary (reasons, actions, kinds, levels) into Chinese, for exports and reports.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"reason": ["only expired links"]}, index=pd.Index(["O1"], name="id"))
>>> to_chinese(df).reset_index().columns.tolist()
['编号', '原因']
>>> to_chinese(df).iloc[0, 0]
'覆盖关系均已到期'
"""

from __future__ import annotations

import pandas as pd

from .. import schema

#: Column (or index) name → Chinese label.
COLUMN_ZH: dict[str, str] = {
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "industry": "行业",
    "party_members": "党员数",
    "community_id": "社区编号",
    "community": "社区",
    "street_id": "街道编号",
    "street": "街道",
    "district_id": "区编号",
    "district": "区",
    "reason": "原因",
    "last_end": "最近结束日期",
    "last_covered_by": "原覆盖党组织",
    "covered": "已覆盖",
    "covered_by": "覆盖党组织",
    "covered_by_name": "覆盖党组织名称",
    "covered_by_level": "覆盖党组织层级",
    "level": "层级",
    "parent_id": "上级编号",
    "parent": "上级名称",
    "two_new": "两新组织数",
    "covered_two_new": "已覆盖数",
    "rate_all": "覆盖率(全部)",
    "with_members": "有党员的两新组织数",
    "covered_with_members": "有党员且已覆盖数",
    "rate_with_members": "覆盖率(有党员)",
    "proposal": "方案",
    "action": "建议",
    "distance_km": "距离(公里)",
    "party_org": "单位党组织",
    "ties": "关系数",
    "expired_ties": "已到期关系数",
    "last_tie_end": "最近关系结束日期",
    "former_partners": "原共建对象",
    "tie_key": "关系编号",
    "type": "关系类型",
    "source_id": "起点",
    "source_name": "起点名称",
    "target_id": "终点",
    "target_name": "终点名称",
    "start": "开始日期",
    "end": "结束日期",
    "days_left": "剩余天数",
    "form": "形式",
    "unit_id": "驻区单位",
    "activities": "活动次数",
    "last_activity": "最近活动日期",
    "partner_id": "共建对象",
    "partner_name": "共建对象名称",
    "for_kind": "推荐对象类型",
    "rank": "排名",
    "score": "得分",
    "reasons": "推荐理由",
    "via": "经由",
    "expired_pairs": "已到期结对数",
    "last_pair_end": "最近结对结束日期",
    "component": "连通分量",
    "size": "分量规模",
    "in_largest": "属于最大分量",
    "label": "节点类别",
    "old": "原值",
    "new": "新值",
    "change": "变化",
    "covered_old": "原已覆盖数",
    "covered_new": "现已覆盖数",
    "two_new_old": "原两新组织数",
    "two_new_new": "现两新组织数",
    "rate_all_old": "原覆盖率(全部)",
    "rate_all_new": "现覆盖率(全部)",
    "rate_all_change": "覆盖率变化(全部)",
    "rate_with_members_old": "原覆盖率(有党员)",
    "rate_with_members_new": "现覆盖率(有党员)",
    "rate_with_members_change": "覆盖率变化(有党员)",
    "new_org": "新增单位",
}

#: Fixed English values (reasons, actions, flags) → Chinese.
VALUE_ZH: dict[str, str] = {
    # uncovered
    "no covered_by link": "无覆盖关系",
    "only expired links": "覆盖关系均已到期",
    # should build
    "covered by a joint branch, no own branch": "仅联合覆盖，应单独建立",
    "covered by another Party org, no own branch": "由其他党组织覆盖，应单独建立",
    "not covered, no own branch": "未覆盖，应单独建立",
    # joint-branch proposals
    "join existing": "加入现有联合党支部",
    "new joint branch": "新建联合党支部",
    "cannot group": "暂无法联建",
    # isolation
    "no tie": "从未建立共建关系",
    "only expired ties": "共建关系均已到期",
    "one live tie": "仅有一项共建关系",
    "never paired": "从未结对",
    "only expired pairs": "结对均已到期",
    "no activity recorded": "无活动记录",
    "no activity in the window": "期内无活动",
    "unit itself": "单位本身",
}

#: Columns whose values are enum codes, and the enum that names them.
_ENUM_COLUMNS: dict[str, schema.Enum] = {
    "kind": schema.ORG_KIND,
    "covered_by_level": schema.PARTY_ORG_LEVEL,
}
_LEVEL_ENUMS = (schema.AREA_LEVEL, schema.PARTY_ORG_LEVEL)
_LINK_TYPE_ZH = {code: schema.LINK_TYPE.zh(code) for code in schema.LINK_TYPE.codes}


def _translate(value: object, table: dict[str, str]) -> object:
    if isinstance(value, str):
        return table.get(value, value)
    return value


def to_chinese(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with Chinese column labels and fixed values translated.

    Unknown columns and free-text values are kept as they are.

    Examples
    --------
    >>> import regional_graph as rg
    >>> from regional_graph.analysis import coverage
    >>> G = rg.datasets.load_sample_district()
    >>> zh = to_chinese(coverage.uncovered(G, as_of=rg.datasets.REFERENCE_DATE))
    >>> "原因" in zh.columns
    True
    """
    out = df.copy()
    for col in out.columns:
        if col in _ENUM_COLUMNS:
            enum = _ENUM_COLUMNS[col]
            table = {c: enum.zh(c) for c in enum.codes}
        elif col == "level":
            table = {c: e.zh(c) for e in _LEVEL_ENUMS for c in e.codes}
        elif col == "type":
            table = _LINK_TYPE_ZH
        elif col in {"reason", "action", "via"}:
            table = VALUE_ZH
        else:
            continue
        values = out[col].astype(object).map(lambda v, t=table: _translate(v, t))
        out[col] = values.astype("str") if out[col].notna().any() else values
    out = out.rename(columns=lambda c: COLUMN_ZH.get(str(c), c))
    if out.index.name is not None:
        out.index.name = COLUMN_ZH.get(str(out.index.name), out.index.name)
    return out
