#!/usr/bin/env bash
# Set up (once) and launch the demo: the app against an embedded reference HQ with seeded data.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_env.sh
ensure_system_libs fonts
ensure_venv "hq"
exec .venv/bin/counter demo "$@"
