#!/usr/bin/env bash
# Every test: native C++ (release and ASan+UBSan), the fuzzers for a bounded time each, then the WASM
# package with Vitest (Node) and the browser suites and demo page in Chromium, Firefox and WebKit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-packages.sh
require_packages test "to build and run the tests"
ensure_node_modules
fuzz_seconds=${CLIPSCOPE_FUZZ_SECONDS:-12}

step() { printf '\n== %s\n' "$*"; }

step "formatting (clang-format, Prettier) and lint (ESLint)"
npm run --silent lint

step "reference results from scikit-learn, Pillow, numpy and CLIP's tokenizer"
/usr/bin/python3 tests/reference/make_clustering_refs.py build/reference/clustering
/usr/bin/python3 tests/reference/make_preprocess_refs.py build/reference/preprocess
/usr/bin/python3 tests/reference/make_format_fixtures.py build/reference/formats
/usr/bin/python3 tests/reference/clip_tokenizer_reference.py build/reference/tokenizer

step "test models (python3-onnx)"
/usr/bin/python3 models/generate_test_models.py build/models

step "native release: build and ctest"
cmake --preset native-release >/dev/null
cmake --build --preset native-release
ctest --preset native-release

step "native ASan+UBSan: build and ctest"
cmake --preset native-asan >/dev/null
cmake --build --preset native-asan
ctest --preset native-asan

step "native results for the WASM parity test"
rm -rf build/golden && mkdir -p build/golden
build/native-release/tests/cpp/clipscope_golden build/golden

step "fuzzers under ASan+UBSan (libFuzzer, ${fuzz_seconds}s each): index loaders, preprocessing, tokenizer"
cmake --preset native-fuzz >/dev/null
cmake --build --preset native-fuzz
for target in index_loader ivf_loader preprocess tokenizer; do
  rm -rf "build/fuzz-corpus/$target" && mkdir -p "build/fuzz-corpus/$target"
  cp tests/fuzz/corpus/"$target"/* "build/fuzz-corpus/$target/"
  echo "-- $target"
  build/native-fuzz/tests/fuzz/${target}_fuzzer -max_total_time="$fuzz_seconds" -rss_limit_mb=4096 \
    -timeout=10 "build/fuzz-corpus/$target" 2>&1 | tail -n 2
done

step "WASM package and demo page"
bash scripts/build.sh
bash scripts/prepare-demo-assets.sh
npx tsc -p web/tsconfig.json
npx vite build --config web/vite.config.ts --logLevel warn
npx vite build --config tests/e2e/app/vite.config.ts --logLevel warn

step "Vitest: package in Node, parity with native, pipeline and demo page in Chromium, Firefox and WebKit"
npx vitest run
