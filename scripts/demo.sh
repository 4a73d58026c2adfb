#!/usr/bin/env bash
# Set up and run the main job on the bundled sample district: report + wall maps into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
# a CJK font to embed in the wall maps and posters (skipped when not root: maps then fall
# back to the viewer's own fonts)
if ! fc-list 2>/dev/null | grep -qi "Noto Sans CJK" && [ "$(id -u)" = 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-noto-cjk fontconfig >/dev/null
fi
bash scripts/setup.sh all   # the demo draws maps and posters and solves the matching
.venv/bin/regional-graph demo --out out
