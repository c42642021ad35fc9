#!/usr/bin/env bash
# ruff over everything, mypy (strict) over the core and the reference HQ.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_env.sh
ensure_venv "hq,dev,postgres"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy counter hq
