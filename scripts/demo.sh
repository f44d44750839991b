#!/usr/bin/env bash
# Builds the package and the demo page, then serves it on localhost and prints its URL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-tools.sh
require_file /usr/lib/python3/dist-packages/onnx python3-onnx
require_file /usr/lib/python3/dist-packages/PIL python3-pil
bash scripts/build.sh
bash scripts/prepare-demo-assets.sh
npx vite build --config web/vite.config.ts --logLevel warn
exec npx vite preview --config web/vite.config.ts
