#!/usr/bin/env bash
# Every test: native C++ (release and ASan+UBSan), the fuzzers for a bounded time each, the WASM
# package with Vitest in Node, then the browser suites and demo page in Chromium, Firefox and WebKit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-packages.sh
require_packages test "to build and run the tests"
ensure_node_modules

# Each step prints the seconds since the start, to show where the time goes.
step() { printf '\n== [%ss] %s\n' "$SECONDS" "$*"; }

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
ctest --preset native-release --parallel 2

step "native results for the WASM parity test"
rm -rf build/golden && mkdir -p build/golden
build/native-release/tests/cpp/clipscope_golden build/golden

step "WASM package and demo page"
bash scripts/build.sh
bash scripts/prepare-demo-assets.sh
npx tsc -p web/tsconfig.json
npx vite build --config web/vite.config.ts --logLevel warn
npx vite build --config tests/e2e/app/vite.config.ts --logLevel warn

# The sanitizer build and fuzzers run beside the Node suites, which mostly leave a core idle;
# the browser suites then run alone (beside other work their timing-bound steps time out).
step "ASan+UBSan ctest and fuzzers (log: build/sanitizer-checks.log), beside Vitest's Node suites"
bash scripts/sanitizer-checks.sh >build/sanitizer-checks.log 2>&1 &
sanitizers=$!
node_suites=0
npx vitest run tests/js || node_suites=$?
if wait "$sanitizers"; then
  grep -E "tests passed|^-- |^Done " build/sanitizer-checks.log
else
  tail -n 80 build/sanitizer-checks.log
  echo "ASan+UBSan ctest or a fuzzer failed: build/sanitizer-checks.log has the whole output"
  exit 1
fi
[ "$node_suites" = 0 ] || exit "$node_suites"

step "Vitest: the browser suites, pipeline and demo page in Chromium, Firefox and WebKit"
npx vitest run tests/e2e tests/consumer
step "all tests passed"
