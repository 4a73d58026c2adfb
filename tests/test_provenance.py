"""Provenance: every output folder of the command line says where it came from."""

from __future__ import annotations

import hashlib
import json

import pytest

import regional_graph as rg
from regional_graph import cli
from regional_graph.export.provenance import provenance, provenance_line, provenance_rows

DAY = "2026-10-01"


@pytest.mark.parametrize("command", [
    ["report", "--as-of", DAY],
    ["indicators", "--as-of", DAY],
    ["export", "--format", "neo4j-import"],
    ["export", "--format", "graphml"],
])
def test_outputs_carry_their_provenance(command, tiny_dir, tmp_path, capsys):
    out = tmp_path / ("g.graphml" if "graphml" in command else "out")
    assert cli.main([command[0], str(tiny_dir), "--out", str(out), *command[1:]]) == 0, \
        capsys.readouterr().err
    folder = out.parent if out.suffix else out
    info = json.loads((folder / "provenance.json").read_text(encoding="utf-8"))
    assert info["library"] == f"regional_graph {rg.__version__}"
    assert info["input"]["name"] == "tiny"
    assert info["parameters"]["command"] == command[0]
    if "--as-of" in command:
        assert info["as_of"] == DAY
    # checksums recomputed here from the files themselves
    files = sorted(p for p in tiny_dir.iterdir() if p.is_file())
    want = [{"file": p.name, "sha256": hashlib.sha256(p.read_bytes()).hexdigest()}
            for p in files]
    assert info["input"]["files"] == want
    combined = hashlib.sha256("".join(f"{w['file']}\0{w['sha256']}\n" for w in want)
                              .encode()).hexdigest()
    assert info["input"]["sha256"] == combined
    if command[0] in ("report", "indicators"):  # the workbook's 说明 sheet says the same
        import openpyxl

        book = next(folder.glob("*.xlsx"))
        notes = {r[0]: r[1] for r in openpyxl.load_workbook(book, read_only=True)["说明"]
                 .iter_rows(values_only=True) if r and r[0]}
        assert notes["软件版本"] == info["library"]
        assert notes["输入校验码(SHA-256)"] == combined


def test_checksum_changes_with_the_input(tiny_dir):
    before = provenance(tiny_dir, as_of=DAY)["input"]["sha256"]
    areas = tiny_dir / "areas.csv"
    areas.write_bytes(areas.read_bytes().replace("海岚区".encode(), "海岚新区".encode()))
    assert provenance(tiny_dir, as_of=DAY)["input"]["sha256"] != before


def test_rows_and_line_for_a_notes_sheet(tiny_dir):
    info = provenance(tiny_dir, as_of=DAY, parameters={"seed": 1})
    rows = dict(provenance_rows(info))
    assert rows["数据日期"] == DAY and rows["输入数据"] == "tiny"
    assert rows["输入校验码(SHA-256)"] == info["input"]["sha256"]
    assert rows["参数"] == '{"seed": 1}'
    digest = info["input"]["sha256"]
    assert provenance_line(info).startswith(f"数据来源：tiny（SHA-256 {digest[:12]}")
