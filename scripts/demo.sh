#!/usr/bin/env bash
# Set up (once) and launch the demo: the app against an embedded reference HQ with seeded data.
# Every argument goes to `counter demo` (e.g. --lang en, --reset, --members N). Without a
# display (DISPLAY unset) the app says so in one line: run it in a desktop session or xvfb-run.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/_env.sh
ensure_system_libs gui
ensure_venv "hq"
exec .venv/bin/counter demo "$@"
