"""Shared fixtures: a tiny, valid dataset covering every table, and a CSV writer.

``raw_tables`` is what a user would type into the template: every cell a string (``None``
for an empty cell), English headers. It is small enough to read at a glance and still has
one of everything: both hierarchies, every link type, resources, demands, members and
activities (on a link and on a project).

Row ``i`` of a frame is row ``i + 2`` of the written file (the header is row 1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd
import pytest

_ = None  # an empty cell

TINY: dict[str, tuple[list[str], list[list[str | None]]]] = {
    "areas": (
        ["id", "name", "level", "parent_id"],
        [
            ["D1", "海岚区", "district", _],
            ["S1", "湖岚街道", "street", "D1"],
            ["C1", "东湾社区", "community", "S1"],
            ["C2", "西湾社区", "community", "S1"],
            ["G1", "东湾第一网格", "grid", "C1"],
        ],
    ),
    "party_orgs": (
        ["id", "name", "level", "parent_id", "area_id", "host_id", "members"],
        [
            ["PD1", "中共海岚区委员会", "district_committee", _, "D1", _, "40"],
            ["PS1", "湖岚街道党工委", "street_committee", "PD1", "S1", _, "20"],
            ["PC1", "东湾社区党委", "community_committee", "PS1", "C1", _, "35"],
            ["PC2", "西湾社区党委", "community_committee", "PS1", "C2", _, "28"],
            ["PG1", "东湾第一网格党支部", "grid_branch", "PC1", "G1", _, "6"],
            ["PU1", "区人民医院党委", "unit_org", "PS1", _, "O1", "120"],
            ["PI1", "鑫达餐饮党支部", "independent_branch", "PC1", "C1", "O2", "4"],
            ["PJ1", "东湾联合党支部", "joint_branch", "PC1", "C1", _, "5"],
        ],
    ),
    "organizations": (
        ["id", "name", "kind", "industry", "area_id", "employees", "party_members",
         "lat", "lon", "address"],
        [
            ["O1", "海岚区人民医院", "hospital", "医疗健康", "C1", "800", "120",
             "37.52", "121.39", "东湾路1号"],
            ["O2", "鑫达餐饮管理有限公司", "enterprise", "餐饮", "C1", "60", "4", _, _, _],
            ["O3", "恒通物流有限公司", "enterprise", "物流", "C2", "15", "1", _, _, "西湾街8号"],
            ["O4", "同心志愿者协会", "social_org", "社会服务", "C2", _, "0", _, _, _],
        ],
    ),
    "links": (
        ["source_id", "target_id", "type", "start", "end", "kind", "note"],
        [
            ["O2", "PI1", "covered_by", "2022-05-01", _, _, _],
            ["O3", "PJ1", "covered_by", _, _, _, "联合建立"],
            ["O1", "PC1", "paired_with", "2024-01-01", "2026-12-31", "结对共建", _],
            ["PU1", "PS1", "sits_on", _, _, _, "兼职委员"],
            ["O1", "PS1", "conference_member", "2023-03-01", _, _, _],
            ["M1", "C1", "reports_to", "2024-02-15", _, _, _],
        ],
    ),
    "resources": (
        ["id", "provider_id", "category", "capacity", "area_id", "description"],
        [
            ["R1", "O1", "medical", "10", "C1", "义诊"],
            ["R2", "PU1", "venue", "2", _, _],
        ],
    ),
    "demands": (
        ["id", "requester_id", "category", "quantity", "priority", "area_id", "description"],
        [
            ["Q1", "PC1", "medical", "5", "high", "C1", "老年人体检"],
            ["Q2", "C2", "elderly_care", "3", _, "C2", _],
        ],
    ),
    "members": (
        ["id", "org_id", "residence_area_id", "reported", "name", "phone", "id_number"],
        [
            ["M1", "PU1", "C1", "true", "张伟", "13800000001", _],
            ["M2", "PI1", "C2", "false", "李娜", _, _],
        ],
    ),
    "activities": (
        ["id", "date", "source_id", "target_id", "project_id", "participants", "note"],
        [
            ["A1", "2024-05-01", "O1", "PC1", _, "20", "义诊进社区"],
            ["A2", "2024-06-01", _, _, "R1", "8", _],
        ],
    ),
}


def tiny_raw_tables() -> dict[str, pd.DataFrame]:
    """A fresh copy of the tiny dataset as raw string tables."""
    return {
        name: pd.DataFrame(rows, columns=columns, dtype="str")
        for name, (columns, rows) in TINY.items()
    }


def write_csv_folder(
    tables: Mapping[str, pd.DataFrame], folder: Path, *, encoding: str = "utf-8-sig"
) -> Path:
    """Write raw tables as ``<name>.csv`` files (empty cells stay empty) into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in tables.items():
        df.to_csv(folder / f"{name}.csv", index=False, encoding=encoding)
    return folder


