"""``regional-graph push / pull / report --from-neo4j`` against the test server."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import pytest

import regional_graph as rg
from regional_graph import cli

if TYPE_CHECKING:
    from conftest import BoltTarget


@pytest.fixture
def neo4j_env(db: BoltTarget, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    s = db.settings
    monkeypatch.setenv("NEO4J_PASSWORD", s.password)
    return ["--uri", s.uri, "--user", s.user, *(["--database", s.database] if s.database
                                                 else [])]


def test_push_pull_report(neo4j_env: list[str], tiny_dir: Path, tmp_path: Path,
                          capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["push", str(tiny_dir), *neo4j_env, "--dataset", "tiny"]) == 0
    assert "as dataset 'tiny'" in capsys.readouterr().out
    assert cli.main(["push", str(tiny_dir), *neo4j_env, "--dataset", "tiny", "--sync"]) == 0
    out = tmp_path / "pulled"
    assert cli.main(["pull", "--out", str(out), *neo4j_env, "--dataset", "tiny"]) == 0
    assert rg.load_graph(out) == rg.load_graph(tiny_dir)
    report = tmp_path / "report"
    assert cli.main(["report", "--from-neo4j", "--out", str(report), *neo4j_env,
                     "--as-of", "2026-10-01"]) == 0
    got = pd.read_csv(report / "uncovered.csv", encoding="utf-8-sig")
    local = tmp_path / "local"
    assert cli.main(["report", str(tiny_dir), "--out", str(local), "--as-of", "2026-10-01"]) == 0
    written = sorted(p.stem for p in report.glob("*.csv"))
    assert written == sorted(rg.store.queries.SERVER_TABLES)
    for name in written:
        a = pd.read_csv(report / f"{name}.csv", encoding="utf-8-sig")
        b = pd.read_csv(local / f"{name}.csv", encoding="utf-8-sig")
        pd.testing.assert_frame_equal(a, b, obj=name)
    assert (report / "report.xlsx").is_file()
    assert len(got) >= 1


def test_push_to_dead_server_exits_2(tiny_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("NEO4J_PASSWORD", "secret-pw-123")
    assert cli.main(["push", str(tiny_dir), "--uri", f"bolt://127.0.0.1:{port}"]) == 2
    err = capsys.readouterr().err
    assert "unavailable" in err and "secret-pw-123" not in err
