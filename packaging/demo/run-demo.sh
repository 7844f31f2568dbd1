#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The freebox-cqm demo (README quick start): installs the missing Debian
# packages (as root, or through sudo for another user), builds what the demo
# runs with meson, then hands over to packaging/demo/demo.py, which runs the
# stack in the foreground until Ctrl-C. packaging/demo/README.md explains it.
#
#   bash packaging/demo/run-demo.sh [--no-build] [--build-dir DIR] [demo options]
#
# Every option but --no-build and --build-dir goes to demo.py (--help lists them).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build_dir=""
no_build=0
demo_args=()
while [ $# -gt 0 ]; do
  case $1 in
  --no-build) no_build=1 ;;
  --build-dir)
    if [ $# -lt 2 ] || [ -z "$2" ]; then
      echo "run-demo: --build-dir needs a directory (try --help)" >&2
      exit 2
    fi
    build_dir=$2
    shift
    ;;
  --build-dir=*) build_dir=${1#*=} ;;
  -h | --help)
    cat <<'EOF'
usage: bash packaging/demo/run-demo.sh [--no-build] [--build-dir DIR] [demo options]

  --no-build        install and build nothing: run the programs already built
                    (FBCQM_* variables of the meson test environment, else the build directory)
  --build-dir DIR   meson build directory (default: build/ if configured, else build-demo/)

Demo options (packaging/demo/demo.py):
EOF
    python3 "$repo/packaging/demo/demo.py" --help | sed -n '/^options:/,$p'
    exit 0
    ;;
  *) demo_args+=("$1") ;;
  esac
  shift
done

if [ -z "$build_dir" ]; then
  if [ -f "$repo/build/build.ninja" ]; then build_dir=$repo/build; else build_dir=$repo/build-demo; fi
fi

if [ $no_build = 0 ]; then
  echo "==> installing missing Debian packages (tests/install-deps.sh; sudo when not root)"
  # As root this needs no sudo (a fresh Debian has none); as a user, install-deps.sh uses sudo.
  bash "$repo/tests/install-deps.sh"

  echo "==> building with meson in $build_dir"
  if [ ! -f "$build_dir/build.ninja" ]; then
    meson setup "$build_dir" "$repo" -Dtests=false >/dev/null
  fi
  # Only what the demo runs; the exporter and cqm_ping when this tree has them.
  targets=(plugins/freebox/freebox plugins/write_cqm/write_cqm plugins/freebox/sim/freebox-sim
    cqm-exporter/cqm-store/cqm-store)
  [ ! -f "$repo/plugins/cqm_ping/meson.build" ] || targets+=(plugins/cqm_ping/cqm_ping)
  [ ! -f "$repo/cqm-exporter/server/meson.build" ] || targets+=(cqm-exporter/cqm-exporter)
  meson compile -C "$build_dir" "${targets[@]}"
fi

exec python3 "$repo/packaging/demo/demo.py" --build-dir "$build_dir" "${demo_args[@]}"
