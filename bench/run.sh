#!/usr/bin/env bash
# Runs the benchmarks (not tests): clipscope against its peers in one run, and writes their
# sections of bench/RESULTS.md.
# Usage: npm run bench [-- index|threads|approximate|kmeans|kmeans-scale|near-duplicates|layout|demo-scale|preprocess|pipeline|variants|engines [options]]
#        npm run bench -- smoke [OUT.md]   (every benchmark on tiny sizes, to OUT.md, then checks every section)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-packages.sh
# The tests' packages: numpy, faiss, scikit-learn, Pillow, OpenBLAS (without it numpy and faiss
# fall back to the reference BLAS, 10x slower), python3-onnx and Chromium.
require_packages test "for the benchmarks"

bash scripts/build.sh >/dev/null
cmake --preset native-release >/dev/null
cmake --build --preset native-release --target clipscope_bench clipscope_kmeans_bench clipscope_preprocess_bench >/dev/null
# onnxruntime-node (a dependency of @huggingface/transformers) downloads from a host outside
# the npm registry at install; the benchmarks only use the WASM backend.
(cd bench && { [ -d node_modules ] || ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund; })

which=${1:-all}
[ $# -gt 0 ] && shift
run() { node --max-old-space-size=8192 "bench/$1.mjs" --out bench/RESULTS.md "${@:2}"; }
# Embeddings of the same files in Chromium, Firefox and WebKit (a measurement, with the
# ViT-B/32-shaped model and the format fixtures).
engines_measure() {
  /usr/bin/python3 tests/reference/make_format_fixtures.py build/reference/formats
  [ -f bench/data/models/clip-vit-b32-random/onnx/vision_model.onnx ] ||
    /usr/bin/python3 models/generate_test_models.py bench/data/models --vit-b32
  npx vite build --config tests/e2e/app/vite.config.ts --logLevel warn
  npx vitest run --config bench/engines/vitest.config.ts
}
case "$which" in
  index) run index-search "$@" ;;
  threads) run threads "$@" ;;
  approximate) run approximate "$@" ;;
  kmeans) run kmeans "$@" ;;
  kmeans-scale) run kmeans-scale "$@" ;;
  preprocess) run preprocess "$@" ;;
  near-duplicates) run near-duplicates "$@" ;;
  layout) run layout "$@" ;;
  demo-scale) npx tsc -p web/tsconfig.json && npx vite build --config web/vite.config.ts --logLevel warn && run demo-scale "$@" ;;
  pipeline) run clip-pipeline "$@" ;;
  variants) run model-variants "$@" ;;
  engines) engines_measure ;;
  all) run index-search && run approximate && run kmeans && run near-duplicates && run layout && run preprocess && run clip-pipeline && run model-variants && engines_measure &&
    node bench/chart.mjs --results bench/RESULTS.md --out bench/results.svg ;;
  smoke)
    out=${1:-build/bench-smoke/RESULTS.md}
    mkdir -p "$(dirname "$out")" && rm -f "$out"
    [ -f build/models/clip-tiny-variants/onnx/vision_model_fp16.onnx ] || /usr/bin/python3 models/generate_test_models.py build/models >/dev/null
    node bench/index-search.mjs --sizes 500 --queries 5 --runs 1 --out "$out"
    node bench/threads.mjs --size 500 --queries 5 --runs 1 --out "$out"
    node bench/approximate.mjs --sizes 1000 --queries 5 --runs 1 --hnsw-size 1000 --out "$out"
    node bench/kmeans.mjs --sizes 600 --ks 4 --runs 1 --out "$out"
    node bench/kmeans-scale.mjs --sizes 1000 --k 50 --runs 1 --out "$out"
    node bench/near-duplicates.mjs --sizes 300,600 --exact-limit 300 --runs 1 --out "$out"
    node bench/layout.mjs --size 300 --large 400 --runs 1 --out "$out"
    node bench/preprocess.mjs --sizes 64x48 --runs 1 --out "$out"
    node bench/clip-pipeline.mjs --images 4 --runs 1 --batch 2 --models-dir build/models --model clip-tiny --out "$out"
    node bench/model-variants.mjs --images 1 --webgpu-images 0 --runs 1 --batch 1 --models-dir build/models --model clip-tiny-variants --out "$out"
    node bench/chart.mjs --results "$out" --out "${out%.md}.svg"
    node bench/check-smoke.mjs "$out" "${out%.md}.svg" ;;
  *) echo "unknown benchmark '$which': use index, threads, approximate, kmeans, kmeans-scale, near-duplicates, layout, demo-scale, preprocess, pipeline, variants, engines or smoke" >&2; exit 2 ;;
esac
