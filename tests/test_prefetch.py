"""Parsing CSV files in the background (csvparse.Prefetch): the very tables, notes and problems
that reading gives, and a failure in the background told as reading would tell it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import cli, csvparse
from regional_graph.csvparse import Prefetch


def _same(a: rg.io.Tables, b: rg.io.Tables) -> None:
    assert list(a) == list(b)
    for name in a:
        pd.testing.assert_frame_equal(a[name], b[name], check_exact=True)
        assert a[name].attrs.keys() == b[name].attrs.keys(), name
        for key, value in a[name].attrs.items():
            if isinstance(value, pd.DataFrame):
                pd.testing.assert_frame_equal(value, b[name].attrs[key], check_exact=True)
            else:
                assert value == b[name].attrs[key], (name, key)


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny district with one of each kind of file reading has to handle."""
    folder = Path(shutil.copytree(rg.datasets.TINY, tmp_path_factory.mktemp("p") / "d"))
    areas = (folder / "areas.csv").read_text(encoding="utf-8-sig")
    (folder / "areas.csv").unlink()
    (folder / "区域.csv").write_bytes(("小岚区区域表（2026年）\n" + areas).encode("gbk"))
    orgs = (folder / "organizations.csv").read_text(encoding="utf-8-sig").split("\n")
    orgs[2] += ",多余"  # a row too wide
    (folder / "organizations.csv").write_text("\n".join(orgs), encoding="utf-8")
    links = (folder / "links.csv").read_text(encoding="utf-8-sig")
    (folder / "links.csv").write_text(links.replace("\n", "\r"), encoding="utf-8")  # old Mac
    demands = (folder / "demands.csv").read_text(encoding="utf-8-sig").split("\n")
    demands[1] = demands[1][:-1] + "\r" + demands[1][-1:]  # a bare CR inside a cell
    (folder / "demands.csv").write_text("\n".join(demands), encoding="utf-8")
    (folder / "resources.csv").write_bytes(
        (folder / "resources.csv").read_text(encoding="utf-8-sig").encode("utf-16"))
    (folder / "orders.csv").write_bytes(b"\x00\x01\x02binary\x00" * 50)  # not text at all
    (folder / "activities.csv").write_text("id,date,source_id,target_id\n", encoding="utf-8")
    (folder / "members.csv").unlink()
    (folder / "members.csv").mkdir()  # cannot be read at all (a folder)
    (folder / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")  # not a table
    return folder


@pytest.mark.parametrize("which", ["tiny", "sample", "broken"])
def test_prefetched_tables_are_the_tables_read(which: str, broken: Path) -> None:
    folder = {"tiny": rg.datasets.TINY, "sample": rg.datasets.SAMPLE_DISTRICT,
              "broken": broken}[which]
    plain = rg.io.read_tables(folder)
    ahead = rg.io.read_tables(folder, prefetched=Prefetch(folder))
    _same(plain, ahead)
    if which == "broken":  # every kind of problem was met, the same way
        problems = pd.concat([rg.io.read_problems(df) for df in plain.values()
                              if rg.io.read_problems(df) is not None])
        told = " | ".join(problems["problem"])
        for what in ("cells in the row", "carriage return", "not a text file", "Is a directory",
                     "not a table of the template"):
            assert what in told
        assert rg.io.read_notes(plain["areas"]) is not None  # the title row
        assert list(plain["links"]["source_id"]) == list(rg.io.read_tables(
            rg.datasets.TINY)["links"]["source_id"])  # CR-only line ends read


def test_a_failure_in_the_background_is_the_reading_error(broken: Path,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    ahead = Prefetch(broken)
    with pytest.raises(IsADirectoryError) as err:
        ahead.take(broken / "members.csv")
    plain = rg.io.read_csv(broken / "members.csv", keep_going=True)
    again = rg.io.read_csv(broken / "members.csv", keep_going=True, _prefetched=Prefetch(broken))
    pd.testing.assert_frame_equal(rg.io.read_problems(plain), rg.io.read_problems(again))
    assert str(err.value) in rg.io.read_problems(plain).loc[0, "problem"]

    # an error reading does not catch is raised as reading raises it
    def boom(path: Path, tbl: object) -> None:
        raise RuntimeError(f"no {path.name}")

    monkeypatch.setattr(csvparse, "parse_csv", boom)
    with pytest.raises(RuntimeError, match=r"no activities\.csv"):
        rg.io.read_tables(broken, prefetched=Prefetch(broken))


def test_what_was_not_prefetched_is_read(tmp_path: Path) -> None:
    assert Prefetch(tmp_path / "missing").take(tmp_path / "missing" / "areas.csv") is None
    ahead = Prefetch(rg.datasets.TINY)
    assert ahead.take(rg.datasets.TINY / "unknown.csv") is None
    assert ahead.take(rg.datasets.TINY / "areas.csv") is not None
    assert ahead.take(rg.datasets.TINY / "areas.csv") is None  # taken once, then read


def test_the_command_line_prefetches_and_tells_the_same(broken: Path, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[object] = []
    real = cli._load
    monkeypatch.setattr(cli, "_load", lambda args: seen.append(args.prefetched) or real(args))
    assert cli.main(["indicators", str(broken), "--out", str(tmp_path / "a")]) == 1
    ahead = capsys.readouterr()
    assert isinstance(seen[0], Prefetch)
    monkeypatch.setattr(cli, "PREFETCH_COMMANDS", set())
    monkeypatch.setattr(cli, "_load", real)
    assert cli.main(["indicators", str(broken), "--out", str(tmp_path / "b")]) == 1
    assert capsys.readouterr() == ahead
    assert "不是文本文件" in ahead.out + ahead.err



def test_the_command_line_checksums_its_input_from_the_start(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from regional_graph import checksums

    data = tmp_path / "district"
    shutil.copytree(rg.datasets.TINY, data)
    started: list[bool] = []
    real = cli._load
    monkeypatch.setattr(cli, "_load", lambda args: started.append(
        str(data.resolve()) in checksums._THREADS) or real(args))
    assert cli.main(["report", str(data), "--out", str(tmp_path / "out"),
                     "--as-of", "2026-10-01", "--workers", "1"]) == 0
    assert started == [True]  # before loading: beside the imports
    notes = (tmp_path / "out" / "provenance.json").read_text(encoding="utf-8")
    assert checksums.file_sha256(data / "links.csv") in notes


def test_parsing_in_the_background_does_not_import_pandas() -> None:
    """The prefetch runs while the main thread imports pandas: importing it in a background
    thread too would make the parse wait for that import."""
    import subprocess
    import sys

    folder = str(rg.datasets.SAMPLE_DISTRICT)
    code = ("import sys; from pathlib import Path; from regional_graph.csvparse import Prefetch; "
            f"p = Prefetch({folder!r}); "
            f"[p.take(f) for f in sorted(Path({folder!r}).glob('*.csv'))]; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pandas'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"