@pytest.fixture
def raw_tables() -> dict[str, pd.DataFrame]:
    """The tiny valid dataset (fresh copy per test): table name → DataFrame of strings."""
    return tiny_raw_tables()


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """``write_csv(tables, name="data", encoding="utf-8-sig")`` → a CSV folder in tmp_path."""

    def _write(
        tables: Mapping[str, pd.DataFrame], name: str = "data", *, encoding: str = "utf-8-sig"
    ) -> Path:
        return write_csv_folder(tables, tmp_path / name, encoding=encoding)

    return _write


@pytest.fixture
def tiny_dir(raw_tables: dict[str, pd.DataFrame], write_csv: Callable[..., Path]) -> Path:
    """The tiny valid dataset written as a CSV folder (UTF-8 with BOM)."""
    return write_csv(raw_tables, "tiny")


#: Markers of tests that need a real outside part (registered in pyproject.toml). The fast
#: subset (CONTRIBUTING.md): ``-m "not chromium and not neo4j and not libreoffice and not
#: notebooks and not gephi"``. They are set here, from where a test lives, not on each test:
#: * ``chromium`` — the test module drives headless Chromium through ``tests/browser.py``;
#: * ``neo4j`` — ``tests/store/`` and the local server's tests (Java, a Bolt server);
#: * ``libreoffice`` — a test whose name says it (``…_libreoffice…``) converts with soffice;
#: * ``notebooks`` — ``tests/test_notebooks.py`` executes the notebooks (Jupyter kernel);
#: * ``gephi`` — ``tests/test_gephi.py`` opens exported files with the Gephi toolkit (Java).
NEO4J_FILES = {"test_local_server.py"}
NOTEBOOK_FILES = {"test_notebooks.py"}
GEPHI_FILES = {"test_gephi.py"}


def _needs(item: pytest.Item) -> set[str]:
    path = Path(str(item.path))
    module = getattr(item, "module", None)
    needs = set()
    if module is not None and any(getattr(v, "__module__", None) == "browser"
                                  for v in vars(module).values()):
        needs.add("chromium")
    if "store" in path.parent.parts[-1:] or path.name in NEO4J_FILES:
        needs.add("neo4j")
    if "libreoffice" in item.name:
        needs.add("libreoffice")
    if path.name in NOTEBOOK_FILES:
        needs.add("notebooks")
    if path.name in GEPHI_FILES:
        needs.add("gephi")
    return needs


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests that need Chromium, Neo4j (Java), LibreOffice, a notebook kernel or the
    Gephi toolkit (Java)."""
    for item in items:
        for name in sorted(_needs(item)):
            item.add_marker(name)


def pytest_sessionfinish(session, exitstatus):
    """In CI (``CI`` set) a skipped test is a failure: every test needs its real parts."""
    import os

    if not os.environ.get("CI"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if skipped and session.exitstatus == 0:
        reporter.write_line(f"{skipped} test(s) skipped: in CI every test must run", red=True)
        session.exitstatus = 1
