#!/bin/sh
# Refresh the Chinese catalogue from the ui/ sources, then build the .qm the app loads.
#   resources/translations/update.sh
# New strings appear as "unfinished" in counter_zh_CN.ts: translate them (pyside6-linguist
# or any editor), run this again, and commit both the .ts and the .qm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
bin="${PYSIDE6_BIN:-$root/.venv/bin}"
cd "$root"
"$bin/pyside6-lupdate" -locations relative -no-obsolete ui/*.py ui/*/*.py -ts "$here/counter_zh_CN.ts"
"$bin/pyside6-lrelease" "$here/counter_zh_CN.ts" -qm "$here/counter_zh_CN.qm"
if grep -q 'type="unfinished"' "$here/counter_zh_CN.ts"; then
    echo "note: some strings are still untranslated (type=\"unfinished\")" >&2
fi
