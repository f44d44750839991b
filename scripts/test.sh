#!/usr/bin/env bash
# Every test: native C++ (release and ASan+UBSan), a short loader fuzz run, then the WASM
# package with Vitest (Node) and the demo page in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-packages.sh
require_packages test "to build and run the tests"
ensure_node_modules
fuzz_seconds=${CLIPSCOPE_FUZZ_SECONDS:-30}

step() { printf '\n== %s\n' "$*"; }

step "reference results from scikit-learn, Pillow, numpy and CLIP's tokenizer"
/usr/bin/python3 tests/reference/make_clustering_refs.py build/reference/clustering
/usr/bin/python3 tests/reference/make_preprocess_refs.py build/reference/preprocess
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

step "index loader fuzzer (libFuzzer, ${fuzz_seconds}s)"
cmake --preset native-fuzz >/dev/null
cmake --build --preset native-fuzz
mkdir -p build/fuzz-corpus
cp build/golden/seed-*.bin build/fuzz-corpus/
build/native-fuzz/tests/fuzz/index_loader_fuzzer -max_total_time="$fuzz_seconds" build/fuzz-corpus \
  2>&1 | tail -n 3

step "WASM package and demo page"
bash scripts/build.sh
bash scripts/prepare-demo-assets.sh
npx tsc -p web/tsconfig.json
npx vite build --config web/vite.config.ts --logLevel warn
npx vite build --config tests/e2e/app/vite.config.ts --logLevel warn

step "Vitest: package in Node, parity with native, pipeline and demo page in Chromium"
npx vitest run
