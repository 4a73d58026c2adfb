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
        "on a Chinese Windows writes it) or one `.xlsx` workbook with one sheet per table. File, "
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
    out += ["", "Booleans accept " + ", ".join(schema.BOOL_TRUE) + " / "
            + ", ".join(schema.BOOL_FALSE) + ".", ""]
    out += [
        "## Files: what is accepted, what is reported",
        "",
        "`regional-graph check DATA` lists every problem of every table in one run (the first "
        "20 per table and column, then a count; `--problems-file FILE.csv` writes the full "
        "list). Nothing is dropped or changed silently.",
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
        "",
    ]
    return "\n".join(out)


def main() -> int:
    (DOCS / "data-template.md").write_text(data_template_markdown(), encoding="utf-8")
    io.write_template(DOCS / "assets" / "template.xlsx")
    return 0


if __name__ == "__main__":
    sys.exit(main())
