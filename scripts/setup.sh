#!/usr/bin/env bash
# Create .venv and install regional_graph into it (extras as arguments, e.g. "all,dev,docs";
# none: the core only).
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
  # Debian's python3 ships venv/ensurepip separately
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ -n "$extras" ]; then
  .venv/bin/python -m pip install -q -e ".[${extras}]"
else
  .venv/bin/python -m pip install -q -e .
fi
