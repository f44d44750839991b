#!/usr/bin/env bash
# Builds the package and the demo page, then serves it on localhost and prints its URL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/require-packages.sh
require_packages demo "to build and serve the demo"
bash scripts/build.sh
bash scripts/prepare-demo-assets.sh
npx vite build --config web/vite.config.ts --logLevel warn
exec npx vite preview --config web/vite.config.ts
