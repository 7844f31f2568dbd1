#!/bin/bash
# Builds the URL-parser fuzz target with clang (libFuzzer + address +
# undefined sanitizers, straight from the request/ sources: the main build is
# gcc) and runs it for a bounded time from the seed corpus. Exit status: 0
# when nothing was found, 1 on a crash, hang or sanitizer report (the input is
# saved in WORK_DIR/artifacts), 77 (meson: skipped) without a usable clang.
# libFuzzer itself exits 77 on a crash by default, which meson would read as
# "skipped": hence -error_exitcode=1.
#
#   run-fuzz.sh SOURCE_ROOT WORK_DIR SECONDS
set -euo pipefail
root=$1 work=$2 seconds=$3
here=$root/cqm-exporter/tests/fuzz
mkdir -p "$work"

clang=$(command -v clang++ || true)
if [ -z "$clang" ]; then
  echo "clang++ not found: skipped (apt-get install clang libclang-rt-14-dev)"
  exit 77
fi
if ! echo 'extern "C" int LLVMFuzzerTestOneInput(const char *, unsigned long) { return 0; }' |
    "$clang" -x c++ -fsanitize=fuzzer,address,undefined -o "$work/probe" - 2>"$work/probe.log"; then
  echo "clang++ cannot build libFuzzer targets (libclang-rt missing?): skipped"
  cat "$work/probe.log"
  exit 77
fi

sources=(
  "$here/fuzz_cqm_request.cpp"
  "$root/cqm-exporter/request/cqm_request.cpp"
  "$root/cqm-exporter/request/graph_options.cpp"
  "$root/cqm-exporter/request/percent_decoding.cpp"
  "$root/cqm-exporter/request/sample_range.cpp"
  "$root/common/cqm/cqm_time.cpp"
  "$root/common/cqm/graph_name.cpp"
  "$root/common/crypto/digest.cpp"
)
binary=$work/fuzz-cqm-request
# Rebuild only when a source or header changed since the last build.
if [ ! -x "$binary" ] || [ -n "$(find "$root/cqm-exporter/request" "$root/common/cqm" "$root/common/crypto" \
    "$root/common/util" "$here" -newer "$binary" -name '*.[ch]*' -print -quit)" ]; then
  launcher=$(command -v ccache || true)
  echo "building $binary"
  $launcher "$clang" -std=c++17 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -I"$root/common" -I"$root/cqm-exporter" "${sources[@]}" -lcrypto -o "$binary"
fi

# A scratch corpus, so new inputs never land in the source tree.
rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
# A fixed zone, so date arithmetic is the same on every machine.
export TZ=Europe/London
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
status=0
"$binary" -max_total_time="$seconds" -timeout=10 -error_exitcode=1 -timeout_exitcode=1 -rss_limit_mb=2048 -max_len=9000 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$work/corpus" "$here/corpus" >"$work/fuzz.log" 2>&1 || status=$?
grep -E '^(INFO: seed corpus|#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec)' \
  "$work/fuzz.log" || true
if [ "$status" -ne 0 ]; then
  echo "fuzzer failed (exit $status); its log ends:"
  tail -n 40 "$work/fuzz.log"
fi
exit "$status"
