"""The documentation builds in strict mode and its generated pages are current."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", ROOT / "scripts" / "gen_docs.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_data_template_page_is_current():
    expected = _gen_docs().data_template_markdown()
    page = (ROOT / "docs" / "data-template.md").read_text(encoding="utf-8")
    assert page == expected, "run `python scripts/gen_docs.py` and commit docs/"
    assert (ROOT / "docs" / "assets" / "template.xlsx").stat().st_size > 5000


def test_mkdocs_builds_strict(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "site")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "site" / "index.html").exists()
    assert (tmp_path / "site" / "reference" / "index.html").exists()


def test_readme_python_example_runs(monkeypatch, capsys):
    import re

    monkeypatch.chdir(ROOT)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", readme, re.S)[0]
    assert len(code.strip().splitlines()) <= 10
    namespace: dict[str, object] = {}
    exec(compile(code, "README.md", "exec"), namespace)
    assert len(namespace["gaps"]) > 0 and len(namespace["lonely"]) > 0
