"""Screenshots of report.xlsx as LibreOffice renders it, for the docs.

Writes the sample district's report (as of the sample's reference date), converts the workbook
to PDF with ``soffice --headless --convert-to pdf`` and the first printed page of some sheets
to PNG with ``pdftoppm``: ``docs/assets/report-<sheet>.png``. Needs the Debian packages
``libreoffice-calc-nogui`` and ``poppler-utils``.

Usage: ``.venv/bin/python scripts/render_report.py [--out docs/assets]``
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import regional_graph as rg
from regional_graph.export.report import write_report

ROOT = Path(__file__).resolve().parents[1]


#: Sheet (printed in each page header) → PNG name.
SHEETS = {"未覆盖两新组织": "uncovered", "联建建议": "proposals", "分区域覆盖率": "coverage",
          "说明": "notes"}


def render(out: Path, dpi: int = 80) -> list[Path]:
    """Write the report, render it and return the PNG files written."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftoppm") is None:
        raise SystemExit("needs soffice (libreoffice-calc-nogui) and pdftoppm (poppler-utils)")
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        G = rg.datasets.load_sample_district()
        paths = write_report(G, work / "report", as_of=rg.datasets.REFERENCE_DATE,
                             source="data/sample_district")
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{work}/lo",
                        "--convert-to", "pdf", "--outdir", str(work), str(paths["report"])],
                       check=True, capture_output=True, timeout=300)
        pdf = work / "report.pdf"
        first: dict[str, int] = {}
        page = 1
        while len(first) < len(SHEETS):
            done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"],
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                break
            head = done.stdout.strip().splitlines()[:1]
            for sheet in SHEETS:
                if head and head[0].strip().startswith(sheet) and sheet not in first:
                    first[sheet] = page
            page += 1
        written = []
        for sheet, n in first.items():
            stem = out / f"report-{SHEETS[sheet]}"
            subprocess.run(["pdftoppm", "-png", "-singlefile", "-r", str(dpi), "-f", str(n),
                            "-l", str(n), str(pdf), str(stem)],
                           check=True, capture_output=True, timeout=300)
            written.append(stem.with_suffix(".png"))
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "assets")
    args = parser.parse_args()
    for path in render(args.out):
        sys.stdout.write(f"{path}\n")


if __name__ == "__main__":
    main()
