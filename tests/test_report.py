"""Tests for ``regional_graph.export.report``."""

from __future__ import annotations

import logging
import re
import zipfile

import pandas as pd
import pytest
from test_coverage import DAY, SAMPLE_DAY, build

import regional_graph as rg
from regional_graph.export import report

ORG_TABLES = ("uncovered", "should_build", "joint_branch_proposals", "isolated_units")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    return out, report.write_report(build(), out, as_of=DAY, lang="en")


@pytest.fixture(scope="module")
def written_zh(tmp_path_factory):
    out = tmp_path_factory.mktemp("report_zh")
    return out, report.write_report(build(), out, as_of=DAY)


def test_files_written(written):
    out, paths = written
    assert set(paths) == {*report.REPORT_TABLES, "report"}
    for name in report.REPORT_TABLES:
        assert paths[name] == out / f"{name}.csv"
        data = paths[name].read_bytes()
        assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
        assert data[3:].decode("utf-8").split(",")[0] == "id"
    assert paths["report"].name == "report.xlsx"


def test_csv_contents(written):
    _, paths = written
    unc = pd.read_csv(paths["uncovered"], encoding="utf-8-sig", dtype=str)
    assert unc["id"].tolist() == ["E3", "E4", "E6", "E7"]
    assert unc.set_index("id").loc["E4", "last_end"] == "2026-01-31"
    iso = pd.read_csv(paths["isolated_units"], encoding="utf-8-sig", dtype=str)
    assert iso["id"].tolist() == ["U2", "U3"]
    sb = pd.read_csv(paths["should_build"], encoding="utf-8-sig", dtype=str)
    assert sb["id"].tolist() == ["E2", "E3"]
    area = pd.read_csv(paths["coverage_by_area"], encoding="utf-8-sig")
    assert area["id"].tolist()[:3] == ["D1", "S1", "S2"]
    unp = pd.read_csv(paths["unpaired_communities"], encoding="utf-8-sig", dtype=str)
    assert unp["id"].tolist() == ["C3"]


def test_csv_chinese_by_default(written_zh):
    _, paths = written_zh
    unc = pd.read_csv(paths["uncovered"], encoding="utf-8-sig", dtype=str)
    assert unc.columns[0] == "编号" and unc["编号"].tolist() == ["E3", "E4", "E6", "E7"]
    assert set(unc["原因"]) == {"无覆盖关系", "覆盖关系均已到期"}


def test_workbook_chinese_headers(written_zh):
    _, paths = written_zh
    sheets = pd.read_excel(paths["report"], sheet_name=None, dtype=str)
    assert list(sheets) == [*report.REPORT_TABLES.values(), "说明"]
    unc = sheets["未覆盖两新组织"]
    assert unc.columns[0] == "编号" and "原因" in unc.columns and "街道" in unc.columns
    assert set(unc["原因"]) == {"无覆盖关系", "覆盖关系均已到期"}
    assert "覆盖率(全部)" in sheets["分区域覆盖率"].columns


def test_no_personal_data(written):
    _, paths = written
    for path in paths.values():
        if path.suffix == ".csv":
            text = path.read_text(encoding="utf-8-sig")
        else:
            text = pd.concat(pd.read_excel(path, sheet_name=None, dtype=str).values()).to_csv()
        assert "13900001111" not in text and "张伟" not in text and "M1" not in text


def test_summary_lines():
    lines = report.summary_lines(build(), as_of=DAY, lang="en")
    assert lines[0].startswith("As of 2026-06-30 (") and lines[0].endswith(" · 测试区")
    text = "\n".join(lines)
    assert "coverage 42.9 % (all)" in text and "33.3 % (with Party members: 2/6)" in text
    assert "Uncovered (未覆盖): 4" in text
    assert "Should build own branch (应建未建): 2" in text
    assert "Isolated resident units (孤岛单位): 2 of 4" in text
    assert any(line.startswith("  测试区: coverage 42.9 %") for line in lines)


def test_summary_lines_chinese():
    lines = report.summary_lines(build(), as_of=DAY)
    assert lines[0].startswith("数据日期 2026-06-30")
    text = "\n".join(lines)
    assert "覆盖率(全部) 42.9 %" in text and "（2/6）" in text
    assert "未覆盖两新组织 4 家" in text and "应建未建 2 家" in text
    assert "孤岛驻区单位 2 家（共 4 家驻区单位）" in text
    assert not any(c.isascii() and c.isalpha() for c in text.replace("--as-of", ""))


#: The time of writing in a workbook: its created/modified stamps and the 生成时间 row.
_STAMPS = re.compile(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)|(" +
                     "生成时间".encode() + rb"</t></is></c><c [^>]*><is><t>)[0-9: -]+(</t>)")


def _parts(xlsx):
    """The unzipped parts of a workbook, the time of writing masked."""
    with zipfile.ZipFile(xlsx) as z:
        return {n: _STAMPS.sub(rb"\1\3#\2\4", z.read(n)) for n in z.namelist()}


def test_sample_district_report_parallel_equals_serial(tmp_path, caplog):
    """A forked worker computing and writing the slowest tables gives the same files,
    byte for byte (the workbook's parts unzipped), and the same printed summary."""
    runs = {}
    for workers in (1, 2):
        G = rg.datasets.load_sample_district()
        with caplog.at_level(logging.INFO, logger="regional_graph.export.report"):
            paths = report.write_report(G, tmp_path / str(workers), as_of=SAMPLE_DAY,
                                        workers=workers)
        runs[workers] = paths, report.summary_lines(G, as_of=SAMPLE_DAY)
    # the parallel path ran
    assert f"{len(report.PARALLEL_TABLES)} in a worker process" in caplog.text
    (serial, lines1), (parallel, lines2) = runs[1], runs[2]
    assert lines1 == lines2 and len(lines1) >= 8
    assert sorted(serial) == sorted(parallel) == sorted([*report.REPORT_TABLES, "report"])
    for name in report.REPORT_TABLES:
        assert len(pd.read_csv(serial[name], encoding="utf-8-sig")) > 0, name
        assert serial[name].read_bytes() == parallel[name].read_bytes(), name
    a, b = _parts(serial["report"]), _parts(parallel["report"])
    assert a.keys() == b.keys() and len(a) > 10
    assert [n for n in a if a[n] != b[n]] == []


def test_summary_from_the_tables_written_computes_nothing_again(tmp_path, monkeypatch):
    """The command line's summary takes the tables the report wrote (the forked worker's
    too): no table is computed again, and the lines are those of a fresh graph."""
    G = rg.datasets.load_sample_district()
    paths, tables = report.write_report_and_tables(G, tmp_path, as_of=SAMPLE_DAY, workers=2)
    assert sorted(tables) == sorted(report.REPORT_TABLES) and "report" in paths

    def computed_again(*args, **kwargs):
        raise AssertionError("a report table was computed again")

    fresh = report.summary_lines(rg.datasets.load_sample_district(), as_of=SAMPLE_DAY)
    monkeypatch.setattr(report, "_BUILDERS", dict.fromkeys(report._BUILDERS, computed_again))
    G2 = rg.datasets.load_sample_district()  # an empty cache: only the given tables
    assert report.summary_lines(G2, as_of=SAMPLE_DAY, tables=tables) == fresh
    with pytest.raises(AssertionError, match="computed again"):
        report.summary_lines(G2, as_of=SAMPLE_DAY)
