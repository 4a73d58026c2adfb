"""Problems with the input tables, told in the user's words: Chinese by default, English on
request; the table as the user named it (file or sheet), the row as the file shows it, the
column as the user headed it with its spreadsheet letter, the value and what was expected.

:func:`regional_graph.validate.check_tables` returns the failures with stable English texts
and canonical names (for programs); this module turns them into what a person reads, bounded
(the first few per table and column, then a count) so that a file of a million bad rows gives
a page, not a flood.

Examples
--------
>>> import regional_graph as rg
>>> raw = rg.io.read_tables(rg.datasets.TINY)
>>> raw["organizations"].loc[1, "kind"] = "火星单位"
>>> _, failures = rg.validate.check_tables(raw)
>>> print(report_lines(failures)[1].split("；应为")[0])
  organizations.csv 第 3 行，列 C「kind」：单位类型不在可选值中；填的是「火星单位」
>>> print(report_lines(failures, "en")[1].split(", expected")[0])
  organizations.csv row 3, column C "kind": unknown organization kind; found '火星单位'
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Literal

import pandas as pd

from . import schema

Lang = Literal["zh", "en"]

#: Problems shown per table and column before the rest is only counted.
SHOWN = 20

_LEVELS = {e.name: e.zh_name for e in (schema.AREA_LEVEL, schema.PARTY_ORG_LEVEL,
                                       schema.ORG_KIND, schema.LINK_TYPE, schema.CATEGORY,
                                       schema.ORDER_STATUS, schema.PRIORITY)}
_ENUMS = "|".join(re.escape(n) for n in _LEVELS)
_ENUM_CODES = {code: e.zh(code) for e in (schema.AREA_LEVEL, schema.PARTY_ORG_LEVEL,
                                          schema.LINK_TYPE, schema.ORDER_STATUS)
               for code in e.codes}
_LABELS = {lbl.value: zh for lbl, zh in schema.LABEL_ZH.items()}
_END = {"source": "起点", "target": "终点"}

#: English problem text (regular expression) → Chinese (``{name}`` takes a group, translated
#: by the function named after the colon: ``{l:label}``).
PROBLEMS_ZH: list[tuple[str, str]] = [
    (r"file name is not a table of the template", "文件名不是模板中的表格"),
    (r"table given twice", "表格重复"),
    (r"cannot read the file: (?P<e>.*)", "无法读取文件：{e}"),
    (r"(?P<n>\d+) cells in the row", "该行有 {n} 个单元格"),
    (r"carriage return \(CR, ␍\) inside a cell", "单元格内有单独的回车符（CR，␍）"),
    (r"cannot read the workbook: a text file \(CSV\?\) with a workbook name: rename it to "
     r"<table>\.csv",
     "无法读取工作簿：这是文本文件（CSV？），却用了工作簿的扩展名：请改名为 <表格名>.csv"),
    (r"cannot read the workbook: not a readable workbook \((?P<e>.*)\)",
     "无法读取工作簿：不是可读的工作簿（{e}）"),
    (r"reading (?P<s>\.\w+) workbooks needs the optional package python-calamine",
     "读取 {s} 工作簿需要可选组件 python-calamine"),
    (r"formula without a saved result", "公式没有保存的计算结果（读出来是空的）"),
    (r"value in a column without a header", "无表头的列中有值"),
    (r"unknown table", "未知表格"),
    (r"missing table", "缺少表格"),
    (r"column given twice", "列重复"),
    (r"missing required column", "缺少必填列"),
    (r"empty required cell", "必填项为空"),
    (rf"unknown (?P<e>{_ENUMS})", "{e:enum}不在可选值中"),
    (r"unknown id", "找不到这个编号"),
    (r"not a number", "不是数字"),
    (r"number too large", "数字过大"),
    (r"not a whole number", "不是整数"),
    (r"negative count", "不能为负数"),
    (r"below (?P<m>.+)", "小于 {m}"),
    (r"above (?P<m>.+)", "大于 {m}"),
    (r"unparseable date", "无法识别的日期"),
    (r"not a yes/no value", "不是“是/否”"),
    (r"control character in text", "文字中有控制字符"),
    (r"Excel error value", "Excel 错误值"),
    (r"text too long", "文字过长"),
    (r"duplicate id", "编号重复"),
    (r"id of an? (?P<l>\w+), wrong kind", "这是{l:label}的编号，类型不对"),
    (r"hierarchy cycle: its own parent", "层级循环：上级是它自己"),
    (r"(?P<end>source|target) is an? (?P<l>\w+), wrong kind for this link type",
     "{end:end}是{l:label}，不符合这种关系类型"),
    (r"link from a node to itself", "关系的起点和终点相同"),
    (r"end before start", "结束日期早于开始日期"),
    (r"hierarchy cycle: its own ancestor \((?P<p>.*)\)", "层级循环：它是自己的上级（{p}）"),
    (r"link reference incomplete", "关系引用不完整"),
    (r"no link between source_id and target_id", "起点和终点之间没有这条关系"),
    (r"(?P<a>\w+) before (?P<b>\w+)", "{a:column}早于{b:column}"),
    (r"empty for an? (?P<s>[\w/]+) order", "状态为{s:codes}的订单不能为空"),
    (r"unknown category in skills", "技能中有未知类别"),
    (r"(?P<n>\d+) references to ids not checked", "{n} 处编号引用未能核对"),
    (r"parent of level (?P<p>\w+), wrong level order",
     "上级是{p:code}，层级顺序不对"),
    (r"leads an area of level (?P<p>\w+), wrong level order",
     "所属区域是{p:code}，层级不对应"),
]

#: English "expected" text (regular expression) → Chinese.
EXPECTED_ZH: list[tuple[str, str]] = [
    (r"a file or sheet named after its table: .*",
     "以表格命名的文件或工作表：" + "、".join(t.zh for t in schema.TABLES.values())),
    (r"one file for (?P<t>\w+) \(also in (?P<f>.+)\)", "每个表格一个文件（另见 {f}）"),
    (r"one sheet for (?P<t>\w+) \(also sheet (?P<f>.+)\)", "每个表格一个工作表（另见工作表 {f}）"),
    (r"each table once", "每个表格只给一次"),
    (r"a CSV text file \(UTF-8 or GB18030/GBK\), one row per line",
     "CSV 文本文件（UTF-8 或 GB18030/GBK 编码），每行一条记录"),
    (r"(?P<n>\d+) cells, one per header column \(quote a value that holds a comma\)",
     "{n} 个单元格，与表头一一对应（含逗号的值请加英文双引号）"),
    (r"a cell without a bare CR: remove the line break or quote the cell",
     "不含单独回车符的单元格：删除换行，或给单元格加英文双引号"),
    (r"a workbook saved by Excel, WPS or LibreOffice \(\.xlsx, \.xls or \.ods\)",
     "Excel、WPS 或 LibreOffice 保存的工作簿（.xlsx、.xls 或 .ods）"),
    (r"pip install 'regional_graph\[ledgers\]', or save the workbook as \.xlsx",
     "安装可选组件（pip install 'regional_graph[ledgers]'），或把工作簿另存为 .xlsx"),
    (r"the value: open the file in Excel or WPS and save it \(formulas get calculated\), or "
     r"type the value", "一个值：用 Excel 或 WPS 打开文件并保存（公式会算出结果），或直接填写值"),
    (r"a header for this column, or an empty cell", "为这一列加表头，或清空这个单元格"),
    (r"a table of the template, named \(file or sheet\) one of: .*",
     "模板中的表格，文件或工作表名为：" + "、".join(t.zh for t in schema.TABLES.values())),
    (r"an? (?P<t>\w+) \((?P<zh>[^)]+)\) table", "「{zh}」表"),
    (r"one column for (?P<c>\w+) \(already given as (?P<h>.+)\)", "每项只有一列（已有列 {h}）"),
    (r"a column '(?P<c>\w+)' \(or '(?P<zh>[^']+)'\)", "表头为「{zh}」的一列（或 {c}）"),
    (r"non-empty text", "非空文字"),
    (r"text without control characters \(tabs and line breaks are fine\)",
     "不含控制字符的文字（制表符和换行可以）"),
    (r"a value, not the error a formula shows \(fix the formula in the file, or type the "
     r"value\)", "一个值，而不是公式显示的错误（请修正文件中的公式，或直接填写值）"),
    (r"at most (?P<n>[\d,]+) characters \(the limit of an Excel cell\)",
     "最多 {n} 个字符（Excel 单元格的上限）"),
    (r"a unique id; (?P<id>.+) is already used in (?P<t>\w+) row (?P<r>\d+)",
     "唯一的编号；{id} 已用于{t:table} 第 {r} 行"),
    (r"the id of another node", "另一个对象的编号"),
    (r"an? (?P<ls>[\w ]+) as the (?P<end>source|target) of an? (?P<tn>\w+) link",
     "{ls:labels}（「{tn:code}」关系的{end:end}）"),
    (r"a different node than source_id", "与起点不同的对象"),
    (r"an end date on or after the start date", "不早于开始日期的结束日期"),
    (r"a parent chain that ends at a top-level node", "最终到达最高层级的上级链条"),
    (r"(?P<a>\w+) together with (?P<b>\w+)", "{a:column}和{b:column}同时填写"),
    (r"the endpoints of a row of the links table", "关系表中某一行的起点和终点"),
    (r"a time on or after (?P<c>\w+)", "不早于{c:column}的时间"),
    (r"an? (?P<c>\w+) for orders with status (?P<s>.+)", "状态为{s:codes}的订单须填写{c:column}"),
    (r"categories separated by .*",
     "用 、 , ; 或 / 分隔的类别：" + schema.CATEGORY.describe_zh()),
    (r"a readable file for this table", "这个表格的可读文件"),
    (r"a parent of level (?P<p>.+)", "层级为{p:codes}的上级"),
    (r"no parent", "不填上级"),
    (r"an area of level (?P<p>.+)", "层级为{p:codes}的区域"),
]

#: English note (what was normalised) → Chinese.
NOTES_ZH: list[tuple[str, str]] = [
    (r"title rows above the header skipped", "跳过了表头上方的标题行"),
    (r"thousands separators removed", "去掉了数字中的千位分隔符"),
    (r"full-width digits read as digits", "全角数字按半角读取"),
    (r"Excel serial dates read as dates", "Excel 日期序号按日期读取"),
    (r"numbers read as priorities \(1 high, 2 medium, 3 low\)",
     "数字按优先级读取（1 高、2 中、3 低）"),
    (r"formula escape removed \(a leading '\)", "去掉了防公式的前导单引号（'）"),
    (r"times of day dropped \(a date column\)", "日期列只取日期，去掉了时间"),
]


def report_lines(failures: pd.DataFrame, lang: Lang = "zh", *, shown: int = SHOWN
                 ) -> list[str]:
    """Every problem, bounded: a heading, the first ``shown`` per table and column, then a count
    of the rest per table and column.

    Examples
    --------
    >>> from regional_graph.errors import FAILURE_COLUMNS
    >>> f = pd.DataFrame([["demands", 3, "priority", "火急", "unknown priority",
    ...                    schema.DEMANDS.column("priority").expects]], columns=FAILURE_COLUMNS)
    >>> for line in report_lines(f):
    ...     print(line)
    输入表格中有 1 个问题：
      需求清单 第 3 行，「优先级」列：优先级不在可选值中；填的是「火急」；应为：以下之一：高、中、低
    """
    n = len(failures)
    zh = lang == "zh"
    lines = [f"输入表格中有 {n:,} 个问题：" if zh else f"{n:,} problem(s) in the input tables:"]
    if not n:
        return lines
    key = failures["table"].astype("str") + "\x00" + failures["column"].astype("str")
    rank = key.groupby(key, sort=False).cumcount().to_numpy()
    told = explain(failures[rank < shown], lang)
    for rec in told.itertuples(index=False, name=None):
        lines.append("  " + _line(rec, zh))
    hidden = failures[rank >= shown]
    if len(hidden):
        where = explain(hidden.drop_duplicates(["table", "column"]), lang)
        counts = key[rank >= shown].value_counts(sort=False)
        for (table, column), c in zip(zip(where.iloc[:, 0], where.iloc[:, 2], strict=True),
                                      counts.to_numpy(), strict=True):
            place = table + (f"，{column}" if column else "") if zh else \
                table + (f", {column}" if column else "")
            lines.append(f"  … {place}还有 {c:,} 个问题" if zh else
                         f"  … and {c:,} more in {place}")
    return lines


def _line(rec: tuple[object, ...], zh: bool) -> str:
    table, row, column, value, problem, expected = (str(x) if not pd.isna(x) else ""
                                                    for x in rec)
    if zh:
        where = table + (f" 第 {row} 行" if row else "") + (f"，{column}" if column else "")
        found = f"；填的是「{value}」" if value else ""
        return f"{where}：{problem}{found}；应为：{expected}"
    where = table + (f" row {row}" if row else "") + (f", {column}" if column else "")
    found = f"; found {value!r}" if value else ""
    return f"{where}: {problem}{found}, expected {expected}"


def explain(failures: pd.DataFrame, lang: Lang = "zh") -> pd.DataFrame:
    """The failures as a person reads them: table and column as the user named them, the
    problem and what was expected in ``lang`` (columns 表格 行 列 值 问题 应为 in Chinese).

    Examples
    --------
    >>> from regional_graph.errors import FAILURE_COLUMNS
    >>> f = pd.DataFrame([["links", 4, "target_id", "C1", "target is an Area, wrong kind for "
    ...                    "this link type", "a PartyOrg as the target of a covered_by link"]],
    ...                  columns=FAILURE_COLUMNS)
    >>> explain(f).iloc[0, 2:].tolist()
    ['「终点」列', 'C1', '终点是区域，不符合这种关系类型', '党组织（「覆盖」关系的终点）']
    """
    sources = failures.attrs.get("sources", {})
    zh = lang == "zh"
    tables = [_table_label(str(t), sources, zh) for t in failures["table"]]
    columns = [_column_label(str(t), str(c) if isinstance(c, str) else "", sources, zh)
               for t, c in zip(failures["table"], failures["column"], strict=True)]
    problems = _translated(failures, "problem", PROBLEMS_ZH) if zh else failures["problem"]
    expected = _expected(failures) if zh else failures["expected"]
    out = pd.DataFrame({"table": tables, "row": failures["row"].astype("Int64").tolist(),
                        "column": columns, "value": failures["value"].to_numpy(),
                        "problem": pd.Series(problems).to_numpy(),
                        "expected": pd.Series(expected).to_numpy()})
    if zh:
        out.columns = ["表格", "行", "列", "值", "问题", "应为"]
    return out


def notes_lines(notes: pd.DataFrame, sources: dict[str, dict[str, object]] | None = None,
                lang: Lang = "zh") -> list[str]:
    """What was accepted after normalising it, one line per table, column and kind.

    Examples
    --------
    >>> from regional_graph.io import NOTE_COLUMNS
    >>> notes = pd.DataFrame([["organizations", "employees", "thousands separators "
    ...                        "removed", 2, "1,200"]], columns=NOTE_COLUMNS)
    >>> print(notes_lines(notes)[0])
    已规范化：单位，「职工数」列：去掉了数字中的千位分隔符（2 个，如「1,200」）
    >>> print(notes_lines(notes, lang="en")[0])
    normalised: organizations, column "employees": thousands separators removed (2, e.g. '1,200')
    """
    sources = sources or {}
    zh = lang == "zh"
    lines = []
    for rec in notes.itertuples(index=False):
        table = _table_label(str(rec.table), sources, zh)
        column = _column_label(str(rec.table), str(rec.column or ""), sources, zh)
        place = table + ((f"，{column}" if zh else f", {column}") if column else "")
        if zh:
            lines.append(f"已规范化：{place}：{_translate(str(rec.note), NOTES_ZH, str(rec.table))}"
                         f"（{rec.count:,} 个，如「{rec.example}」）")
        else:
            lines.append(f"normalised: {place}: {rec.note} ({rec.count:,}, e.g. "
                         f"{str(rec.example)!r})")
    return lines


# -- naming ------------------------------------------------------------------------------------


def _table_label(table: str, sources: dict[str, dict[str, object]], zh: bool) -> str:
    given = sources.get(table, {}).get("name")
    if given:
        return str(given)
    if table in schema.TABLES:
        return schema.TABLES[table].zh if zh else table
    return table


def _column_label(table: str, column: str, sources: dict[str, dict[str, object]],
                  zh: bool) -> str:
    if not column:
        return ""
    src = sources.get(table, {})
    given = src.get("columns", {})
    assert isinstance(given, dict)
    if column in given:
        letter, header = given[column]
        return f"列 {letter}「{header}」" if zh else f'column {letter} "{header}"'
    if re.fullmatch(r"[A-Z]{1,3}", column):
        letters = src.get("letters", {})
        header = letters.get(column, "") if isinstance(letters, dict) else ""
        if zh:
            return f"列 {column}「{header}」" if header else f"列 {column}（无表头）"
        return f'column {column} "{header}"' if header else f"column {column} (no header)"
    if table in schema.TABLES and column in schema.TABLES[table].names:
        zh_name = schema.TABLES[table].column(column).zh
        return f"「{zh_name}」列" if zh else f'column "{column}"'
    return f"「{column}」列" if zh else f'column "{column}"'


# -- translating -------------------------------------------------------------------------------


def _translated(failures: pd.DataFrame, field: str, catalogue: list[tuple[str, str]]
                ) -> list[str]:
    keys = list(zip(failures["table"].astype("str"), failures[field].astype("str"),
                    strict=True))
    done = {k: _translate(k[1], catalogue, k[0]) for k in dict.fromkeys(keys)}
    return [done[k] for k in keys]


def _expected(failures: pd.DataFrame) -> list[str]:
    keys = list(zip(failures["table"].astype("str"), failures["column"].astype("str"),
                    failures["expected"].astype("str"), strict=True))
    done = {}
    for table, column, text in dict.fromkeys(keys):
        col = _column(table, column)
        done[(table, column, text)] = (col.expects_zh if col is not None and text == col.expects
                                       else _translate(text, EXPECTED_ZH, table))
    return [done[k] for k in keys]


def _column(table: str, column: str) -> schema.Column | None:
    if table in schema.TABLES and column in schema.TABLES[table].names:
        return schema.TABLES[table].column(column)
    return None


def _translate(text: str, catalogue: list[tuple[str, str]], table: str) -> str:
    """``text`` in Chinese by the first pattern that matches all of it (else unchanged)."""
    for pattern, zh in catalogue:
        m = re.fullmatch(pattern, text)
        if m:
            return re.sub(r"\{(\w+)(?::(\w+))?\}",
                          lambda f: _NAMERS[f[2] or ""](m[f[1]], table), zh)  # noqa: B023
    return text


def _column_zh(name: str, table: str) -> str:
    col = _column(table, name)
    return f"「{col.zh}」" if col is not None else name


def _codes_zh(text: str, table: str) -> str:
    parts = re.split(r"(?:/|, | or )", text)
    return "或".join(_ENUM_CODES.get(p.strip(), p.strip()) for p in parts)


_NAMERS: dict[str, Callable[[str, str], str]] = {
    "": lambda v, t: v,
    "enum": lambda v, t: _LEVELS.get(v, v),
    "label": lambda v, t: _LABELS.get(v, v),
    "labels": lambda v, t: "或".join(_LABELS.get(x, x) for x in v.split(" or ")),
    "end": lambda v, t: _END.get(v, v),
    "column": _column_zh,
    "table": lambda v, t: schema.TABLES[v].zh if v in schema.TABLES else v,
    "code": lambda v, t: _ENUM_CODES.get(v, v),
    "codes": _codes_zh,
}
