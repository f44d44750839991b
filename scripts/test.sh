#!/usr/bin/env bash
# Every test: native C++ (release and ASan+UBSan), a short loader fuzz run, then the WASM
# package with Vitest (Node) and the demo page in Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-tools.sh
require_tools cmake:cmake ninja:ninja-build g++:g++ clang++:clang emcc:emscripten node:nodejs \
  npm:npm chromium:chromium
require_file /usr/include/gtest/gtest.h libgtest-dev
require_file "$(clang++ -print-file-name=libclang_rt.fuzzer-x86_64.a)" libclang-rt-14-dev
require_file /usr/lib/python3/dist-packages/sklearn python3-sklearn
require_file /usr/lib/python3/dist-packages/numpy python3-numpy
require_file /usr/lib/python3/dist-packages/PIL python3-pil
require_file /usr/lib/python3/dist-packages/regex python3-regex
require_file /usr/share/unicode/UnicodeData.txt unicode-data
require_file /usr/lib/python3/dist-packages/onnx python3-onnx
require_file /usr/lib/python3/dist-packages/faiss python3-faiss
require_file /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 libopenblas0-pthread
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
