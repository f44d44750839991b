#!/usr/bin/env bash
# Assembles the demo's public folder (build/demo-public/): the bundled test model (the colour
# model of models/generate_test_models.py, so the page works with no network) and the sample
# photos (scripts/fetch-sample-photos.sh), with an index of the sample files.
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/demo-public
[ -f build/models/clip-colors/onnx/vision_model.onnx ] || /usr/bin/python3 models/generate_test_models.py build/models >/dev/null
[ -f build/samples/manifest.json ] || bash scripts/fetch-sample-photos.sh
rm -rf "$out"
mkdir -p "$out/models" "$out/samples"
cp -r build/models/clip-colors "$out/models/clip-test"
cp -r build/samples/photos build/samples/shapes build/samples/manifest.json "$out/samples/"
(cd "$out/samples" && find photos shapes -type f \( -name '*.jpg' -o -name '*.png' \) | sort \
  | /usr/bin/python3 -c 'import json, sys; print(json.dumps([l.strip() for l in sys.stdin]))' > index.json)
