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
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
  meson compile -C "$dir"
  meson test -C "$dir" --print-errorlogs --num-processes "$jobs"
}

run_suite build
if [ "${FBCQM_CHECK_SANITIZE:-1}" != "0" ]; then
  run_suite build-sanitize -Db_sanitize=address,undefined -Dbuildtype=debug
fi
