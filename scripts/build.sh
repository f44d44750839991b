#!/usr/bin/env bash
# Builds the npm package into dist/: the WASM core (emscripten), the TypeScript API and the
# Node addon.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-packages.sh
require_packages build "to build the WASM package"
ensure_node_modules

cmake --preset wasm-release >/dev/null
cmake --build --preset wasm-release
mkdir -p dist/wasm
cp build/wasm-release/bindings/clipscope-core.mjs build/wasm-release/bindings/clipscope-core.wasm \
  build/wasm-release/bindings/clipscope-core-threads.mjs build/wasm-release/bindings/clipscope-core-threads.wasm \
  lib/wasm/clipscope-core.d.mts lib/wasm/clipscope-core-threads.d.mts dist/wasm/
npx tsc -p tsconfig.json
# The Node addon: JPEG decoding and PNG inflation with the system libjpeg-turbo and zlib (N-API,
# so one build serves every Node version).
mkdir -p dist/native
gcc -std=c11 -O2 -Wall -Wextra -Werror -shared -fPIC -DNAPI_VERSION=8 -I node_modules/node-api-headers/include \
  addons/*.c -ljpeg -lz -lpthread -o dist/native/clipscope-node.node
