"""The one source of labels, relationship types, enums, table specs and Chinese aliases.

Every other module takes column names, node labels, relationship types and enum values from
here; nothing else spells them by hand. The table contract is the one in ``DOMAIN.md``.

Examples
--------
>>> from regional_graph import schema
>>> schema.TABLES["organizations"].column("kind").enum.canonical("医院")
'hospital'
>>> schema.TABLES["links"].zh
'关系'
>>> schema.RelType.PAIRED_WITH.value
'PAIRED_WITH'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class Label(StrEnum):
    """Node labels (one per kind of node).

    Examples
    --------
    >>> [label.value for label in Label]
    ['Area', 'PartyOrg', 'Organization', 'Resource', 'Demand', 'Member']
    >>> import regional_graph as rg
    >>> {label.value: len(frame) for label, frame in rg.datasets.load_tiny().nodes.items()}
    {'Area': 6, 'PartyOrg': 9, 'Organization': 8, 'Resource': 2, 'Demand': 3, 'Member': 2}
    >>> Label("Area"), str(Label.AREA), Label.AREA + "s"  # a str enum: its value as text
    (<Label.AREA: 'Area'>, 'Area', 'Areas')
    """

    AREA = "Area"
    PARTY_ORG = "PartyOrg"
    ORGANIZATION = "Organization"
    RESOURCE = "Resource"
    DEMAND = "Demand"
    MEMBER = "Member"


#: Chinese name of each node label (for messages).
LABEL_ZH: dict[Label, str] = {
    Label.AREA: "区域", Label.PARTY_ORG: "党组织", Label.ORGANIZATION: "单位",
    Label.RESOURCE: "资源", Label.DEMAND: "需求", Label.MEMBER: "党员",
}


class RelType(StrEnum):
    """Relationship types, direction as written in ``DOMAIN.md``.

    Examples
    --------
    >>> [r.value for r in RelType][:3]
    ['PART_OF', 'SUBORDINATE_TO', 'LEADS']
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> int((G.edges["type"] == RelType.PART_OF).sum())  # S1, S2 → D1; C1, C2 → S1; C3 → S2
    5
    """

    PART_OF = "PART_OF"  # Area -> Area (parent)
    SUBORDINATE_TO = "SUBORDINATE_TO"  # PartyOrg -> PartyOrg (superior)
    LEADS = "LEADS"  # PartyOrg -> Area
    HOSTED_BY = "HOSTED_BY"  # PartyOrg -> Organization it sits in
    LOCATED_IN = "LOCATED_IN"  # Organization -> Area
    MEMBER_OF = "MEMBER_OF"  # Member -> PartyOrg (branch of membership)
    OFFERS = "OFFERS"  # Organization|PartyOrg -> Resource
    NEEDS = "NEEDS"  # PartyOrg|Area -> Demand
    COVERED_BY = "COVERED_BY"
    PAIRED_WITH = "PAIRED_WITH"
    SITS_ON = "SITS_ON"
    CONFERENCE_MEMBER = "CONFERENCE_MEMBER"
    REPORTS_TO = "REPORTS_TO"
    ASSIGNED_TO = "ASSIGNED_TO"  # Resource -> Demand (matching result)


# --------------------------------------------------------------------------------------------
# Enumerations with Chinese aliases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Enum:
    """A closed vocabulary: canonical English codes, each with Chinese aliases.

    The first alias is the display name used in templates and exports.

    Examples
    --------
    >>> kind = Enum("kind", {"enterprise": ("非公企业", "企业"), "school": ("学校",)})
    >>> kind.codes, kind.zh("enterprise"), kind.canonical("企业")
    (['enterprise', 'school'], '非公企业', 'enterprise')
    >>> import regional_graph as rg
    >>> levels = rg.datasets.load_tiny().nodes[Label.AREA]["level"]
    >>> [AREA_LEVEL.zh(code) for code in levels]
    ['区', '街道', '街道', '社区', '社区', '社区']
    """

    name: str
    values: dict[str, tuple[str, ...]]
    zh_name: str = ""

    @property
    def codes(self) -> list[str]:
        """Canonical codes in schema order.

        Examples
        --------
        >>> AREA_LEVEL.codes
        ['district', 'street', 'community', 'grid', 'building', 'city']
        """
        return list(self.values)

    def zh(self, code: str) -> str:
        """Chinese display name of ``code``.

        Examples
        --------
        >>> AREA_LEVEL.zh("street"), [AREA_LEVEL.zh(c) for c in AREA_LEVEL.codes][:3]
        ('街道', ['区', '街道', '社区'])
        """
        return self.values[code][0]

    @property
    def lookup(self) -> dict[str, str]:
        """Every accepted spelling (code, alias; case- and space-insensitive) → code.

        Examples
        --------
        >>> lookup = AREA_LEVEL.lookup
        >>> lookup["街道办事处"], lookup["district"]
        ('street', 'district')
        >>> len(lookup), lookup["村"]  # 6 codes and 18 aliases
        (24, 'community')
        """
        out: dict[str, str] = {}
        for code, aliases in self.values.items():
            for spelling in (code, code.replace("_", " "), *aliases):
                out[_norm(spelling)] = code
        return out

    def canonical(self, value: str) -> str | None:
        """The canonical code for an accepted spelling, or ``None``.

        Examples
        --------
        >>> AREA_LEVEL.canonical(" 街道办事处 "), AREA_LEVEL.canonical("STREET")
        ('street', 'street')
        >>> AREA_LEVEL.canonical("村"), AREA_LEVEL.canonical("镇区")
        ('community', None)
        """
        return self.lookup.get(_norm(value))

    def describe(self) -> str:
        """Human-readable list of accepted values, for error messages.

        Examples
        --------
        >>> AREA_LEVEL.describe()
        'district (区), street (街道), community (社区), grid (网格), building (楼栋), city (市)'
        """
        return ", ".join(f"{c} ({a[0]})" for c, a in self.values.items())

    def describe_zh(self) -> str:
        """The accepted values in Chinese, for messages.

        Examples
        --------
        >>> PRIORITY.describe_zh()
        '高、中、低'
        """
        return "、".join(a[0] for a in self.values.values())


def _norm(value: str) -> str:
    return "".join(str(value).split()).lower()


AREA_LEVEL = Enum(
    "area level",
    zh_name="区域层级",
    values={
        "district": ("区", "区县", "县区", "市辖区"),
        "street": ("街道", "镇", "乡镇", "街道办事处"),
        "community": ("社区", "村", "村居"),
        "grid": ("网格",),
        "building": ("楼栋", "楼宇", "楼"),
        "city": ("市", "地级市", "全市"),  # above the districts: rg.merge(...)
    },
)

PARTY_ORG_LEVEL = Enum(
    "party org level",
    zh_name="党组织层级",
    values={
        "district_committee": ("区委", "区委组织部", "县委"),
        "street_committee": ("街道党工委", "党工委", "街道大工委", "镇党委"),
        "community_committee": ("社区党委", "社区党总支", "社区大党委", "村党组织"),
        "grid_branch": ("网格党支部", "网格支部"),
        "building_group": ("楼栋党小组", "楼栋党组"),
        "unit_org": ("单位党组织", "驻区单位党组织"),
        "independent_branch": ("独立党支部", "单独建立党组织", "单建党组织"),
        "joint_branch": ("联合党支部", "联合建立党组织", "联建党组织"),
        "industry_committee": ("行业党委", "行业党组织"),
    },
)

ORG_KIND = Enum(
    "organization kind",
    zh_name="单位类型",
    values={
        "agency": ("机关", "党政机关"),
        "school": ("学校", "高校"),
        "hospital": ("医院", "卫生院"),
        "soe": ("国有企业", "国企"),
        "institute": ("科研院所", "研究院"),
        "military": ("驻军", "部队", "驻区部队"),
        "public_institution": ("事业单位",),
        "enterprise": ("非公企业", "企业", "民营企业"),
        "social_org": ("社会组织",),
        "property_company": ("物业公司", "物业服务企业"),
        "owners_committee": ("业主委员会", "业委会"),
        "residents_committee": ("居民委员会", "居委会"),
    },
)

LINK_TYPE = Enum(
    "link type",
    zh_name="关系类型",
    values={
        "covered_by": ("覆盖", "隶属"),
        "paired_with": ("共建", "结对", "结对共建", "挂钩"),
        "sits_on": ("兼职委员",),
        "conference_member": ("联席会成员", "联席会"),
        "reports_to": ("报到",),
    },
)

CATEGORY = Enum(
    "category",
    zh_name="类别",
    values={
        "venue": ("场地",),
        "medical": ("医疗",),
        "legal": ("法律",),
        "education": ("教育",),
        "culture_sports": ("文体",),
        "elderly_care": ("养老",),
        "childcare": ("托育",),
        "volunteer": ("志愿服务", "志愿"),
        "funds": ("资金",),
        "employment": ("就业",),
        "property": ("物业",),
        "safety": ("平安", "安全"),
        "other": ("其他",),
    },
)

ORDER_STATUS = Enum(
    "order status",
    zh_name="订单状态",
    values={
        "open": ("待派单", "已下单", "群众点单"),
        "dispatched": ("已派单", "党组织下单"),
        "taken": ("已接单", "党员接单"),
        "done": ("已完成", "办结"),
        "cancelled": ("已取消", "取消"),
    },
)

#: Characters that separate the categories listed in a member's ``skills`` cell.
SKILL_SEPARATORS = "、,;/，；"

#: Priorities; ledgers also write them as numbers (1 = most urgent) or 紧急/一般.
PRIORITY = Enum("priority", {"high": ("高", "紧急", "急", "1"), "medium": ("中", "一般", "2"),
                             "low": ("低", "不急", "3")}, zh_name="优先级")
#: Weight of each priority in the matching objective (an empty priority counts as medium).
PRIORITY_WEIGHT: dict[str, int] = {"high": 3, "medium": 2, "low": 1}

#: Accepted spellings of booleans (case-insensitive).
BOOL_TRUE = ("true", "yes", "y", "1", "是", "已报到", "√", "t")
BOOL_FALSE = ("false", "no", "n", "0", "否", "未报到", "×", "f")

RESIDENT_UNIT_KINDS = (
    "agency",
    "school",
    "hospital",
    "soe",
    "institute",
    "military",
    "public_institution",
)
TWO_NEW_KINDS = ("enterprise", "social_org")
#: PartyOrg levels that count as an organisation's own Party org (应建未建 rule).
OWN_ORG_LEVELS = ("independent_branch", "unit_org")
#: Link types that make a tie of a resident unit.
TIE_TYPES = ("paired_with", "sits_on", "conference_member")
#: Party members needed for an independent branch (Suzhou rule).
MIN_MEMBERS_INDEPENDENT = 3
#: Members above which a branch is flagged for span of control (Suzhou).
SPAN_OF_CONTROL_LIMIT = 150


# --------------------------------------------------------------------------------------------
# Table specs
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the input template.

    ``dtype`` is one of ``id``, ``str``, ``ref``, ``enum``, ``int``, ``float``, ``date``,
    ``datetime``, ``bool``. A ``ref`` column names an id of a node whose label is in
    ``refs``; when ``rel`` is set the reference is also a relationship of the graph
    (``reverse`` flips its direction: ``provider_id`` of a resource becomes
    ``(provider)-[:OFFERS]->(resource)``).

    Examples
    --------
    >>> col = RESOURCES.column("provider_id")
    >>> col.dtype, col.rel, col.reverse
    ('ref', <RelType.OFFERS: 'OFFERS'>, True)
    >>> import regional_graph as rg
    >>> G = rg.datasets.load_tiny()
    >>> e = G.edges_of(col.rel)  # resources.csv: R1 by O1, R2 by O2
    >>> list(zip(G.ids[e["source"]], G.ids[e["target"]]))
    [('O1', 'R1'), ('O2', 'R2')]
    """

    name: str
    zh: str
    dtype: str = "str"
    required: bool = False
    enum: Enum | None = None
    refs: tuple[Label, ...] = ()
    rel: RelType | None = None
    reverse: bool = False
    aliases: tuple[str, ...] = ()
    personal: bool = False
    minimum: float | None = None
    maximum: float | None = None

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every accepted header spelling.

        Examples
        --------
        >>> MEMBERS.column("id").spellings
        ('id', '编号', 'ID', '代码')
        """
        return (self.name, self.zh, *self.aliases)

    @property
    def expects_zh(self) -> str:
        """What the column expects, in Chinese (for the problems a user reads).

        Examples
        --------
        >>> ORGANIZATIONS.column("party_members").expects_zh
        '不小于 0 的整数'
        >>> AREAS.column("parent_id").expects_zh
        '已有区域的编号'
        """
        return self._expects("zh")

    @property
    def expects(self) -> str:
        """What the column expects, in words (for error messages and the template).

        Examples
        --------
        >>> ORGANIZATIONS.column("party_members").expects
        'a whole number ≥ 0'
        >>> AREAS.column("level").expects.split(", ")[:3]
        ['one of district (区)', 'street (街道)', 'community (社区)']
        """
        return self._expects("en")

    def _expects(self, lang: str) -> str:
        words = _EXPECTS[lang]
        if self.enum is not None:
            return words["enum"].format(
                self.enum.describe_zh() if lang == "zh" else self.enum.describe())
        if self.dtype == "ref":
            names = (LABEL_ZH[lbl] if lang == "zh" else lbl.value for lbl in self.refs)
            return words["ref"].format(words["or"].join(names))
        if self.dtype in {"int", "float"}:
            kind = words[self.dtype]
            if self.minimum is not None and self.maximum is not None:
                return words["range"].format(kind=kind, low=self.minimum, high=self.maximum)
            if self.minimum is not None:
                return words["minimum"].format(kind=kind, low=self.minimum)
            return kind
        return words.get(self.dtype, words["str"])


#: The words of :attr:`Column.expects` (``en``) and :attr:`Column.expects_zh` (``zh``).
_EXPECTS: dict[str, dict[str, str]] = {
    "zh": {
        "enum": "以下之一：{}", "ref": "已有{}的编号", "or": "或", "int": "整数", "float": "数字",
        "range": "{low:g} 到 {high:g} 之间的{kind}", "minimum": "不小于 {low:g} 的{kind}",
        "id": "非空编号，在所有表格中唯一",
        "date": "日期，如 2024-03-01、2024/3/1 或 2024年3月1日",
        "datetime": "日期和时间，如 2024-03-01 14:30（或只写日期）",
        "bool": "是/否", "str": "文字",
    },
    "en": {
        "enum": "one of {}", "ref": "the id of an existing {}", "or": " or ",
        "int": "a whole number", "float": "a number",
        "range": "{kind} from {low:g} to {high:g}", "minimum": "{kind} ≥ {low:g}",
        "id": "a non-empty id, unique across all tables",
        "date": "a date such as 2024-03-01, 2024/3/1 or 2024年3月1日",
        "datetime": "a date and time such as 2024-03-01 14:30 (or a date)",
        "bool": "是/否 or true/false", "str": "text",
    },
}


@dataclass(frozen=True)
class Table:
    """One table of the input template (a CSV file or a workbook sheet).

    Examples
    --------
    >>> AREAS.name, AREAS.zh, AREAS.label
    ('areas', '区域', <Label.AREA: 'Area'>)
    >>> import regional_graph as rg
    >>> areas = rg.io.read_tables(rg.datasets.TINY)["areas"]
    >>> areas.columns.tolist(), areas["id"].tolist()
    (['id', 'name', 'level', 'parent_id'], ['D1', 'S1', 'S2', 'C1', 'C2', 'C3'])
    """

    name: str
    zh: str
    columns: tuple[Column, ...]
    label: Label | None = None
    optional: bool = False
    aliases: tuple[str, ...] = ()

    def column(self, name: str) -> Column:
        """The column called ``name`` (canonical English name).

        Examples
        --------
        >>> AREAS.column("parent_id").zh
        '上级编号'
        >>> try:
        ...     AREAS.column("上级编号")  # English names only; see header_lookup
        ... except KeyError as err:
        ...     print(err)
        '上级编号'
        """
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        """Canonical column names in template order.

        Examples
        --------
        >>> AREAS.names
        ['id', 'name', 'level', 'parent_id']
        """
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        """Required column names.

        Examples
        --------
        >>> AREAS.required
        ['id', 'name', 'level']
        >>> [name for name in AREAS.names if name not in AREAS.required]
        ['parent_id']
        """
        return [c.name for c in self.columns if c.required]

    @property
    def spellings(self) -> tuple[str, ...]:
        """Accepted file/sheet names.

        Examples
        --------
        >>> AREAS.spellings
        ('areas', '区域')
        >>> ORGANIZATIONS.spellings, [table(s).name for s in ORGANIZATIONS.spellings]
        (('organizations', '单位', 'units'), ['organizations', 'organizations', 'organizations'])
        """
        return (self.name, self.zh, *self.aliases)


ID = "id"
NAME = "name"
_ID = Column(ID, "编号", "id", required=True, aliases=("ID", "代码"))
_NAME = Column(NAME, "名称", "str", required=True, aliases=("名字",))
_COUNT: dict[str, Any] = {"dtype": "int", "minimum": 0}

AREAS = Table(
    "areas",
    "区域",
    (
        _ID,
        _NAME,
        Column("level", "层级", "enum", required=True, enum=AREA_LEVEL),
        Column("parent_id", "上级编号", "ref", refs=(Label.AREA,), rel=RelType.PART_OF),
    ),
    label=Label.AREA,
)

#: Validity dates of organisations and Party orgs: one exists as of a day when ``founded`` is
#: empty or ≤ the day and ``dissolved`` is empty or > the day.
_VALIDITY = (Column("founded", "成立日期", "date", aliases=("设立日期",)),
             Column("dissolved", "撤销日期", "date", aliases=("注销日期",)))

PARTY_ORGS = Table(
    "party_orgs",
    "党组织",
    (
        _ID,
        _NAME,
        Column("level", "层级", "enum", required=True, enum=PARTY_ORG_LEVEL),
        Column(
            "parent_id", "上级编号", "ref", refs=(Label.PARTY_ORG,), rel=RelType.SUBORDINATE_TO,
            aliases=("上级党组织",),
        ),
        Column("area_id", "所属区域", "ref", refs=(Label.AREA,), rel=RelType.LEADS),
        Column(
            "host_id", "所在单位", "ref", refs=(Label.ORGANIZATION,), rel=RelType.HOSTED_BY
        ),
        Column("members", "党员数", **_COUNT),
        *_VALIDITY,
    ),
    label=Label.PARTY_ORG,
    optional=True,
    aliases=("party_organizations",),
)

ORGANIZATIONS = Table(
    "organizations",
    "单位",
    (
        _ID,
        _NAME,
        Column("kind", "类型", "enum", required=True, enum=ORG_KIND, aliases=("单位类型",)),
        Column("industry", "行业", "str"),
        Column("area_id", "所属区域", "ref", refs=(Label.AREA,), rel=RelType.LOCATED_IN),
        Column("employees", "职工数", **_COUNT),
        Column("party_members", "党员数", **_COUNT),
        Column("lat", "纬度", "float", minimum=-90, maximum=90),
        Column("lon", "经度", "float", minimum=-180, maximum=180),
        Column("address", "地址", "str"),
        *_VALIDITY,
    ),
    label=Label.ORGANIZATION,
    optional=True,
    aliases=("units",),
)

LINKS = Table(
    "links",
    "关系",
    (
        Column("source_id", "起点", "ref", required=True, refs=tuple(Label)),
        Column("target_id", "终点", "ref", required=True, refs=tuple(Label)),
        Column("type", "关系类型", "enum", required=True, enum=LINK_TYPE),
        Column("start", "开始日期", "date"),
        Column("end", "结束日期", "date"),
        Column("kind", "形式", "str", aliases=("共建形式",)),
        Column("note", "备注", "str"),
    ),
    optional=True,
)

RESOURCES = Table(
    "resources",
    "资源清单",
    (
        _ID,
        Column(
            "provider_id", "提供方", "ref", required=True,
            refs=(Label.ORGANIZATION, Label.PARTY_ORG), rel=RelType.OFFERS, reverse=True,
        ),
        Column("category", "类别", "enum", required=True, enum=CATEGORY),
        Column("capacity", "数量", "int", minimum=1),
        Column("area_id", "所属区域", "ref", refs=(Label.AREA,)),
        Column("description", "说明", "str"),
    ),
    label=Label.RESOURCE,
    optional=True,
)

DEMANDS = Table(
    "demands",
    "需求清单",
    (
        _ID,
        Column(
            "requester_id", "需求方", "ref", required=True,
            refs=(Label.PARTY_ORG, Label.AREA), rel=RelType.NEEDS, reverse=True,
        ),
        Column("category", "类别", "enum", required=True, enum=CATEGORY),
        Column("quantity", "数量", "int", minimum=1),
        Column("priority", "优先级", "enum", enum=PRIORITY),
        Column("area_id", "所属区域", "ref", refs=(Label.AREA,)),
        Column("description", "说明", "str"),
    ),
    label=Label.DEMAND,
    optional=True,
)

MEMBERS = Table(
    "members",
    "党员",
    (
        _ID,
        Column(
            "org_id", "所在党组织", "ref", required=True, refs=(Label.PARTY_ORG,),
            rel=RelType.MEMBER_OF, aliases=("党组织编号",),
        ),
        Column("residence_area_id", "居住社区", "ref", refs=(Label.AREA,)),
        Column("reported", "是否报到", "bool"),
        Column("skills", "技能", "str", aliases=("特长", "专长")),
        Column("name", "姓名", "str", personal=True),
        Column("phone", "联系电话", "str", personal=True, aliases=("电话", "手机")),
        Column("id_number", "身份证号", "str", personal=True, aliases=("身份证号码",)),
    ),
    label=Label.MEMBER,
    optional=True,
)

ACTIVITIES = Table(
    "activities",
    "活动",
    (
        _ID,
        Column("date", "日期", "date", required=True, aliases=("活动日期",)),
        Column("source_id", "起点", "ref", refs=tuple(Label)),
        Column("target_id", "终点", "ref", refs=tuple(Label)),
        Column("project_id", "项目编号", "ref", refs=(Label.RESOURCE, Label.DEMAND)),
        Column("participants", "参与人数", **_COUNT),
        Column("note", "备注", "str"),
    ),
    optional=True,
)

ORDERS = Table(
    "orders",
    "订单",
    (
        _ID,
        Column("community_id", "社区", "ref", required=True, refs=(Label.AREA,),
               aliases=("点单社区",)),
        Column("category", "类别", "enum", required=True, enum=CATEGORY),
        Column("status", "状态", "enum", required=True, enum=ORDER_STATUS),
        Column("ordered_at", "点单时间", "datetime", required=True, aliases=("下单时间",)),
        Column("dispatcher_id", "派单党组织", "ref", refs=(Label.PARTY_ORG,)),
        Column("dispatched_at", "派单时间", "datetime"),
        Column("assignee_id", "接单方", "ref", refs=(Label.ORGANIZATION, Label.MEMBER)),
        Column("taken_at", "接单时间", "datetime"),
        Column("finished_at", "完成时间", "datetime", aliases=("办结时间",)),
        Column("description", "说明", "str"),
    ),
    optional=True,
    aliases=("三单", "三单制"),
)

#: All tables, in load order (node tables first, in the order their ids are numbered).
TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        AREAS, PARTY_ORGS, ORGANIZATIONS, RESOURCES, DEMANDS, MEMBERS, LINKS, ACTIVITIES, ORDERS
    )
}
NODE_TABLES: dict[Label, Table] = {t.label: t for t in TABLES.values() if t.label is not None}

#: Link type → (allowed source labels, allowed target labels).
LINK_ENDPOINTS: dict[str, tuple[tuple[Label, ...], tuple[Label, ...]]] = {
    "covered_by": ((Label.ORGANIZATION,), (Label.PARTY_ORG,)),
    "paired_with": ((Label.ORGANIZATION, Label.PARTY_ORG), (Label.PARTY_ORG, Label.AREA)),
    "sits_on": ((Label.ORGANIZATION, Label.PARTY_ORG), (Label.PARTY_ORG,)),
    "conference_member": ((Label.ORGANIZATION, Label.PARTY_ORG), (Label.PARTY_ORG,)),
    "reports_to": ((Label.MEMBER,), (Label.AREA,)),
}
_UNIT_PARENTS = ("district_committee", "street_committee", "community_committee",
                 "industry_committee")
#: Table → level → the levels its parent may have (``()``: no parent). The level order of both
#: hierarchies: a street's parent is a district, a community's a street, …
PARENT_LEVELS: dict[str, dict[str, tuple[str, ...]]] = {
    "areas": {
        "city": (), "district": ("city",), "street": ("district",), "community": ("street",),
        "grid": ("community",), "building": ("grid", "community"),
    },
    "party_orgs": {
        "district_committee": (), "street_committee": ("district_committee",),
        "community_committee": ("street_committee",), "grid_branch": ("community_committee",),
        "building_group": ("grid_branch", "community_committee"),
        "unit_org": _UNIT_PARENTS,
        "independent_branch": (*_UNIT_PARENTS, "unit_org"),
        "joint_branch": (*_UNIT_PARENTS, "unit_org"),
        "industry_committee": ("district_committee", "street_committee"),
    },
}
#: Party org level → the area levels it may lead (levels not listed may lead any area).
LEADS_LEVELS: dict[str, tuple[str, ...]] = {
    "district_committee": ("district",), "street_committee": ("street",),
    "community_committee": ("community",), "grid_branch": ("grid",),
    "building_group": ("building",),
}

#: Link type → relationship type.
LINK_RELTYPE: dict[str, RelType] = {t: RelType(t.upper()) for t in LINK_TYPE.codes}

#: Properties of a link (everything in the links table but its endpoints and type).
LINK_PROPERTIES = ("start", "end", "kind", "note")


def table(name: str) -> Table:
    """Look a table up by any accepted spelling (English, Chinese, alias).

    Examples
    --------
    >>> table("资源清单").name
    'resources'
    """
    key = _norm(name)
    for t in TABLES.values():
        if key in {_norm(s) for s in t.spellings}:
            return t
    raise KeyError(f"unknown table {name!r}; expected one of {', '.join(TABLES)}")


def header_lookup(tbl: Table) -> dict[str, str]:
    """Every accepted header spelling of ``tbl`` (normalised) → canonical column name.

    Examples
    --------
    >>> lookup = header_lookup(AREAS)
    >>> lookup["上级编号"], lookup["代码"], lookup["parent_id"]
    ('parent_id', 'id', 'parent_id')
    >>> sorted(spelling for spelling, name in lookup.items() if name == "name")
    ['name', '名字', '名称']
    """
    return {_norm(s): c.name for c in tbl.columns for s in c.spellings}


def zh_headers(tbl: Table) -> list[str]:
    """The Chinese headers of ``tbl`` in template order.

    Examples
    --------
    >>> zh_headers(AREAS)
    ['编号', '名称', '层级', '上级编号']
    >>> zh_headers(LINKS)
    ['起点', '终点', '关系类型', '开始日期', '结束日期', '形式', '备注']
    """
    return [c.zh for c in tbl.columns]


def personal_columns() -> dict[str, list[str]]:
    """Table → columns marked personal in the schema.

    Examples
    --------
    >>> personal_columns()["members"]
    ['name', 'phone', 'id_number']
    >>> {name: columns for name, columns in personal_columns().items() if columns}
    {'members': ['name', 'phone', 'id_number']}
    """
    return {t.name: [c.name for c in t.columns if c.personal] for t in TABLES.values()}


def enum_columns(tbl: Table) -> Iterable[Column]:
    """The enum columns of ``tbl``.

    Examples
    --------
    >>> [c.name for c in enum_columns(ORGANIZATIONS)]
    ['kind']
    >>> [(c.name, c.enum.name) for c in enum_columns(PARTY_ORGS)]
    [('level', 'party org level')]
    """
    return (c for c in tbl.columns if c.enum is not None)


#: Kind → (colour, vis-network shape, Chinese display name) for maps and posters.
NODE_STYLE: dict[str, tuple[str, str, str]] = {
    "city": ("#450a0a", "star", "市"),
    "district": ("#7f1d1d", "star", "区"),
    "street": ("#b91c1c", "star", "街道"),
    "community": ("#ef4444", "triangle", "社区"),
    "grid": ("#fca5a5", "triangleDown", "网格"),
    "building": ("#fecaca", "square", "楼栋"),
    "party_org": ("#dc2626", "diamond", "党组织"),
    "resident_unit": ("#1d4ed8", "dot", "驻区单位"),
    "enterprise": ("#059669", "dot", "非公企业"),
    "social_org": ("#7c3aed", "dot", "社会组织"),
    "other_org": ("#64748b", "dot", "其他单位"),
    "resource": ("#d97706", "box", "资源"),
    "demand": ("#0891b2", "box", "需求"),
}
