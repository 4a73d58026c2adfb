#!/usr/bin/env bash
# Build the wheel and the sdist, check them (twine), install the wheel into a clean venv and
# run there what a user runs: the core alone (check, report; a missing extra named), then the
# demo with the extras it needs (report, matching, wall maps, posters). Run from CI (.ci/run);
# needs .venv with the dev extra (build, twine). The clean venv installs from a wheelhouse
# (.cache/wheelhouse, filled by `pip download` on the first run): about two minutes when warm.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
work="$(mktemp -d "${TMPDIR:-/tmp}/regional_graph_wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT
if ! .venv/bin/python -m build --outdir "$work/dist" . >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  exit 1
fi
.venv/bin/python -m twine check --strict "$work/dist"/*
wheel="$(ls "$work"/dist/*.whl)"
python3 -m venv "$work/venv"
py="$work/venv/bin/python"
house="$root/.cache/wheelhouse"
mkdir -p "$house"
# the wheelhouse holds the dependencies: a wheel of ours left from an earlier build has the
# same name and version, and `pip download` would take its (old) dependencies as this one's
rm -f "$house"/regional_graph-*.whl
install() {  # from the wheelhouse only; on a miss, download what is missing into it first
  "$py" -m pip install -q --no-index --find-links "$house" "$@" 2>/dev/null && return
  "$root/.venv/bin/python" -m pip download -q -d "$house" "$@"
  "$py" -m pip install -q --no-index --find-links "$house" "$@"
}
install "$wheel"
cd "$work"  # away from the source tree: the installed package must answer, not pkg/
sample="$("$py" -c 'import regional_graph as rg; print(rg.datasets.SAMPLE_DISTRICT)')"
case "$sample" in "$work"/venv/*) ;; *) echo "sample district not in the venv: $sample" >&2; exit 1;; esac
venv/bin/regional-graph check "$sample"
venv/bin/regional-graph report "$sample" --out core-report --as-of 2026-10-01 >/dev/null
test -s core-report/report.xlsx
# the core alone: the wall maps name the extra to install
if venv/bin/regional-graph maps "$sample" --out core-maps 2>maps.err; then
  echo "maps ran without the maps extra" >&2
  exit 1
fi
grep -F "pip install 'regional_graph[maps]'" maps.err
install "$wheel[maps,matching]"
venv/bin/regional-graph demo --out demo --as-of 2026-10-01 >demo.log
for f in demo/report/report.xlsx demo/match/matching.xlsx demo/indicators/indicators.xlsx \
         demo/orders/orders.xlsx demo/diff/diff.xlsx demo/maps/index.html \
         demo/maps/district.html demo/maps/wall.html demo/dashboard/dashboard.html \
         demo/provenance.json; do
  test -s "$f" || { echo "the demo did not write $f" >&2; cat demo.log >&2; exit 1; }
done
n_maps="$(find demo/maps -name 'community_*.html' | wc -l)"
n_posters="$(find demo/maps/posters -name '*.pdf' | wc -l)"
[ "$n_maps" -gt 100 ] && [ "$n_posters" -ge 1 ] || {
  echo "the demo wrote $n_maps community maps and $n_posters posters" >&2; exit 1; }
echo "wheel OK in ${SECONDS}s: $(basename "$wheel"), core report, demo with $n_maps community maps and" \
  "$n_posters poster(s) from a clean venv"
