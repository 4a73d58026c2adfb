"""Two output folders of ``regional-graph report`` (or ``indicators``, ``match``) hold the same
results: every CSV byte for byte, every part of every workbook (sheets, styles, shared
parts) byte for byte once unzipped, and ``provenance.json`` equal, ignoring only the time
of writing (the 生成时间/written cell of the notes sheet, the workbook's created/modified
stamps and provenance's ``created``). The zip container itself may differ (compression).

When a workbook part differs, the cells of its sheets are compared too (value and number
format, with openpyxl) and the first differing cells are printed.

Usage::

    python benchmarks/check_report_equal.py REFERENCE_DIR OTHER_DIR [...more pairs]

Exit status 0 when every pair is equal, 1 otherwise.
"""

from __future__ import annotations

import json
import re
import sys
import zipfile
from pathlib import Path

#: The time of writing, where it appears in a workbook part.
_STAMPS = [
    re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)"),
    # the notes sheet's 生成时间 / written row: label cell, then the value cell
    re.compile(rb"((?:\xe7\x94\x9f\xe6\x88\x90\xe6\x97\xb6\xe9\x97\xb4|written)</t></is></c>"
               rb"<c [^>]*><is><t>)\d{4}-\d\d-\d\d \d\d:\d\d(</t>)"),
]


def _masked(data: bytes) -> bytes:
    for pattern in _STAMPS:
        data = pattern.sub(rb"\1#\2", data)
    return data


def _cells(path: Path) -> dict[str, list[tuple[str, object, str]]]:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [(c.coordinate, c.value, c.number_format) for row in ws.iter_rows()
                       for c in row if c.value is not None] for ws in wb.worksheets}


def compare_workbooks(a: Path, b: Path) -> list[str]:
    """Differences between two xlsx files, part by part (unzipped, stamps masked)."""
    problems = []
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names_a, names_b = sorted(za.namelist()), sorted(zb.namelist())
        if names_a != names_b:
            return [f"{a.name}: parts differ: {set(names_a) ^ set(names_b)}"]
        for name in names_a:
            if _masked(za.read(name)) != _masked(zb.read(name)):
                problems.append(f"{a.name}: part {name} differs")
    if problems:
        ca, cb = _cells(a), _cells(b)
        for sheet in sorted(set(ca) | set(cb)):
            x, y = ca.get(sheet, []), cb.get(sheet, [])
            diff = [(p, q) for p, q in zip(x, y, strict=False) if p != q][:3]
            if diff or len(x) != len(y):
                problems.append(f"  sheet {sheet}: {len(x)} vs {len(y)} cells; first "
                                f"differences {diff}")
    return problems


def compare_folders(ref: Path, other: Path) -> list[str]:
    """Every difference between two output folders (empty when equal)."""
    files_a = sorted(p.relative_to(ref) for p in ref.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(other) for p in other.rglob("*") if p.is_file())
    if files_a != files_b:
        return [f"files differ: {sorted(map(str, set(files_a) ^ set(files_b)))}"]
    problems = []
    for rel in files_a:
        a, b = ref / rel, other / rel
        if rel.suffix == ".xlsx":
            problems += compare_workbooks(a, b)
        elif rel.name == "provenance.json":
            ja, jb = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
            for j in (ja, jb):
                j.pop("created", None)
            if ja != jb:
                problems.append(f"{rel}: differs")
        elif a.read_bytes() != b.read_bytes():
            problems.append(f"{rel}: differs")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) < 2 or len(argv) % 2:
        print(__doc__)
        return 2
    bad = 0
    for ref, other in zip(argv[::2], argv[1::2], strict=True):
        problems = compare_folders(Path(ref), Path(other))
        n = sum(1 for p in Path(ref).rglob("*") if p.is_file())
        print(f"{ref} vs {other}: " + ("equal" if not problems else "DIFFERENT")
              + f" ({n} files)")
        for p in problems:
            print("  " + p)
        bad += bool(problems)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
