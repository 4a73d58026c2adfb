"""Screenshots of a print poster for docs/wall-maps.md (generated, not drawn by hand).

    .venv/bin/python scripts/poster_screens.py   # writes docs/assets/wall-maps/poster-*.png

The A1 PDF poster of a community of the sample district (as of the sample's reference date)
is rendered with ``pdftoppm`` (poppler-utils): the whole sheet, and a detail at print
resolution showing a numbered flagged node and the footnotes; the A0 poster of the district
overview and the A1 poster of the largest street map (S03), whole sheets.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import regional_graph  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "pkg"))

import regional_graph as rg  # noqa: E402
from regional_graph.viz import maps, posters  # noqa: E402

OUT = ROOT / "docs" / "assets" / "wall-maps"
COMMUNITY = "C004"


def render(pdf: Path, png: Path, *, dpi: int, crop: tuple[int, int, int, int] | None = None
           ) -> Path:
    """Rasterise page 1 of ``pdf`` to ``png`` (``crop`` = x, y, w, h in pixels at ``dpi``)."""
    args = ["pdftoppm", "-png", "-singlefile", "-r", str(dpi)]
    if crop:
        x, y, w, h = crop
        args += ["-x", str(x), "-y", str(y), "-W", str(w), "-H", str(h)]
    subprocess.run([*args, str(pdf), str(png.with_suffix(""))], check=True,
                   capture_output=True)
    return png


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    G = rg.datasets.load_sample_district()
    m = maps.community_map(G, COMMUNITY, as_of=rg.datasets.REFERENCE_DATE)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = posters.write_poster(m, Path(tmp) / "poster.pdf", paper="A1")
        full = render(pdf, OUT / "poster-community.png", dpi=40)
        # the right column (legend and footnotes) at 80 dpi: A1 is 2650 × 1870 px there
        detail = render(pdf, OUT / "poster-footnotes.png", dpi=80, crop=(2150, 180, 500, 700))
        district = posters.write_poster(
            maps.district_overview(G, as_of=rg.datasets.REFERENCE_DATE),
            Path(tmp) / "district.pdf", paper="A0")
        overview = render(district, OUT / "poster-district-a0.png", dpi=30)
        street = posters.write_poster(
            maps.street_map(G, "S03", as_of=rg.datasets.REFERENCE_DATE),
            Path(tmp) / "street.pdf", paper="A1")
        street_png = render(street, OUT / "poster-street-a1.png", dpi=40)
    for p in (full, detail, overview, street_png):
        sys.stdout.write(f"{p.relative_to(ROOT)} {p.stat().st_size / 1e3:.0f} kB\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
