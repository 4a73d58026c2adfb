"""Regenerate the documentation pages that are derived from the schema.

    python scripts/gen_docs.py          # writes docs/data-template.md, docs/assets/template.xlsx

A test (tests/test_docs.py) fails when the committed files are out of date.
"""

from __future__ import annotations

import sys
from pathlib import Path

from regional_graph import io, schema

DOCS = Path(__file__).resolve().parents[1] / "docs"


def data_template_markdown() -> str:
    """The data-template page, generated from :mod:`regional_graph.schema`."""
    out = [
        "# The data template (数据模板)",
        "",
        "A dataset is a folder of CSV files (UTF-8 with or without BOM, or GB18030/GBK as Excel "
        "on a Chinese Windows writes it) or one workbook (`.xlsx`; `.xls` and `.ods` as WPS, "
        "older Excel and LibreOffice save them, with `pip install 'regional_graph[ledgers]'`) "
        "with one sheet per table. File, "
        "sheet and column names may be English or Chinese; enum values too. Dates may be "
        "written `2024-03-01`, `2024/3/1` or `2024年3月1日`. Columns beyond the template are "
        "kept as text and round-trip, but never reach a map or a shared export.",
        "",
        "Download the empty workbook: [template.xlsx](assets/template.xlsx) (Chinese headers, "
        "drop-down lists for every enum column), or write it yourself with "
        "`regional-graph template FILE.xlsx`.",
        "",
        "Required columns are **bold**. Ids are unique across all tables.",
        "",
        "Organisations and Party orgs may carry validity dates, `founded` (成立日期) and "
        "`dissolved` (撤销日期): one exists as of a day when `founded` is empty or on or before "
        "the day and `dissolved` is empty or after it. Every as-of analysis leaves out those "
        "that do not exist that day, and their links last only while both ends exist; a "
        "`dissolved` date before `founded` is an error.",
        "",
    ]
    for tbl in schema.TABLES.values():
        optional = " (optional table)" if tbl.optional else ""
        out += [f"## `{tbl.name}` / {tbl.zh}{optional}", ""]
        if tbl.label is not None:
            out += [f"Each row is a `{tbl.label.value}` node.", ""]
        out += ["| column | 中文 | other accepted headers | expects |", "|---|---|---|---|"]
        for col in tbl.columns:
            name = f"**{col.name}**" if col.required else col.name
            extra = ", ".join(col.aliases) or ""
            note = col.expects + (" · personal data" if col.personal else "")
            if col.rel is not None:
                note += f" · becomes a `{col.rel.value}` relationship"
            out.append(f"| {name} | {col.zh} | {extra} | {note} |")
        out.append("")
    out += ["## Enumerations", ""]
    for enum in (schema.AREA_LEVEL, schema.PARTY_ORG_LEVEL, schema.ORG_KIND, schema.LINK_TYPE,
                 schema.CATEGORY, schema.PRIORITY, schema.ORDER_STATUS):
        out += [f"### {enum.name}", "", "| code | 中文 (accepted aliases) |", "|---|---|"]
        out += [f"| `{code}` | {' · '.join(aliases)} |" for code, aliases in enum.values.items()]
        out.append("")
    out += ["### link endpoints", "", "| type | source | target |", "|---|---|---|"]
    for lt, (src, dst) in schema.LINK_ENDPOINTS.items():
        out.append(f"| `{lt}` | {' or '.join(s.value for s in src)} | "
                   f"{' or '.join(d.value for d in dst)} |")
    out += ["", "### level order", "",
            "A node's parent must have one of these levels (— : no parent); a Party org of a "
            "level listed under *leads* leads an area of that level.", "",
            "| table | level | parent levels | leads |", "|---|---|---|---|"]
    for tname, rule in schema.PARENT_LEVELS.items():
        for level, parents in rule.items():
            leads = " or ".join(schema.LEADS_LEVELS.get(level, ())) if tname == "party_orgs" \
                else ""
            out.append(f"| {tname} | `{level}` | {' or '.join(parents) or '—'} | {leads} |")
    out += ["", "Booleans accept " + ", ".join(schema.BOOL_TRUE) + " / "
            + ", ".join(schema.BOOL_FALSE) + ".", ""]
    out += [
        "## Files: what is accepted, what is reported",
        "",
        "`regional-graph check DATA` lists every problem of every table in one run, in Chinese "
        "(`--lang en`: English): the table as you named it (file, or workbook › sheet), the row "
        "as the file shows it, the column by your header and its letter (列 C「类型」), the "
        "value and what was expected. The first 20 per table and column are shown, then a "
        "count; `--problems-file FILE.csv` writes the full list. Nothing is dropped or changed "
        "silently: what was accepted after normalising it is listed too (已规范化 …).",
        "",
        "| in the file | result |",
        "|---|---|",
        "| UTF-8 (with or without BOM), GB18030/GBK, UTF-16 with or without BOM | read |",
        "| CRLF, LF or CR-only (old Mac) line ends | read |",
        "| a row with more or fewer cells than the header (an unquoted comma) | that row is "
        "reported (its cells may be shifted); every other table is still checked |",
        "| a bare CR inside a cell (pasted from Excel) | that row is reported |",
        "| a value under a blank header (xlsx or CSV) | reported with its cell (xlsx: column "
        "letter) |",
        "| the header alone, no line break | an empty table |",
        "| an invalid UTF-8 byte in a UTF-8 file | reported with the file and line |",
        "| binary data, a text file named `.xlsx` | reported, naming the file |",
        f"| a cell longer than {32767:,} characters (Excel's limit) | reported, value cut |",
        "| a CSV file or sheet whose name is not a table (`活动记录.csv`) | an error: rename it "
        "after its table |",
        "| an empty id in `areas` or `party_orgs` | `empty required cell` |",
        "| a path that does not exist | `does not exist` |",
        "| a formula cell without a saved result (written by an export tool) | reported with "
        "its cell: open and save the file in Excel or WPS, or type the value |",
        "| an Excel error value (`#N/A`, `#REF!` …) | reported |",
        "",
        "## Ledgers: what is accepted and normalised",
        "",
        "What a district office's own ledger (台账) carries is read when its meaning is "
        "unambiguous, and `check` says so, per table and column, with a count and an example:",
        "",
        "| in the ledger | read as |",
        "|---|---|",
        "| title rows above the header (`海岚区两新组织台账（2026年）`, merged or not; up to "
        "10 rows) | skipped; rows keep the numbers the file shows |",
        "| `.xls` and `.ods` workbooks | read like `.xlsx` (extra `ledgers`) |",
        "| priorities `1` / `2` / `3` (1 = most urgent), `紧急` / `一般` / `不急` | high / "
        "medium / low |",
        "| thousands separators in groups of three (`1,200`) | 1200 (`1,2` stays a problem) |",
        "| full-width digits (`１２３`, `３７．５`) | 123, 37.5 |",
        "| Excel serial day numbers in a date column (`45566`) | the date (2024-10-01) |",
        "| a date-time in a date column (`2024-03-01 08:30`) | the date |",
        "| a text cell written `'=…` by a spreadsheet-safe CSV export | `=…` |",
        "",
        "Every CSV file the library writes puts a `'` before a text cell starting with `=`, "
        "`+`, `-`, `@`, a tab or a CR (numbers such as `-3` stay), so that no spreadsheet runs "
        "it as a formula; reading removes it again. The one exception is `export --format "
        "neo4j-import`: neo4j-admin reads those files, and the database keeps each value "
        "exactly as written.",
        "",
    ]
    return "\n".join(out)


def main() -> int:
    (DOCS / "data-template.md").write_text(data_template_markdown(), encoding="utf-8")
    io.write_template(DOCS / "assets" / "template.xlsx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
