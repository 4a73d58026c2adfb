"""Every command in README.md, docs/getting-started.md and docs/zh-quickstart.md runs as written.

The ```bash blocks of the three pages are run in order in one bash shell (``set -e``) in an
empty temporary folder that holds only what a clone holds after ``bash scripts/demo.sh``: the
``.venv`` it made (this environment), ``data/`` and ``scripts/``. Three lines are the entry
points CI itself runs and are not repeated here: ``bash .ci/run`` (it *is* this test run), and
``bash scripts/demo.sh`` = ``scripts/setup.sh`` (run by ``.ci/run`` to make the environment)
followed by ``.venv/bin/regional-graph demo --out out``, which is run in its place. After a
``regional-graph template X.xlsx`` command the workbook is filled in with the sample district
— the user's step between "write the template" and "check it". A line that was already run
(the pages share some) runs once.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = ("README.md", "docs/getting-started.md", "docs/zh-quickstart.md")
ENTRY = {"bash .ci/run": None,
         "bash scripts/demo.sh": ".venv/bin/regional-graph demo --out out"}

FILL = ("{python} -c 'import sys, regional_graph as rg; "
        "rg.io.write_tables(rg.datasets.sample_district_tables(), sys.argv[1], "
        "chinese_headers=True)' {file}")


def commands(page: str) -> list[str]:
    """The command lines of a page's bash blocks (comments and blank lines dropped)."""
    text = (ROOT / page).read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for raw in block.splitlines():
            line = re.sub(r"\s+#.*$", "", raw).strip()
            if line and not line.startswith("#"):
                out.append(line)
    return out


def test_pages_have_commands() -> None:
    for page in PAGES:
        assert any(c.startswith(("regional-graph", "bash", "source")) for c in commands(page))
    readme = commands("README.md")
    assert readme[:2] == ["bash scripts/demo.sh", "bash .ci/run"]
    assert "source .venv/bin/activate" in readme
    assert any("regional-graph maps" in c for c in commands("docs/zh-quickstart.md"))


def test_every_documented_command_runs(tmp_path: Path) -> None:
    venv = Path(sys.prefix)
    assert (venv / "bin" / "regional-graph").exists()
    (tmp_path / ".venv").symlink_to(venv)
    (tmp_path / "data").symlink_to(ROOT / "data")
    (tmp_path / "scripts").symlink_to(ROOT / "scripts")
    seen: set[str] = set()
    lines = ["set -euo pipefail"]
    for page in PAGES:
        for cmd in commands(page):
            if cmd in seen:
                continue
            seen.add(cmd)
            run = ENTRY.get(cmd, cmd)
            if run is None:
                continue
            lines.append(f"echo '$ {page}: {cmd}'")
            lines.append(run)
            m = re.match(r"regional-graph template (\S+\.xlsx)$", cmd)
            if m:
                lines.append(FILL.format(python=".venv/bin/python", file=m.group(1)))
    script = "\n".join(lines) + "\n"
    done = subprocess.run(["bash", "-c", script], cwd=tmp_path, capture_output=True,
                          text=True, timeout=1500, check=False, env={
                              "PATH": "/usr/bin:/bin", "HOME": str(tmp_path),
                              "LANG": "C.UTF-8"})
    assert done.returncode == 0, (done.stdout[-4000:], done.stderr[-4000:])
    out = done.stdout
    assert "数据日期" in out and "As of" in out  # the as-of date printed, both languages
    for expected in ("out/report/report.xlsx", "out/orders/orders.xlsx", "out/diff/diff.xlsx",
                     "报告/report.xlsx", "挂图/index.html", "年度对比/diff.xlsx",
                     "report/report.xlsx", "模板.xlsx", "资联网模板.xlsx"):
        assert (tmp_path / expected).exists(), expected


@pytest.mark.parametrize("page", PAGES)
def test_each_page_activates_before_regional_graph(page: str) -> None:
    """A reader of one page types `regional-graph` only after the page activates .venv."""
    cmds = commands(page)
    first = next(i for i, c in enumerate(cmds) if c.startswith("regional-graph"))
    assert "source .venv/bin/activate" in cmds[:first], page
