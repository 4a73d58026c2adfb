#!/usr/bin/env bash
# Set up and run the main job on the bundled sample district: report + wall maps into out/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/regional-graph demo --out out
