#!/bin/bash
# The one test command (README quick start, and what CI runs): installs what
# is missing, builds, and runs every test twice - a normal build and an
# address+undefined sanitizer build.
#
#   bash tests/check.sh            everything
#   FBCQM_CHECK_SANITIZE=0 ...     skip the sanitizer build (quicker local runs)
#   FBCQM_CHECK_PACKAGES=0 ...     skip the Debian packages (built and checked
#                                  once, after the suites: the 'packaging' suite)
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

# The Debian packages: one more (optimised, -Dtests=false) build, then the
# checks of what it made; only from the normal build directory.
logs=()
for dir in "${dirs[@]}"; do
  logs+=("$dir/meson-logs/testlog.json")
done
if [ "${FBCQM_CHECK_PACKAGES:-1}" != "0" ]; then
  logs+=(build/meson-logs/packaging-packages.json)
  rm -f build/meson-logs/packaging-packages.json
  meson test -C build --setup packages --suite packaging --print-errorlogs --num-processes "$jobs" \
    --logbase packaging || status=1
fi

# One closing line over every run, from meson's own test logs.
python3 - "${logs[@]}" <<'PY'
import json, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    try:
        with open(path) as log:
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
