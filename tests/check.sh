#!/bin/bash
# The one test command (README quick start, and what CI runs): installs what
# is missing, builds, and runs every test twice - a normal build and an
# address+undefined sanitizer build.
#
#   bash tests/check.sh            everything
#   FBCQM_CHECK_SANITIZE=0 ...     skip the sanitizer build (quicker local runs)
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/install-deps.sh

jobs=$(nproc 2>/dev/null || echo 2)

run_suite() {
  local dir=$1
  shift
  rm -f "$dir/meson-logs/testlog.json"
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null || return 1
  else
    meson setup "$dir" "$@" || return 1
  fi
  meson compile -C "$dir" || return 1
  meson test -C "$dir" --print-errorlogs --num-processes "$jobs" || return 1
}

# Every suite runs even when an earlier one failed, so one run shows everything.
status=0
dirs=(build)
run_suite build || status=1
if [ "${FBCQM_CHECK_SANITIZE:-1}" != "0" ]; then
  dirs+=(build-sanitize)
  run_suite build-sanitize -Db_sanitize=address,undefined -Dbuildtype=debug || status=1
fi

# One closing line over both builds, from meson's own test logs.
python3 - "${dirs[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
for d in sys.argv[1:]:
    try:
        with open(d + "/meson-logs/testlog.json") as log:
            for line in log:
                result = json.loads(line)["result"]
                if result in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif result == "SKIP":
                    skipped += 1
                else:
                    failed += 1
    except FileNotFoundError:
        failed += 1
print("Tests: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
PY
exit $status
