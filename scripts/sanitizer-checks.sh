#!/usr/bin/env bash
# The native core under ASan+UBSan: its ctest, then the libFuzzer targets (index loaders,
# preprocessing, tokenizer) for CLIPSCOPE_FUZZ_SECONDS each (12 unless set), two at a time.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds=${CLIPSCOPE_FUZZ_SECONDS:-12}

echo "-- ASan+UBSan: build and ctest"
cmake --preset native-asan >/dev/null
cmake --build --preset native-asan
ctest --preset native-asan --parallel 2

echo "-- fuzzers under ASan+UBSan (libFuzzer, ${fuzz_seconds}s each)"
cmake --preset native-fuzz >/dev/null
cmake --build --preset native-fuzz
fuzz() {
  local target=$1
  rm -rf "build/fuzz-corpus/$target" && mkdir -p "build/fuzz-corpus/$target"
  cp tests/fuzz/corpus/"$target"/* "build/fuzz-corpus/$target/"
  build/native-fuzz/tests/fuzz/${target}_fuzzer -max_total_time="$fuzz_seconds" -rss_limit_mb=4096 \
    -timeout=10 "build/fuzz-corpus/$target" >"build/fuzz-corpus/$target.log" 2>&1
}
# Each fuzzer is one process on one core: two run at a time, and a finding fails the script.
for pair in "index_loader ivf_loader" "preprocess tokenizer"; do
  declare -A pid=()
  for target in $pair; do
    fuzz "$target" &
    pid[$target]=$!
  done
  for target in $pair; do
    if wait "${pid[$target]}"; then
      echo "-- $target" && tail -n 2 "build/fuzz-corpus/$target.log"
    else
      echo "-- $target FOUND A PROBLEM" && tail -n 40 "build/fuzz-corpus/$target.log" && exit 1
    fi
  done
done
