"""The one vocabulary of every office-facing output: column labels, their definitions, sheet
names and fixed values, in Chinese (the default) and English.

Library DataFrames keep stable English column names and English codes (``unit``,
``childcare``, ``no tie``) for programs; :func:`translate` turns such a frame into what a
person reads. :mod:`regional_graph.export` writes the translated frames as CSV and xlsx.

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"for_kind": ["unit"], "covered": [True], "category": ["childcare"]})
>>> translate(df).iloc[0].tolist()
['驻区单位', '是', '托育']
>>> list(translate(df).columns)
['推荐对象类型', '已覆盖', '类别']
>>> list(translate(df, "en").columns)
['for_kind', 'covered', 'category']
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from . import schema

Lang = Literal["zh", "en"]
#: Languages of the outputs (the first is the default).
LANGS: tuple[Lang, ...] = ("zh", "en")

#: Column → Chinese label (every column of every table the library writes for people).
COLUMN_ZH: dict[str, str] = {
    # identity and place
    "id": "编号",
    "name": "名称",
    "kind": "类型",
    "industry": "行业",
    "level": "层级",
    "parent_id": "上级编号",
    "parent": "上级名称",
    "party_members": "党员数",
    "community_id": "社区编号",
    "community": "社区",
    "street_id": "街道编号",
    "street": "街道",
    "district_id": "区编号",
    "district": "区",
    # coverage
    "reason": "原因",
    "last_end": "最近结束日期",
    "last_covered_by": "原覆盖党组织",
    "covered": "已覆盖",
    "covered_by": "覆盖党组织",
    "covered_by_name": "覆盖党组织名称",
    "covered_by_level": "覆盖党组织层级",
    "two_new": "两新组织数",
    "covered_two_new": "已覆盖两新组织数",
    "uncovered": "未覆盖两新组织数",
    "rate_all": "覆盖率(全部)",
    "with_members": "有党员的两新组织数",
    "covered_with_members": "有党员且已覆盖数",
    "rate_with_members": "覆盖率(有党员)",
    "should_build": "应建未建数",
    "proposal": "方案",
    "action": "建议",
    "distance_km": "距离(公里)",
    # isolation
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
    "expired_pairs": "已到期结对数",
    "last_pair_end": "最近结对结束日期",
    "component": "连通分量",
    "size": "分量规模",
    "in_largest": "属于最大分量",
    "label": "节点类别",
    # recommendations
    "partner_id": "共建对象",
    "partner_name": "共建对象名称",
    "for_kind": "推荐对象类型",
    "rank": "排名",
    "score": "得分",
    "reasons": "推荐理由",
    "via": "经由",
    # matching
    "provider_id": "提供方编号",
    "provider": "提供方",
    "demand_id": "需求编号",
    "requester_id": "需求方编号",
    "requester": "需求方",
    "category": "类别",
    "quantity": "数量",
    "cost": "成本",
    "existing_tie": "已有结对",
    "tier": "范围",
    "tie_since": "结对开始日期",
    "priority": "优先级",
    "requested": "需求量",
    "served": "已满足需求量",
    "unmet": "未满足需求量",
    "capacity": "供给量",
    "used": "已使用",
    "idle": "闲置",
    "group": "分组",
    "key": "分组编码",
    "served_rate": "需求满足率",
    # three-order flow
    "ordered_at": "点单时间",
    "dispatched_at": "派单时间",
    "taken_at": "接单时间",
    "finished_at": "办结时间",
    "dispatcher_id": "派单党组织编号",
    "dispatcher": "派单党组织",
    "assignee_kind": "接单方类型",
    "assignee_id": "接单方编号",
    "assignee": "接单方",
    "resource_id": "资源编号",
    "status": "状态",
    "orders": "点单数",
    "open": "待派单",
    "dispatched": "已派单",
    "taken": "已接单(办理中)",
    "done": "已办结",
    "cancelled": "已取消",
    "fulfilment_rate": "办结率",
    "median_hours_to_take": "接单用时中位数(小时)",
    "median_hours_to_finish": "办结用时中位数(小时)",
    # indicators
    "communities": "社区数",
    "party_orgs": "党组织数",
    **{f"party_orgs_{c}": f"{schema.PARTY_ORG_LEVEL.zh(c)}数"
       for c in schema.PARTY_ORG_LEVEL.codes},
    "members": "党员数(党组织登记)",
    "branches": "基层党组织数",
    "members_per_branch": "平均每个基层党组织党员数",
    "branches_over_limit": f"党员超{schema.SPAN_OF_CONTROL_LIMIT}人的基层党组织数",
    "community_committees": "社区党组织(党总支)数",
    "community_committees_over_limit": f"党员超{schema.SPAN_OF_CONTROL_LIMIT}人的社区党组织数",
    "community_committees_over_limit_share":
        f"党员超{schema.SPAN_OF_CONTROL_LIMIT}人的社区党组织占比",
    "resident_units": "驻区单位数",
    "resident_units_with_org": "建有党组织的驻区单位数",
    "conference_units": "参加联席会的建有党组织驻区单位数",
    "conference_rate": "联席会参与率",
    "isolated_units": "孤岛单位数",
    "agreements": "共建协议数",
    "pairs": "结对数",
    "pairs_per_community": "平均每社区结对数",
    "unpaired_communities": "无结对社区数",
    "part_time_members": "兼职委员数",
    "dormant_ties": "休眠共建关系数",
    "expiring_ties": "30天内到期共建数",
    "member_records": "在职党员数",
    "members_reporting": "已报到党员数",
    "reporting_rate": "报到率",
    "resources": "资源数",
    "resource_capacity": "资源总量",
    "demands": "需求数",
    "demand_quantity": "需求总量",
    # change over time
    "old": "基期",
    "new": "本期",
    "change": "变化",
    "indicator": "指标",
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
    "change_kind": "变化类型",
    # summaries
    "item": "项目",
    "value": "数值",
    "what": "对象",
    "count": "数量",
}

#: Column → what it means (Chinese), for the 说明 sheet. Columns of the form
#: ``<indicator>_old`` / ``_new`` / ``_change`` are described through ``<indicator>``.
COLUMN_DOC: dict[str, str] = {
    "id": "本行对象的编号(与台账一致)",
    "name": "本行对象的名称",
    "kind": "单位类型(机关、学校、非公企业、社会组织等)",
    "industry": "所属行业(台账填写)",
    "level": "区域或党组织层级",
    "parent_id": "上级区域或上级党组织的编号",
    "parent": "上级区域或上级党组织的名称",
    "party_members": "单位党员人数(台账填写)",
    "community_id": "所在社区的编号",
    "community": "所在社区",
    "street_id": "所在街道的编号",
    "street": "所在街道",
    "district_id": "所在区的编号",
    "district": "所在区",
    "reason": "列入本表的原因",
    "last_end": "最近一条覆盖关系的结束日期",
    "last_covered_by": "最近一条到期覆盖关系的党组织",
    "covered": "数据日期当天是否有有效的覆盖关系",
    "covered_by": "覆盖该单位的党组织编号",
    "covered_by_name": "覆盖该单位的党组织名称",
    "covered_by_level": "覆盖该单位的党组织层级",
    "two_new": "两新组织(非公企业、社会组织)总数",
    "covered_two_new": "有有效覆盖关系的两新组织数",
    "uncovered": "没有有效覆盖关系的两新组织数(从未覆盖，或覆盖关系均已到期) = "
                 "两新组织数 − 已覆盖数",
    "rate_all": "覆盖率(全部) = 已覆盖两新组织数 ÷ 两新组织数",
    "with_members": "党员数 ≥ 1 的两新组织数",
    "covered_with_members": "党员数 ≥ 1 且已覆盖的两新组织数",
    "rate_with_members": "覆盖率(有党员) = 有党员且已覆盖数 ÷ 有党员的两新组织数",
    "should_build": "党员 ≥ 3 人而未单独建立党组织的两新组织数(应建未建；"
                    "由联合党支部覆盖不算已建)",
    "proposal": "联建方案编号(同一编号的单位组成一个联合党支部)",
    "action": "建议的做法:加入现有联合党支部、新建联合党支部或暂无法联建",
    "distance_km": "直线距离(公里,无坐标时为空或按层级估计)",
    "party_org": "单位自己的党组织编号",
    "ties": "有效共建关系数(结对、兼职委员、联席会)",
    "expired_ties": "已到期的共建关系数",
    "last_tie_end": "最近一条共建关系的结束日期",
    "former_partners": "曾经的共建对象",
    "tie_key": "关系编号(关系类型:起点->终点)",
    "type": "关系类型(共建、兼职委员、联席会成员等)",
    "source_id": "关系起点的编号",
    "source_name": "关系起点的名称",
    "target_id": "关系终点的编号",
    "target_name": "关系终点的名称",
    "start": "关系开始日期",
    "end": "关系结束日期",
    "days_left": "距结束日期的天数(0 表示当天到期)",
    "form": "共建形式",
    "unit_id": "驻区单位编号",
    "activities": "近 12 个月的活动次数",
    "last_activity": "最近一次活动日期",
    "expired_pairs": "已到期的结对数",
    "last_pair_end": "最近一次结对的结束日期",
    "component": "所在连通分量的编号",
    "size": "所在连通分量的节点数",
    "in_largest": "是否属于最大连通分量",
    "label": "节点类别",
    "partner_id": "推荐的共建对象编号",
    "partner_name": "推荐的共建对象名称",
    "for_kind": "推荐给谁:驻区单位或社区",
    "rank": "推荐名次(1 为最佳)",
    "score": "推荐得分(越高越合适)",
    "reasons": "推荐理由",
    "via": "关系经由单位本身或其党组织",
    "provider_id": "提供资源的单位或党组织编号",
    "provider": "提供资源的单位或党组织",
    "demand_id": "需求编号",
    "requester_id": "提出需求的社区或党组织编号",
    "requester": "提出需求的社区或党组织",
    "category": "资源或需求类别",
    "quantity": "数量",
    "cost": "匹配成本(距离折算,越低越好)",
    "existing_tie": "双方是否已有有效结对",
    "tier": "双方的地域关系:同社区、同街道、同区或跨区",
    "tie_since": "已有结对的开始日期",
    "priority": "需求优先级",
    "requested": "需求量",
    "served": "已满足的需求量",
    "unmet": "未满足的需求量 = 需求量 − 已满足需求量(匹配只用同类别资源、不超过资源数量，"
             "先按优先级满足最多需求，再就近、优先已结对单位)",
    "capacity": "资源可提供的数量",
    "used": "已分配出去的数量",
    "idle": "尚未分配的数量 = 供给量 − 已使用",
    "group": "汇总口径:全部、按类别或按街道",
    "key": "汇总分组(类别或街道编号)",
    "served_rate": "需求满足率 = 已满足需求量 ÷ 需求量(未满足按需求量扣除已满足)",
    "ordered_at": "群众点单时间",
    "dispatched_at": "党组织派单时间(数据日期之后的不计)",
    "taken_at": "接单时间(数据日期之后的不计)",
    "finished_at": "办结时间(数据日期之后的不计)",
    "dispatcher_id": "负责派单的社区党组织编号",
    "dispatcher": "负责派单的社区党组织",
    "assignee_kind": "建议接单方:党员或驻区单位",
    "assignee_id": "建议接单方编号",
    "assignee": "建议接单方名称",
    "resource_id": "资源编号(三单制中为接单单位提供的资源)",
    "status": "数据日期当天的订单状态",
    "orders": "截至数据日期的点单数",
    "open": "待派单的订单数",
    "dispatched": "已派单、尚未接单的订单数",
    "taken": "已接单、尚未办结的订单数",
    "done": "已办结的订单数",
    "cancelled": "已取消的订单数",
    "fulfilment_rate": "办结率 = 已办结 ÷ (点单数 − 已取消)",
    "median_hours_to_take": "从点单到接单用时的中位数(小时)",
    "median_hours_to_finish": "从点单到办结用时的中位数(小时)",
    "communities": "下辖社区数",
    "party_orgs": "党组织总数",
    **{f"party_orgs_{c}": f"层级为{schema.PARTY_ORG_LEVEL.zh(c)}的党组织数"
       for c in schema.PARTY_ORG_LEVEL.codes},
    "members": "各党组织登记的党员数之和(楼栋党小组不重复计)",
    "branches": "基层党组织数(社区党组织、网格党支部、单位党组织、独立和联合党支部)",
    "members_per_branch": "基层党组织的党员数之和 ÷ 基层党组织数",
    "branches_over_limit": f"党员超过 {schema.SPAN_OF_CONTROL_LIMIT} 人的基层党组织数",
    "community_committees": "社区党组织(党委、党总支)数",
    "community_committees_over_limit":
        f"党员超过 {schema.SPAN_OF_CONTROL_LIMIT} 人的社区党组织数",
    "community_committees_over_limit_share":
        f"党员超 {schema.SPAN_OF_CONTROL_LIMIT} 人的社区党组织数 ÷ 社区党组织数",
    "resident_units": "驻区单位(机关、学校、医院、国企、科研院所、驻军、事业单位)数",
    "resident_units_with_org": "建有党组织的驻区单位数",
    "conference_units": "建有党组织、且单位或其党组织是街道联席会成员的驻区单位数",
    "conference_rate": "联席会参与率 = 参加联席会的建有党组织驻区单位数 ÷ 建有党组织的驻区单位数",
    "isolated_units": "没有任何有效共建关系的驻区单位数",
    "agreements": "有效共建协议(结对关系)条数",
    "pairs": "结对数(同一单位与同一社区的多条协议计一对)",
    "pairs_per_community": "结对数 ÷ 社区数",
    "unpaired_communities": "没有任何有效结对的社区数",
    "part_time_members": "兼职委员人数(有效的兼职委员关系)",
    "dormant_ties": "近 12 个月没有活动记录的有效共建关系数(结对、兼职委员、联席会)，"
                    "按关系对象所在区域统计",
    "expiring_ties": "30 天内(含统计日)到期的有效共建关系数，按关系对象所在区域统计",
    "member_records": "在职党员登记数",
    "members_reporting": "已到社区报到的在职党员数",
    "reporting_rate": "报到率 = 已报到党员数 ÷ 在职党员数",
    "resources": "资源清单条数",
    "resource_capacity": "资源清单可提供数量之和",
    "demands": "需求清单条数",
    "demand_quantity": "需求清单需求量之和",
    "old": "基期数值",
    "new": "本期数值",
    "change": "本期 − 基期",
    "indicator": "指标名称",
    "covered_old": "基期已覆盖两新组织数",
    "covered_new": "本期已覆盖两新组织数",
    "new_org": "基期数据中没有、本期新增的单位",
    "change_kind": "新增或减少",
    "item": "汇总项目",
    "value": "数值",
    "what": "节点类别(区域、党组织、单位……)或关系",
    "count": "个数",
}

#: Column → what it means in English (the notes sheet under ``--lang en``); same keys as
#: :data:`COLUMN_DOC`.
COLUMN_DOC_EN: dict[str, str] = {
    "id": "id of the row's object (as in the ledger)",
    "name": "name of the row's object",
    "kind": "kind of organisation (agency, school, private enterprise, social organisation …)",
    "industry": "industry (as filled in the ledger)",
    "level": "level of the area or Party organisation",
    "parent_id": "id of the parent area or parent Party organisation",
    "parent": "name of the parent area or parent Party organisation",
    "party_members": "Party members in the organisation (as filled in the ledger)",
    "community_id": "id of the community it lies in",
    "community": "community it lies in",
    "street_id": "id of the street it lies in",
    "street": "street it lies in",
    "district_id": "id of the district it lies in",
    "district": "district it lies in",
    "reason": "why the row is in this table",
    "last_end": "end date of the latest covering link",
    "last_covered_by": "Party organisation of the latest expired covering link",
    "covered": "whether a covering link is live on the as-of date",
    "covered_by": "id of the Party organisation covering it",
    "covered_by_name": "name of the Party organisation covering it",
    "covered_by_level": "level of the Party organisation covering it",
    "two_new": "two-new organisations (private enterprises and social organisations)",
    "covered_two_new": "two-new organisations with a live covering link",
    "uncovered": "two-new organisations without a live covering link (never covered, or every "
                 "covering link ended) = two_new − covered",
    "rate_all": "coverage (all) = covered two-new organisations ÷ two-new organisations",
    "with_members": "two-new organisations with at least 1 Party member",
    "covered_with_members": "two-new organisations with at least 1 Party member, covered",
    "rate_with_members": "coverage (with members) = covered with members ÷ with members",
    "should_build": "two-new organisations with ≥ 3 Party members and no own Party "
                    "organisation (should build one; coverage by a joint branch does not "
                    "count)",
    "proposal": "id of the joint-branch proposal (organisations with the same id form one "
                "joint branch)",
    "action": "what to do: join an existing joint branch, form a new one, or none possible",
    "distance_km": "straight-line distance in km (empty or estimated from the levels "
                   "without coordinates)",
    "party_org": "id of the organisation's own Party organisation",
    "ties": "live ties (pairing, part-time committee member, joint conference)",
    "expired_ties": "ties that have ended",
    "last_tie_end": "end date of the latest tie",
    "former_partners": "former partners",
    "tie_key": "id of the link (type:source->target)",
    "type": "type of link (pairing, part-time member, conference member …)",
    "source_id": "id of the link's source",
    "source_name": "name of the link's source",
    "target_id": "id of the link's target",
    "target_name": "name of the link's target",
    "start": "start date of the link",
    "end": "end date of the link",
    "days_left": "days until the end date (0: ends on the as-of date)",
    "form": "form of the joint work",
    "unit_id": "id of the resident unit",
    "activities": "activities in the last 12 months",
    "last_activity": "date of the latest activity",
    "expired_pairs": "pairings that have ended",
    "last_pair_end": "end date of the latest pairing",
    "component": "id of its connected component",
    "size": "nodes in its connected component",
    "in_largest": "whether it belongs to the largest connected component",
    "label": "kind of node",
    "partner_id": "id of the recommended partner",
    "partner_name": "name of the recommended partner",
    "for_kind": "recommended to whom: a resident unit or a community",
    "rank": "rank of the recommendation (1 is best)",
    "score": "score of the recommendation (higher fits better)",
    "reasons": "reasons for the recommendation",
    "via": "whether the link goes through the unit itself or its Party organisation",
    "provider_id": "id of the organisation or Party organisation offering the resource",
    "provider": "organisation or Party organisation offering the resource",
    "demand_id": "id of the demand",
    "requester_id": "id of the community or Party organisation asking",
    "requester": "community or Party organisation asking",
    "category": "category of the resource or demand",
    "quantity": "quantity",
    "cost": "matching cost (from the distance; lower is better)",
    "existing_tie": "whether the two sides already have a live pairing",
    "tier": "where the two sides lie: same community, same street, same district or "
            "across districts",
    "tie_since": "start date of the existing pairing",
    "priority": "priority of the demand",
    "requested": "quantity requested",
    "served": "quantity served",
    "unmet": "quantity not served = requested − served (matching uses resources of the same "
             "category up to their capacity, serves the most demand by priority first, then "
             "the nearest and already paired units)",
    "capacity": "quantity the resource can provide",
    "used": "quantity assigned",
    "idle": "quantity not assigned = capacity − used",
    "group": "how the totals are grouped: all, by category or by street",
    "key": "group of the totals (category or street id)",
    "served_rate": "share served = served ÷ requested",
    "ordered_at": "when residents placed the order",
    "dispatched_at": "when the Party organisation dispatched it (later than the as-of "
                     "date: not counted)",
    "taken_at": "when it was taken (later than the as-of date: not counted)",
    "finished_at": "when it was finished (later than the as-of date: not counted)",
    "dispatcher_id": "id of the community Party organisation dispatching",
    "dispatcher": "community Party organisation dispatching",
    "assignee_kind": "proposed assignee: a Party member or a resident unit",
    "assignee_id": "id of the proposed assignee",
    "assignee": "name of the proposed assignee",
    "resource_id": "id of the resource the assignee offers",
    "status": "status of the order on the as-of date",
    "orders": "orders placed up to the as-of date",
    "open": "orders waiting to be dispatched",
    "dispatched": "orders dispatched, not yet taken",
    "taken": "orders taken, not yet finished",
    "done": "orders finished",
    "cancelled": "orders cancelled",
    "fulfilment_rate": "fulfilment rate = finished ÷ (orders − cancelled)",
    "median_hours_to_take": "median hours from order to taken",
    "median_hours_to_finish": "median hours from order to finished",
    "communities": "communities in the area",
    "party_orgs": "Party organisations",
    **{f"party_orgs_{c}": f"Party organisations of level {c}"
       for c in schema.PARTY_ORG_LEVEL.codes},
    "members": "Party members registered by the Party organisations (building groups not "
               "counted twice)",
    "branches": "grass-roots Party organisations (community, grid, unit, independent and "
                "joint branches)",
    "members_per_branch": "members of grass-roots Party organisations ÷ their number",
    "branches_over_limit": f"grass-roots Party organisations with more than "
                           f"{schema.SPAN_OF_CONTROL_LIMIT} members",
    "community_committees": "community Party committees and general branches",
    "community_committees_over_limit":
        f"community Party organisations with more than {schema.SPAN_OF_CONTROL_LIMIT} members",
    "community_committees_over_limit_share":
        f"community Party organisations with more than {schema.SPAN_OF_CONTROL_LIMIT} "
        "members ÷ community Party organisations",
    "resident_units": "resident units (agencies, schools, hospitals, state enterprises, "
                      "institutes, garrisons, public institutions)",
    "resident_units_with_org": "resident units with a Party organisation",
    "conference_units": "resident units with a Party organisation whose unit or Party "
                        "organisation sits on the street's joint conference",
    "conference_rate": "conference rate = units with a Party organisation on the "
                       "conference ÷ units with a Party organisation",
    "isolated_units": "resident units without any live tie",
    "agreements": "live pairing agreements (links)",
    "pairs": "pairings (several agreements of one unit with one community count once)",
    "pairs_per_community": "pairings ÷ communities",
    "unpaired_communities": "communities without any live pairing",
    "part_time_members": "part-time committee members (live links)",
    "dormant_ties": "live ties (pairing, part-time committee member, joint conference) with no "
                    "activity in the last 12 months, counted in the area of the tie's target",
    "expiring_ties": "live ties ending within 30 days (the day itself included), counted in "
                     "the area of the tie's target",
    "member_records": "registered in-service Party members",
    "members_reporting": "in-service Party members who reported to their community",
    "reporting_rate": "reporting rate = members reporting ÷ in-service members",
    "resources": "entries in the resource list",
    "resource_capacity": "total quantity the resources can provide",
    "demands": "entries in the demand list",
    "demand_quantity": "total quantity demanded",
    "old": "value in the base period",
    "new": "value in the current period",
    "change": "current − base",
    "indicator": "indicator",
    "covered_old": "two-new organisations covered in the base period",
    "covered_new": "two-new organisations covered in the current period",
    "new_org": "organisation new in the current data (not in the base data)",
    "change_kind": "gained or lost",
    "item": "item of the summary",
    "value": "value",
    "what": "kind of node (area, Party organisation, organisation …) or link",
    "count": "count",
}

#: Table (file stem) → Chinese sheet name.
SHEET_ZH: dict[str, str] = {
    # report
    "uncovered": "未覆盖两新组织",
    "should_build": "应建未建",
    "joint_branch_proposals": "联建建议",
    "isolated_units": "孤岛驻区单位",
    "dormant_ties": "休眠共建关系",
    "unpaired_communities": "无结对社区",
    "coverage_by_area": "分区域覆盖率",
    "expiring_ties": "即将到期共建",
    "pairing_recommendations": "结对推荐",
    # matching
    "assignments": "匹配结果",
    "unmet_demands": "未满足需求",
    "idle_resources": "闲置资源",
    "totals": "汇总",
    # indicators
    "district": "区指标",
    "street": "街道指标",
    "community": "社区指标",
    # three-order flow
    "order_status": "订单状态",
    "dispatch_proposals": "派单建议",
    "order_indicators": "三单制指标",
    "order_indicators_street": "三单制指标(街道)",
    "order_indicators_category": "三单制指标(类别)",
    # change over time
    "indicators_district": "区指标对比",
    "indicators_street": "街道指标对比",
    "pairs_added": "新增共建关系",
    "pairs_ended": "终止共建关系",
    "newly_covered": "新覆盖两新组织",
    "newly_uncovered": "新失去覆盖两新组织",
    "isolated_gained": "新增孤岛单位",
    "isolated_lost": "不再孤岛单位",
    "diff_summary": "变化汇总",
    # the data
    "summary": "数据概况",
}

#: The notes sheet of every workbook.
NOTES_SHEET: dict[Lang, str] = {"zh": "说明", "en": "notes"}

#: Fixed English values (reasons, actions, flags, codes) → Chinese.
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
    "party org": "单位党组织",
    # matching
    "no provider of that category anywhere": "无该类别资源",
    "all providers of that category used up": "该类别资源已用尽",
    "only providers beyond the distance limit": "资源均超出距离限制",
    "provider excluded or share limit reached": "提供方被排除或已达份额上限",
    "same community": "同社区",
    "same street": "同街道",
    "same district": "同区",
    "elsewhere": "跨区",
    # three-order flow
    "no in-service member with that skill and no unit of that category":
        "无具备该技能的在职党员，也无该类别资源的单位",
    "only units beyond the distance limit": "可接单单位均超出距离限制",
    "every suitable member and unit is proposed for other orders":
        "合适的党员和单位均已安排其他订单",
    # kinds of rows
    "unit": "驻区单位",
    "member": "党员",
    "community": "社区",
    "all": "全部",
    "category": "类别",
    "street": "街道",
    "district": "区",
    "(none)": "(无)",
    "(no street)": "(无街道)",
    # change over time
    "added": "新增",
    "ended": "终止",
    "gained": "新增",
    "lost": "减少",
}

#: Node labels and relationship types → Chinese.
LABEL_ZH: dict[str, str] = {
    "Area": "区域", "PartyOrg": "党组织", "Organization": "单位", "Resource": "资源",
    "Demand": "需求", "Member": "党员", "relationship": "关系",
    "PART_OF": "区域隶属", "SUBORDINATE_TO": "党组织隶属", "LEADS": "党组织领导区域",
    "HOSTED_BY": "党组织所在单位", "LOCATED_IN": "单位所在区域", "MEMBER_OF": "党员所属党组织",
    "OFFERS": "提供资源", "NEEDS": "提出需求", "COVERED_BY": "覆盖", "PAIRED_WITH": "共建",
    "SITS_ON": "兼职委员", "CONFERENCE_MEMBER": "联席会成员", "REPORTS_TO": "报到",
    "ASSIGNED_TO": "资源对接",
}

#: The lines of the report summary (``regional_graph.export.report.summary_lines``): key →
#: template per language, each filled from the same figures (rates as percentages).
SUMMARY_LINES: dict[str, dict[Lang, str]] = {
    "two_new": {
        "zh": "两新组织 {two_new} 家，已覆盖 {covered_two_new} 家，覆盖率(全部) {rate_all}；"
              "覆盖率(有党员) {rate_with_members}（{covered_with_members}/{with_members}）",
        "en": "Two-new organisations (两新组织): {two_new}, covered {covered_two_new} — coverage "
              "{rate_all} (all), {rate_with_members} (with Party members: "
              "{covered_with_members}/{with_members})"},
    "uncovered": {"zh": "未覆盖两新组织 {uncovered} 家{reason}",
                  "en": "Uncovered (未覆盖): {uncovered}{reason}"},
    "should_build": {"zh": "应建未建 {should_build} 家",
                     "en": "Should build own branch (应建未建): {should_build}"},
    "proposals": {"zh": "联建建议：{action}", "en": "Joint-branch proposals (联合建立): {action}"},
    "isolated": {"zh": "孤岛驻区单位 {isolated} 家（共 {units} 家驻区单位）",
                 "en": "Isolated resident units (孤岛单位): {isolated} of {units}"},
    "dormant": {"zh": "休眠共建关系 {dormant} 条；无结对社区 {unpaired} 个",
                "en": "Dormant ties (休眠共建): {dormant}; unpaired communities (无结对社区): "
                      "{unpaired}"},
    "district": {
        "zh": "  {name}：覆盖率(全部) {rate_all}（{covered_two_new}/{two_new}），覆盖率(有党员) "
              "{rate_with_members}（{covered_with_members}/{with_members}）",
        "en": "  {name}: coverage {rate_all} (all, {covered_two_new}/{two_new}), "
              "{rate_with_members} (with members, {covered_with_members}/{with_members})"},
}
#: A count of each value in a summary line: (one value, separator) per language.
SUMMARY_COUNT: dict[Lang, tuple[str, str]] = {"zh": ("{value} {count}", "，"),
                                              "en": ("{value}: {count}", ", ")}
#: Counted column of a summary line → (around the counts, when there are none) per language.
SUMMARY_COUNTS: dict[str, dict[Lang, tuple[str, str]]] = {
    "reason": {"zh": ("（{}）", ""), "en": (" ({})", "")},
    "action": {"zh": ("{}", "无"), "en": ("{}", "none")},
}

#: English word of booleans per language.
_BOOL: dict[Lang, dict[bool, str]] = {"zh": {True: "是", False: "否"},
                                      "en": {True: "yes", False: "no"}}


def _enum_zh(*enums: schema.Enum) -> dict[str, str]:
    return {c: e.zh(c) for e in enums for c in e.codes}


#: Columns whose values are codes, and their Chinese.
_VALUE_TABLES: dict[str, dict[str, str]] = {
    "kind": {**_enum_zh(schema.ORG_KIND, schema.AREA_LEVEL, schema.PARTY_ORG_LEVEL,
                        schema.CATEGORY), **LABEL_ZH},
    "level": _enum_zh(schema.AREA_LEVEL, schema.PARTY_ORG_LEVEL),
    "covered_by_level": _enum_zh(schema.PARTY_ORG_LEVEL),
    "type": {**_enum_zh(schema.LINK_TYPE), **{t.lower(): schema.LINK_TYPE.zh(t.lower())
                                              for t in schema.LINK_TYPE.codes}},
    "category": _enum_zh(schema.CATEGORY),
    "priority": _enum_zh(schema.PRIORITY),
    "status": _enum_zh(schema.ORDER_STATUS),
    "key": {**VALUE_ZH, **_enum_zh(schema.CATEGORY)},
    "what": LABEL_ZH,
    "indicator": COLUMN_ZH,
    "item": SHEET_ZH,
}
for _col in ("reason", "action", "via", "tier", "for_kind", "assignee_kind", "group",
             "label", "change_kind"):
    _VALUE_TABLES[_col] = VALUE_ZH


def check_lang(lang: str) -> Lang:
    """``lang`` if it is a known language, else a ``ValueError`` naming the choices.

    Examples
    --------
    >>> check_lang("en")
    'en'
    """
    if lang not in LANGS:
        raise ValueError(f"`lang` must be one of {', '.join(LANGS)}, not {lang!r}")
    return lang


def base_column(col: str) -> str:
    """The indicator a derived column (``<x>_old``, ``<x>_new``, ``<x>_change``) is about.

    Examples
    --------
    >>> base_column("rate_all_change"), base_column("orders")
    ('rate_all', 'orders')
    """
    for suffix in ("_old", "_new", "_change"):
        if col.endswith(suffix) and col[: -len(suffix)] in COLUMN_ZH:
            return col[: -len(suffix)]
    return col


_SUFFIX_ZH = {"_old": "(基期)", "_new": "(本期)", "_change": "(变化)"}


def column_label(col: str, lang: Lang = "zh") -> str:
    """The header of ``col`` in ``lang``.

    Examples
    --------
    >>> column_label("rate_all"), column_label("pairs_change"), column_label("pairs", "en")
    ('覆盖率(全部)', '结对数(变化)', 'pairs')
    """
    if lang == "en":
        return col
    if col in COLUMN_ZH:
        return COLUMN_ZH[col]
    base = base_column(col)
    if base != col:
        return COLUMN_ZH[base] + _SUFFIX_ZH[col[len(base):]]
    return col


_DERIVED_ZH = {"_old": "基期:", "_new": "本期:", "_change": "本期 − 基期:"}
_DERIVED_EN = {"_old": "base: ", "_new": "current: ", "_change": "current − base: "}


def column_doc(col: str, lang: Lang = "zh") -> str | None:
    """What ``col`` means in ``lang``, or ``None`` when the vocabulary lacks it.

    Examples
    --------
    >>> column_doc("rate_all_old")
    '基期:覆盖率(全部) = 已覆盖两新组织数 ÷ 两新组织数'
    >>> column_doc("rate_all_change", "en")
    'current − base: coverage (all) = covered two-new organisations ÷ two-new organisations'
    """
    docs = COLUMN_DOC_EN if lang == "en" else COLUMN_DOC
    if col in docs:
        return docs[col]
    base = base_column(col)
    if base != col and base in docs:
        prefix = _DERIVED_EN if lang == "en" else _DERIVED_ZH
        return prefix[col[len(base):]] + docs[base]
    return None


def sheet_name(table: str, lang: Lang = "zh") -> str:
    """The sheet name of a table (at most 31 characters, Excel's limit).

    Examples
    --------
    >>> sheet_name("joint_branch_proposals"), sheet_name("totals", "en")
    ('联建建议', 'totals')
    """
    name = SHEET_ZH.get(table, table) if lang == "zh" else table
    for bad in "[]:*?/\\":
        name = name.replace(bad, "_")
    return name[:31]


def value_label(value: object, lang: Lang = "zh", column: str = "reason") -> object:
    """One fixed value of ``column`` in ``lang`` (free text passes through).

    Examples
    --------
    >>> value_label("no tie"), value_label("childcare", column="category")
    ('从未建立共建关系', '托育')
    """
    if lang == "en" or not isinstance(value, str):
        return value
    return _VALUE_TABLES.get(column, VALUE_ZH).get(value, value)


def summary_line(key: str, values: Mapping[str, object], lang: Lang = "zh") -> str:
    """One line of the report summary (:data:`SUMMARY_LINES`) in ``lang``: rates (``rate_*``)
    as percentages, value counts (a Series indexed by the ``reason`` or ``action`` codes) as
    a list of fixed values.

    Examples
    --------
    >>> import pandas as pd
    >>> counts = pd.Series([3], index=pd.Index(["no covered_by link"], name="reason"))
    >>> summary_line("uncovered", {"uncovered": 3, "reason": counts})
    '未覆盖两新组织 3 家（无覆盖关系 3）'
    >>> summary_line("uncovered", {"uncovered": 3, "reason": counts}, "en")
    'Uncovered (未覆盖): 3 (no covered_by link: 3)'
    >>> summary_line("proposals", {"action": counts.iloc[:0].rename_axis("action")})
    '联建建议：无'
    """
    fields: dict[str, object] = {}
    for name, value in values.items():
        if isinstance(value, pd.Series):
            item, sep = SUMMARY_COUNT[lang]
            listed = sep.join(item.format(value=value_label(k, lang, name), count=int(n))
                              for k, n in value.items())
            around, none = SUMMARY_COUNTS[name][lang]
            fields[name] = around.format(listed) if listed else none
        elif name.startswith("rate_"):
            fields[name] = _percent(value)
        else:
            fields[name] = value
    return SUMMARY_LINES[key][lang].format(**fields)


def _percent(x: object) -> str:
    return "n/a" if x is None or pd.isna(x) else f"{100 * float(x):.1f} %"  # type: ignore[arg-type]


def translate(df: pd.DataFrame, lang: Lang = "zh", *,
              columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """A copy of ``df`` (index reset) with headers and fixed values in ``lang``;
    booleans as 是/否 (yes/no). Numbers and dates keep their types.

    ``columns`` overrides labels of some columns. Free text and unknown columns pass
    through. A frame carrying ``attrs["reason_zh"]`` (Chinese reasons aligned with its
    rows) uses those for ``reason`` in Chinese.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"reason": ["only expired links"]}, index=pd.Index(["O1"], name="id"))
    >>> translate(df).columns.tolist(), translate(df).iloc[0, 1]
    (['编号', '原因'], '覆盖关系均已到期')
    """
    check_lang(lang)
    attrs = df.attrs  # pandas deep-copies attrs in every operation: drop them once
    df = pd.DataFrame(df, copy=False)
    out = df.reset_index() if _has_named_index(df) else df.reset_index(drop=True)  # a new
    # frame: its columns are replaced below, never changed in place (copy on write)
    for col in out.columns:
        s = out[col]
        if pd.api.types.is_bool_dtype(s.dtype):
            out[col] = s.map(_BOOL[lang], na_action="ignore").astype(object)
            continue
        if lang == "en":
            continue
        if col == "reason" and "reason_zh" in attrs and len(attrs["reason_zh"]) == len(s):
            out[col] = pd.Series(list(attrs["reason_zh"]), index=out.index, dtype=object)
            continue
        table = _VALUE_TABLES.get(str(col))
        if table is None:
            continue
        fast = _translated_text(s, table)
        if fast is not None:
            out[col] = fast
            continue
        if isinstance(s.dtype, pd.CategoricalDtype):
            s = s.astype(object)
        if pd.api.types.is_string_dtype(s.dtype) or s.dtype == object:
            out[col] = s.map(lambda v, t=table: t.get(v, v) if isinstance(v, str) else v)
    out.columns = [(columns or {}).get(str(c)) or column_label(str(c), lang)
                   for c in out.columns]
    return out


def _translated_text(s: pd.Series, table: Mapping[str, str]) -> pd.Series | None:
    """A text or categorical column of text with its values looked up in ``table`` (once per
    distinct value); ``None`` for any other column (the caller maps it value by value).

    Examples
    --------
    >>> s = pd.Series(["no covered_by link", None, "x"], dtype="str")
    >>> _translated_text(s, {"no covered_by link": "无覆盖关系"}).tolist()
    ['无覆盖关系', nan, 'x']
    """
    if isinstance(s.dtype, pd.StringDtype) and s.dtype.na_value is not pd.NA:
        codes, uniques = pd.factorize(s)
    elif isinstance(s.dtype, pd.CategoricalDtype) and s.dtype.categories.dtype.kind in "OT":
        codes, uniques = s.cat.codes.to_numpy(), s.dtype.categories
    else:
        return None
    values = uniques.tolist()
    if not (codes >= 0).any() or not all(isinstance(u, str) for u in values):
        return None  # (no value at all: mapping value by value gives float64)
    looked_up = np.array([table.get(u, u) for u in values] + [np.nan], dtype=object)
    return pd.Series(looked_up[codes], index=s.index, dtype="str")


def _has_named_index(df: pd.DataFrame) -> bool:
    return any(n is not None for n in df.index.names)


# --------------------------------------------------------------------------------------------
# maps, posters and their pages (regional_graph.viz)
# --------------------------------------------------------------------------------------------

#: Every fixed text of the wall maps, posters, wall screen and index pages, keyed by its
#: Chinese (the default, what the pages show under ``lang="zh"``) → English. ``{}`` stands
#: for a number or a name. The display names of the schema's codes that maps show (levels,
#: kinds, categories, priorities) are keys too.
VIZ_EN: dict[str, str] = {
    # node kinds (schema.NODE_STYLE) and the schema's display names
    "市": "City", "区": "District", "街道": "Street", "社区": "Community", "网格": "Grid",
    "楼栋": "Building", "党组织": "Party organisation", "驻区单位": "Resident unit",
    "非公企业": "Private enterprise", "社会组织": "Social organisation",
    "其他单位": "Other organisation", "资源": "Resource", "需求": "Demand",
    "区委": "District Party committee", "街道党工委": "Street Party working committee",
    "社区党委": "Community Party committee", "网格党支部": "Grid Party branch",
    "楼栋党小组": "Building Party group", "单位党组织": "Unit Party organisation",
    "独立党支部": "Independent Party branch", "联合党支部": "Joint Party branch",
    "行业党委": "Industry Party committee",
    "机关": "Government agency", "学校": "School", "医院": "Hospital",
    "国有企业": "State-owned enterprise", "科研院所": "Research institute",
    "驻军": "Military unit", "事业单位": "Public institution",
    "物业公司": "Property company", "业主委员会": "Owners' committee",
    "居民委员会": "Residents' committee",
    "场地": "venues", "医疗": "medical care", "法律": "legal aid", "教育": "education",
    "文体": "culture & sports", "养老": "elderly care", "托育": "childcare",
    "志愿服务": "volunteering", "资金": "funds", "就业": "employment", "物业": "property",
    "平安": "safety", "其他": "Other",
    "高": "high", "中": "medium", "低": "low",
    # relationships (edges) and tie states
    "区域隶属": "Area hierarchy", "党组织隶属": "Party hierarchy",
    "党组织领导": "Party org leads area", "所在单位": "Host unit", "位于": "Located in",
    "党组织覆盖": "Party coverage", "结对共建": "Pairing (joint building)",
    "兼职委员": "Part-time committee member", "联席会成员": "Joint-conference member",
    "提供资源": "Offers resource", "提出需求": "Raises demand", "认领匹配": "Matched",
    "共建关系（线宽 = 条数）": "Ties (width = count)", "已到期的关系": "Expired tie",
    "休眠关系（12 个月无活动）": "Dormant tie (no activity for 12 months)",
    "即将到期（30 天内）": "Expiring (within 30 days)",
    "休眠关系": "Dormant ties", "即将到期": "Expiring", "已到期的关系 ": "Expired ties ",
    # flags
    "未覆盖": "Uncovered", "应建未建": "Should build", "孤立单位": "Isolated unit",
    "无结对社区": "Unpaired community", "未满足需求": "Unmet demand",
    "需关注（黑色虚线框，原因见提示）": "Needs attention (black dashed border; reason in tooltip)",
    "需关注（黑色虚线框，编号见下方脚注）": "Needs attention (see the footnotes)",
    "需关注（编号与图中黑色虚线框节点对应）":
        "Needs attention (numbers match the dashed nodes)",
    "……另有 {} 项，见网页版地图的提示": "… {} more: see the tooltips of the web map",
    "关注": "Attention", "类型": "Type", "区县": "District",
    # tooltips
    "社区：": "Community: ", "街道：": "Street: ", "层级：": "Level: ", "编号：": "ID: ",
    "类型：": "Type: ", "行业：": "Industry: ", "资源：": "Resource: ", "需求：": "Demand: ",
    "数量：": "Quantity: ", "提供方：": "Provider: ", "优先级：": "Priority: ",
    "需求方：": "Requester: ", "形式：": "Form: ", "备注：": "Note: ",
    "居住党员：": "Resident members: ", "党员名单：": "Members: ",
    "驻区单位 {} 个": "Resident units: {}", "两新组织 {} 个": "Two-new organisations: {}",
    "资源 {} 项": "Resources: {}", "需求 {} 项": "Demands: {}",
    "在职党员报到 {} 人": "In-service members reporting: {}", "党员 {} 人": "Party members: {}",
    "职工 {} 人": "Employees: {}", "资源·": "Resource · ", "需求·": "Demand · ",
    "已到期：{}": "Expired: {}", "期限：{} 至 {}": "Term: {} to {}", "数量 {}": "Quantity {}",
    "未覆盖：党组织覆盖关系已于 {} 到期": "Uncovered: Party coverage expired on {}",
    "未覆盖：没有党组织覆盖（无覆盖关系）": "Uncovered: no Party organisation covers it",
    "应建未建：党员 {} 人，未单独建立党组织":
        "Should build: {} Party members but no Party organisation of its own",
    "孤立单位：共建关系均已到期（最后到期 {}）":
        "Isolated unit: every tie has expired (last on {})",
    "孤立单位：没有共建、兼职委员或联席会关系":
        "Isolated unit: no pairing, part-time seat or joint-conference membership",
    "无结对：结对共建均已到期（最后到期 {}）": "Unpaired: every pairing has expired (last on {})",
    "无结对：没有单位与本社区结对共建": "Unpaired: no unit is paired with this community",
    "未满足需求：需要 {}，已认领 {}": "Unmet demand: needs {}, {} claimed",
    "未满足需求：本街道没有{}类资源": "Unmet demand: no {} resource in this street",
    "未满足需求：全区没有{}类资源": "Unmet demand: no {} resource in the district",
    "休眠：12 个月内无活动（最近活动 {}）": "Dormant: no activity for 12 months (last on {})",
    "休眠：没有活动记录": "Dormant: no activity recorded",
    "即将到期：还剩 {} 天（{}）": "Expiring: {} days left ({})",
    "共建关系 {} 条（结对、兼职委员、联席会）":
        "{} ties (pairings, part-time seats, joint conference)",
    "楼栋 {} 个": "Buildings: {}",
    "{}：楼栋 {} 个、楼栋党小组 {} 个（合并显示）":
        "{}: {} buildings, {} building Party groups (merged)",
    "楼栋党小组 {}": "Bldg Party groups: {}",
    "{}：楼栋党小组 {} 个（合并显示）": "{}: {} building Party groups (merged)",
    "单位 {} 个 · 需关注 {} 个": "{} organisations · {} need attention",
    "双击打开详图": "double-click to open the detailed map",
    "跨区域联系 {} 条：{}": "{} ties across areas: {}",
    "结对共建 {}": "pairings {}", "兼职委员 {}": "part-time seats {}",
    "联席会 {}": "joint conference {}", "跨区域党组织覆盖 {}": "coverage across areas {}",
    # titles, groups and title blocks
    "{}区域化党建资源网络图": "{}: regional Party-building resource network",
    "{}区域化党建资源网络总览图": "{}: regional Party-building network overview",
    "{}区域化党建资源网络总览图（按街道、社区汇总）":
        "{}: regional Party-building network overview (by street and community)",
    "{}党组织架构图（含大工委、大党委）":
        "{}: Party organisation chart (with the joint Party committees)",
    "{}党组织架构图": "{}: Party organisation chart",
    "全区": "Whole district", "、": ", ", "{}（{}）": "{} ({})",
    "两新组织": "Two-new organisations", "外部共建方": "Partners from elsewhere",
    "网格与楼栋": "Grids and buildings", "其他街道": "Other streets",
    "{}（单位 {} · 需关注 {}）": "{} ({} organisations · {} need attention)",
    "{}（需关注 {}）": "{} ({} need attention)", "{}（街道 {} 个）": "{} ({} streets)",
    "数据日期 {}": "As of {}",
    "单位 {} 个（驻区单位 {}、两新组织 {}）":
        "{} organisations ({} resident units, {} two-new organisations)",
    "党组织 {} 个": "Party organisations: {}", "共建关系 {} 条": "Ties: {}",
    "需关注：": "Needs attention: ", "共 {} 个节点": "Nodes: {}",
    "图中 {} 个节点": "Nodes drawn: {}",
    "{} {}": "{} {}", "{} {} 个": "{}: {}", "楼栋党小组 {} 个（按网格合并）":
        "{} building Party groups (merged by grid)",
    "兼职委员 {} 名": "Part-time committee members: {}",
    "联席会成员单位 {} 个": "Joint-conference member units: {}",
    "共建协议 {} 项": "Agreements: {}", "党组织 {} 个 ": "Party organisations: {} ",
    "街道党工委 {} 个": "Street Party working committees: {}",
    "社区党组织 {} 个": "Community Party organisations: {}",
    "网格党支部 {} 个": "Grid Party branches: {}", "楼栋党小组 {} 个": "Building Party groups: {}",
    "未覆盖 {}": "uncovered {}", "应建未建 {}": "should build {}", "孤立单位 {}": "isolated {}",
    "无结对社区 {}": "unpaired {}", "未满足需求量 {}": "unmet demand {}",
    # index page, wall screen, posters
    "区域化党建资源网络图": "Regional Party-building resource network",
    "区域化党建": "Regional Party building", "{} · 资源网络图": "{} · resource network maps",
    "{} 个节点": "Nodes: {}", "社区（{} 个）": "Communities ({})",
    "数据日期 {} · 共 {} 张图": "As of {} · {} maps", "共 {} 张图": "Maps: {}",
    "海报 {}": "Poster {}", "区域化党建资源网络图 · 大屏轮播":
        "Regional Party-building resource network · wall screen",
    "图例": "Legend", "分组": "Group", "同类节点": "Nodes of one kind",
    "社区（圈内为该社区的单位）": "Community (its units inside the circle)",
    "街道（圈内为该街道的社区）": "Street (its communities inside the circle)",
    "图中另有 {} 个名称因篇幅未标注（+N 为该圈内未标注的名称数；网页版地图放大后显示）":
        "{} more names not printed for lack of room (+N: names left out in that circle; "
        "zoom in on the web map to see them)",
    "数据日期 {} · regional_graph": "As of {} · regional_graph",
    # page interface (search, buttons, status line)
    "搜索名称或关键词…": "Search names or keywords…", "清除": "Clear", "全图": "Fit",
    "地图加载失败: ": "The map failed to load: ", "共 ": "", " 个节点": " nodes",
    "显示 ": "Showing ", "（另有 ": " (",
    " 个名称，放大后显示）": " more names: zoom in to see them)",
    "未找到：": "Not found: ", "找到 ": "Found ", " 个（": " (", "）：": "): ",
    "：": ": ", "；": "; ", "【{}】": "[{}]", "全部": "All",
    "显示网格、楼栋": "Show grids and buildings",
    "（双击打开详图）": " (double-click to open the detailed map)",
    "暂停 · ": "Paused · ", "第 ": "Map ", " 张 · ": " · ", " · 数据日期 ": " · as of ",
}


#: The map index (``index.csv``): its own columns in Chinese (the counts take the headers
#: of the indicator tables).
INDEX_COLUMN_ZH: dict[str, str] = {"file": "文件", "kind": "地图类型", "level": "层级",
                                   "area_id": "区域编号", "area_name": "区域名称",
                                   "as_of": "数据日期"}


def viz_text(zh: str, lang: Lang = "zh") -> str:
    """The text ``zh`` of a map, poster or page in ``lang`` (``{}`` placeholders kept).

    Examples
    --------
    >>> viz_text("未覆盖", "en"), viz_text("未覆盖")
    ('Uncovered', '未覆盖')
    >>> viz_text("{}区域化党建资源网络图", "en").format("海岚区")
    '海岚区: regional Party-building resource network'
    """
    if lang == "zh":
        return zh
    try:
        return VIZ_EN[zh]
    except KeyError:
        raise KeyError(f"no English for the map text {zh!r}: add it to vocab.VIZ_EN") from None
