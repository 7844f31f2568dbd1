#!/bin/bash
# Builds the Debian packages of freebox-cqm and checks them with lintian.
#
#   bash packaging/build-debs.sh [OUTDIR]      (default: build-deb/ in the source root)
#
# dpkg-buildpackage wants debian/ at the top of the source tree; the project
# keeps it in packaging/debian. This script copies the source tree (files git
# tracks, plus new files not ignored: uncommitted work is packaged too) to
# OUTDIR/freebox-cqm-VERSION/, copies packaging/debian there as debian/, and
# runs `dpkg-buildpackage -us -uc -b` in it. The .deb files land in OUTDIR.
# The copy's path never changes, so ccache (which meson picks up) serves a
# rebuild. Missing build dependencies are installed from debian/control
# (apt-get build-dep) when running as root or with sudo.
#
# Exit status: 0 built and lintian-clean (no error), 1 otherwise.
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$src/build-deb}" && cd "${1:-$src/build-deb}" && pwd)
version=$(dpkg-parsechangelog -l "$src/packaging/debian/changelog" -S Version)
tree="$out/freebox-cqm-$version"

echo "build-debs: copying the source tree to $tree"
rm -rf "$tree"
mkdir -p "$tree"
if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  # Tracked and new files; a tracked file deleted in the work tree is skipped.
  git -C "$src" ls-files -z --cached --others --exclude-standard |
    while IFS= read -r -d '' file; do
      [ -e "$src/$file" ] && printf '%s\0' "$file"
    done |
    tar -C "$src" --null --no-recursion -T - -cf - | tar -C "$tree" -xf -
else
  tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$tree" -xf -
fi
rm -rf "$tree/debian"
cp -a "$src/packaging/debian" "$tree/debian"
rm -f "$out"/*.deb "$out"/*.changes "$out"/*.buildinfo

cd "$tree"
if ! dpkg-checkbuilddeps >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "build-debs: installing the build dependencies of debian/control"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get build-dep -y -q --no-install-recommends "$tree"
fi

# debhelper gives the build a private HOME: point ccache at the usual cache.
if [ -z "${CCACHE_DIR:-}" ] && command -v ccache >/dev/null; then
  export CCACHE_DIR="$(ccache -k cache_dir)"
fi
export DEB_BUILD_OPTIONS="nocheck parallel=$(nproc 2>/dev/null || echo 2) ${DEB_BUILD_OPTIONS:-}"
dpkg-buildpackage -us -uc -b

cd "$out"
changes=$(ls freebox-cqm_"$version"_*.changes)
echo "build-debs: built $(ls ./*.deb | tr '\n' ' ')"
# Errors fail the build; each warning is justified in packaging/README.md
# (the packaging-lintian test checks that list).
lintian --fail-on error --display-info "$changes"
