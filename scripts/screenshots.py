"""Regenerate the wall-map screenshots of docs/wall-maps.md (sample district, 1920x1080,
headless Chromium): district overview, a street map, a community map, an org chart.

    .venv/bin/python scripts/screenshots.py [--out docs/assets] [--maps DIR]

The maps are built with ``write_maps`` (HTML only) into ``--maps`` (a temporary folder by
default), opened in /usr/bin/chromium at 1920x1080 and captured as PNG.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import OfflineBrowser  # noqa: E402

import regional_graph as rg  # noqa: E402
from regional_graph.viz import maps  # noqa: E402

#: Map file stem → screenshot name.
SHOTS = {
    "district": "wall-district.png",
    "street_S03": "wall-street.png",
    "community_C001": "wall-community.png",
    "org_chart_S03": "wall-org-chart.png",
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "assets")
    ap.add_argument("--maps", type=Path, default=None, help="folder for the HTML maps")
    ap.add_argument("--only", nargs="*", help="map stems to capture (default: the four)")
    args = ap.parse_args(argv)
    G = rg.datasets.load_sample_district()
    folder = args.maps or Path(tempfile.mkdtemp(prefix="rg-shots-"))
    stems = args.only or list(SHOTS)
    if not all((folder / f"{s}.html").exists() for s in stems):
        maps.write_maps(G, folder, as_of=rg.datasets.REFERENCE_DATE, progress=False)
    args.out.mkdir(parents=True, exist_ok=True)
    with OfflineBrowser() as b:
        for stem in stems:
            page = b.open(folder / f"{stem}.html")
            try:
                page.page.wait_for_timeout(300)
                target = args.out / SHOTS.get(stem, f"wall-{stem}.png")
                page.page.screenshot(path=str(target))
                hidden = page.page.evaluate("() => window.__rgMap.hiddenLabels")
                drawn = page.page.evaluate("() => window.__rgMap.labels.length")
                sys.stdout.write(f"{target}  labels drawn {drawn}, hidden {hidden}\n")
            finally:
                page.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
