#!/usr/bin/env bash
# Assembles the demo's sample set in build/samples/: the real photos listed in
# web/samples/manifest.json, read from their Debian packages (apt-get download + dpkg -x, nothing
# is installed) with each package's copyright file, plus the generated coloured shapes.
# Usage: scripts/fetch-sample-photos.sh   (idempotent; needs apt and python3-pil)
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/samples
mkdir -p "$out/photos" "$out/shapes"
/usr/bin/python3 web/samples/generate_shapes.py "$out/shapes"
cp web/samples/manifest.json "$out/manifest.json"

packages=$(/usr/bin/python3 -c 'import json; print(" ".join(sorted({p["package"] for p in json.load(open("web/samples/manifest.json"))["photos"]})))')
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for package in $packages; do
  if ls "$out/photos/$package.copyright" >/dev/null 2>&1; then continue; fi
  if ! (cd "$work" && apt-get download -qq "$package" >/dev/null 2>&1); then
    echo "clipscope: could not download the Debian package $package; its sample photos are left out" >&2
    continue
  fi
  dpkg -x "$work"/"${package}"_*.deb "$work/root"
  cp "$work/root/usr/share/doc/$package/copyright" "$out/photos/$package.copyright"
done
/usr/bin/python3 - "$work/root" "$out/photos" <<'PY'
import json, os, shutil, sys
root, out = sys.argv[1], sys.argv[2]
for photo in json.load(open("web/samples/manifest.json"))["photos"]:
    target = os.path.join(out, photo["file"])
    source = os.path.join(root, photo["path"])
    if not os.path.exists(target) and os.path.exists(source):
        shutil.copyfile(source, target)
PY
echo "sample set: $(ls "$out/photos" | grep -vc copyright) photos, $(ls "$out/shapes" | wc -l) shapes in $out"
