"""Pillow on the preprocessing benchmark: writes the test images and Pillow's reference
tensors, and times Pillow's decode and CLIP preprocessing (one thread).

Usage: pillow_preprocess.py OUT_DIR RUNS WxH [WxH ...]  -> prints JSON per size.
"""
import json
import os
import sys
import time

import numpy as np
from PIL import Image

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "reference"))
from make_preprocess_refs import CONFIGS, preprocess  # noqa: E402


def photo_like(width, height, seed):
    """Smooth shapes plus sensor-like noise: compresses like a photo, not like flat colour."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    img = np.zeros((height, width, 3), np.float32)
    for c in range(3):
        fx, fy, phase = rng.uniform(2, 9), rng.uniform(2, 9), rng.uniform(0, 6)
        img[..., c] = 128 + 90 * np.sin(fx * x / width * 6.28 + phase) * np.cos(fy * y / height * 6.28)
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def main():
    out, runs = sys.argv[1], int(sys.argv[2])
    os.makedirs(out, exist_ok=True)
    cfg = CONFIGS["clip"]
    results = {}
    for size in sys.argv[3:]:
        width, height = map(int, size.split("x"))
        pixels = photo_like(width, height, width)
        base = os.path.join(out, f"photo-{size}")
        Image.fromarray(pixels).save(base + ".png")
        Image.fromarray(pixels).save(base + ".jpg", quality=90)
        pixels.tofile(base + ".rgb")
        decode_png, decode_jpg, prep = [], [], []
        for _ in range(runs):
            start = time.perf_counter()
            with Image.open(base + ".png") as im:
                im.load()
            decode_png.append(time.perf_counter() - start)
            start = time.perf_counter()
            with Image.open(base + ".jpg") as im:
                im.load()
            decode_jpg.append(time.perf_counter() - start)
            start = time.perf_counter()
            _, tensor = preprocess(pixels, cfg)
            prep.append(time.perf_counter() - start)
        np.ascontiguousarray(tensor, dtype=np.float32).tofile(base + ".pillow.f32")
        results[size] = {"decodePng": decode_png, "decodeJpeg": decode_jpg, "preprocess": prep}
    results["version"] = Image.__version__
    print(json.dumps(results))


if __name__ == "__main__":
    main()
