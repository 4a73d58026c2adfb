"""launcher_jar runs the repository's one Maven build (neo4j-launcher/build.sh, which calls
scripts/maven_build.sh) on a copy of that layout: a current jar is taken as it is without
Maven, a stale one is rebuilt by the script, and what is missing is named."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from regional_graph.store import local_server

ROOT = Path(__file__).resolve().parents[2]


def _set_mtime(path: Path, seconds: int) -> None:
    os.utime(path, (seconds, seconds))


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A launcher project laid out as in the repository (the real build scripts), with a
    built jar newer than its sources, and the real one's place pointed at it."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "maven_build.sh", tmp_path / "scripts")
    proj = tmp_path / "neo4j-launcher"
    (proj / "src").mkdir(parents=True)
    shutil.copy(ROOT / "neo4j-launcher" / "build.sh", proj)
    (proj / "pom.xml").write_text("<project/>", encoding="utf-8")
    (proj / "src" / "Launcher.java").write_text("class Launcher {}", encoding="utf-8")
    (proj / "target" / "lib").mkdir(parents=True)
    jar = proj / "target" / "neo4j-launcher.jar"
    jar.write_bytes(b"PK")
    for path in (proj / "pom.xml", proj / "src" / "Launcher.java", proj / "src"):
        _set_mtime(path, 1_000_000_000)  # 2001
    _set_mtime(jar, 1_100_000_000)  # 2004: newer than its sources
    monkeypatch.delenv(local_server.JAR_ENV, raising=False)
    monkeypatch.setattr(local_server, "_project_dir", lambda: proj)
    return proj


@pytest.fixture
def no_maven(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PATH with the tools the build scripts use but no ``mvn``."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "find", "dirname", "mkdir", "flock"):
        found = shutil.which(tool)
        assert found is not None, tool
        (bin_dir / tool).symlink_to(found)
    monkeypatch.setenv("PATH", str(bin_dir))


def test_a_current_jar_is_taken_without_maven(project: Path, no_maven: None) -> None:
    assert local_server.launcher_jar() == project / "target" / "neo4j-launcher.jar"


def test_a_stale_jar_without_maven_names_what_is_missing(project: Path, no_maven: None
                                                         ) -> None:
    _set_mtime(project / "src" / "Launcher.java", 1_200_000_000)  # newer than the jar
    with pytest.raises(RuntimeError, match=r"older than its sources\): no `mvn` on PATH"):
        local_server.launcher_jar()
    # build=False takes the jar as it is
    assert local_server.launcher_jar(build=False) == project / "target" / "neo4j-launcher.jar"


def test_a_failed_build_shows_maven_output(project: Path) -> None:
    assert shutil.which("mvn"), "Maven is needed (bash .ci/run installs it)"
    (project / "target" / "neo4j-launcher.jar").unlink()
    (project / "pom.xml").write_text("<project><broken></project>", encoding="utf-8")
    with pytest.raises(RuntimeError, match="building the Neo4j launcher failed") as err:
        local_server.launcher_jar()
    assert "build.sh" in str(err.value) and "pom.xml" in str(err.value)  # Maven's words
    with pytest.raises(RuntimeError, match="is not built"):
        local_server.launcher_jar(build=False)


def test_without_a_project_the_prebuilt_jar_setting_is_named(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # an installed package: no neo4j-launcher/ next to it
    monkeypatch.delenv(local_server.JAR_ENV, raising=False)
    monkeypatch.setattr(local_server, "_project_dir", lambda: tmp_path / "neo4j-launcher")
    with pytest.raises(RuntimeError, match=f"no project at .*{local_server.JAR_ENV}"):
        local_server.launcher_jar()
    jar = tmp_path / "prebuilt.jar"
    jar.write_bytes(b"PK")
    monkeypatch.setenv(local_server.JAR_ENV, str(jar))
    assert local_server.launcher_jar() == jar
