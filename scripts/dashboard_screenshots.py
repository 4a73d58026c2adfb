"""Screenshots of the district dashboard for the docs (real headless Chromium, offline).

    .venv/bin/python scripts/dashboard_screenshots.py      # writes docs/assets/dashboard_*.jpg

Writes the sample district's dashboard (as of the sample's reference date, compared with a
year before) into a temporary folder and photographs it at 1920×1080 (district, a street, a
community with a definition open, the table view and a filtered list) and at 1440×900
(a laptop: the whole scrolling page).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from browser import OfflineBrowser  # noqa: E402

import regional_graph as rg  # noqa: E402
from regional_graph.viz.dashboard import write_dashboard  # noqa: E402

ASSETS = ROOT / "docs" / "assets"
JPEG = {"type": "jpeg", "quality": 88}
READY = "() => !!(window.__rgDash && window.__rgDash.ready)"


def _goto(page, area: str) -> None:
    page.evaluate(f"location.hash = '#{area}'")
    page.wait_for_function(f"() => window.__rgDash.scope === '{area}'")
    page.wait_for_timeout(300)


def main() -> int:
    G = rg.datasets.load_sample_district()
    day = rg.datasets.REFERENCE_DATE
    year_before = day.replace(year=day.year - 1)
    ASSETS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_dashboard(G, tmp, as_of=day, compare=year_before)
        with OfflineBrowser() as b:
            p = b.open(path, ready_js=READY)
            page = p.page
            page.screenshot(path=str(ASSETS / "dashboard_district.jpg"), **JPEG)
            street = page.evaluate("() => window.__rgDash.data.areas['D01'].children[4]")
            _goto(page, street)
            page.click('#tabs button[data-list="unmet"]')
            page.screenshot(path=str(ASSETS / "dashboard_street.jpg"), **JPEG)
            community = page.evaluate(
                f"() => window.__rgDash.data.areas['{street}'].children[1]")
            _goto(page, community)
            page.click('[data-kpi="rate_with_members"]')
            page.screenshot(path=str(ASSETS / "dashboard_community.jpg"), **JPEG)
            _goto(page, "D01")
            page.click('[data-kpi="rate_with_members"]')
            page.select_option("#ind", "isolated_units")
            page.click('#view button[data-v="table"]')
            page.click('#tabs button[data-list="isolated"]')
            page.select_option("#f-kind", index=1)
            page.screenshot(path=str(ASSETS / "dashboard_table_filter.jpg"), **JPEG)
            bad = p.outside_requests + p.console_errors + p.page_errors
            p.close()
            lap = b.open(path, ready_js=READY, viewport=(1440, 900))
            lap.page.screenshot(path=str(ASSETS / "dashboard_laptop.jpg"), **JPEG,
                                full_page=True)
            bad += lap.outside_requests + lap.console_errors + lap.page_errors
            lap.close()
    if bad:
        sys.stderr.write(f"the page reported problems: {bad}\n")
        return 1
    for name in sorted(ASSETS.glob("dashboard_*.jpg")):
        sys.stdout.write(f"wrote {name.relative_to(ROOT)} ({name.stat().st_size // 1024} KB)\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
