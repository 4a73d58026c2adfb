"""The ``regional-graph`` command: in-process through ``cli.main`` and once as the script."""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import regional_graph as rg
from regional_graph import cli

SAMPLE = rg.datasets.SAMPLE_DISTRICT
COMMANDS = ("check", "summary", "template", "report", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: object) -> tuple[int, str, str]:
    status = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return status, out, err


def summary_counts(out: str) -> dict[tuple[str, str], int]:
    """(what, kind) → count parsed from the printed summary table (what is only printed once
    per group, as pandas does for a MultiIndex)."""
    counts, what = {}, ""
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].isdigit():
            what = parts[0]
            counts[(what, parts[1])] = int(parts[2])
        elif len(parts) == 2 and parts[1].isdigit() and what:
            counts[(what, parts[0])] = int(parts[1])
    return counts


def test_check_sample(capsys) -> None:
    status, out, err = run(capsys, "check", SAMPLE, "--lang", "en")
    assert status == 0, err
    G = rg.load_graph(SAMPLE)
    assert out.startswith("OK")
    assert f"{G.number_of_nodes():,} nodes" in out


def test_check_tiny_xlsx(capsys, raw_tables, tmp_path: Path) -> None:
    book = rg.io.write_tables(raw_tables, tmp_path / "tiny.xlsx", chinese_headers=True)
    status, out, _ = run(capsys, "check", book, "--lang", "en")
    assert status == 0
    assert "23 nodes" in out


def test_check_bad_folder(capsys, raw_tables, write_csv) -> None:
    raw_tables["areas"].loc[1, "level"] = "镇区"
    raw_tables["organizations"].loc[2, "employees"] = "-3"
    raw_tables["links"].loc[0, "target_id"] = "C1"
    folder = write_csv(raw_tables, "bad")
    status, out, err = run(capsys, "check", folder)
    assert status == 1
    assert out == ""
    assert err.splitlines() == [
        "输入表格中有 3 个问题：",
        "  areas.csv 第 3 行，列 C「level」：区域层级不在可选值中；填的是「镇区」；"
        "应为：以下之一：区、街道、社区、网格、楼栋、市",
        "  organizations.csv 第 4 行，列 F「employees」：不能为负数；填的是「-3」；"
        "应为：不小于 0 的整数",
        "  links.csv 第 2 行，列 B「target_id」：终点是区域，不符合这种关系类型；填的是「C1」；"
        "应为：党组织（「覆盖」关系的终点）",
    ]
    status, out, err = run(capsys, "check", folder, "--lang", "en")
    assert err.splitlines()[3] == (
        "  links.csv row 2, column B \"target_id\": target is an Area, wrong kind for this "
        "link type; found 'C1', expected a PartyOrg as the target of a covered_by link")


def test_check_missing_path(capsys, tmp_path: Path) -> None:
    status, _, err = run(capsys, "check", tmp_path / "nowhere")
    assert status == 1
    assert "error" in err


def test_summary(capsys, raw_tables, write_csv) -> None:
    status, out, err = run(capsys, "summary", write_csv(raw_tables), "--as-of", "2025-01-01",
                           "--lang", "en")
    assert status == 0, err
    assert "5 Area, 8 PartyOrg, 4 Organization" in out
    counts = summary_counts(out)
    assert counts[("Area", "district")] == 1
    assert counts[("Area", "community")] == 2
    assert counts[("Organization", "enterprise")] == 2
    assert counts[("relationship", "PART_OF")] == 4


def test_summary_sample(capsys) -> None:
    status, out, _ = run(capsys, "summary", SAMPLE, "--lang", "en")
    assert status == 0
    zh = run(capsys, "summary", SAMPLE)[1]
    assert "区域" in zh and "社区" in zh and "数据日期" in zh
    expected = rg.datasets.load_sample_district().summary()["count"].to_dict()
    counts = summary_counts(out)
    for (what, kind), n in expected.items():
        if kind:  # (Member, "") has no kind to print
            assert counts[(what, kind)] == n, (what, kind)


def test_template(capsys, tmp_path: Path) -> None:
    target = tmp_path / "new" / "模板.xlsx"
    status, out, _ = run(capsys, "template", target)
    assert status == 0
    assert target.exists()
    assert str(target) in out
    sheets = openpyxl.load_workbook(target, read_only=True).sheetnames
    assert "区域" in sheets
    assert "单位" in sheets


def test_help_lists_every_command(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    parser = cli.build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert set(COMMANDS) <= set(sub.choices)
    for name in sub.choices:
        assert name in out


def test_no_command_is_an_error(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main([])
    assert info.value.code == 2


def test_installed_console_script(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("regional-graph")
    assert script.exists(), "the console script is not installed in this environment"
    done = subprocess.run([str(script), "check", str(SAMPLE)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("OK")
    folder = tmp_path / "bad"
    folder.mkdir()
    (folder / "areas.csv").write_text("id,name\nD1,区\n", encoding="utf-8")
    done = subprocess.run([str(script), "check", str(folder)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 1
    assert "areas" in done.stderr
    assert "level" in done.stderr


def test_report_from_the_command_line_ends_at_once(tmp_path: Path) -> None:
    """``report`` run as the console script ends without the interpreter's teardown: its
    status, its whole printed summary and every file are there, as in-process."""
    script = Path(sys.executable).with_name("regional-graph")
    args = ["report", str(SAMPLE), "--as-of", "2026-10-01", "--workers", "2"]
    done = subprocess.run([str(script), *args, "--out", str(tmp_path / "cli")],
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    with contextlib.redirect_stdout(io.StringIO()) as out:
        assert cli.main([*args, "--out", str(tmp_path / "lib")]) == 0
    assert done.stdout.replace("cli", "lib") == out.getvalue()
    assert done.stdout.rstrip().endswith(f"已写出 10 个文件，位于 {tmp_path / 'cli'}")
    written = sorted(p.name for p in (tmp_path / "cli").iterdir())
    assert written == sorted(p.name for p in (tmp_path / "lib").iterdir())
    assert len(written) == 11 and "provenance.json" in written


@pytest.mark.parametrize("argv", [
    ["summary", "data/sample_district", "--as-of", "2024-13-01"],
    ["report", "--out", "unused"],
    ["template", "t.csv"],
    ["match", "data/sample_district", "--out", "unused", "--max-distance", "-1"],
])
def test_bad_arguments_are_usage_errors(argv, capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    with pytest.raises(SystemExit) as info:
        cli.main(argv)
    assert info.value.code == 2
    assert "error:" in capsys.readouterr().err


def test_unreadable_input_is_an_error_not_a_traceback(tmp_path, capsys):
    bad = tmp_path / "broken.xlsx"
    bad.write_bytes(b"not a zip file")
    assert cli.main(["check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "broken.xlsx：无法读取工作簿：这是文本文件（CSV？）" in err
    assert "Traceback" not in err
    assert cli.main(["check", str(bad), "--lang", "en"]) == 1
    assert "broken.xlsx: cannot read the workbook" in capsys.readouterr().err


def test_chinese_as_of_date(capsys, monkeypatch):
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert cli.main(["summary", "data/sample_district", "--as-of", "2024年3月1日"]) == 0
