"""Reference outputs of the CLIPImageProcessor pipeline (its PIL path), computed with Pillow
and numpy step by step as transformers does them, for the preprocessing tests.

Usage: make_preprocess_refs.py OUT_DIR   (npm test runs it; Debian python3-pil, python3-numpy)
Each case file holds the input pixels, the config, the 8-bit image after resize and crop, and
the float32 CHW tensor. Small inputs are also written as PNG for the decoder tests.
"""
import math
import os
import sys

import numpy as np
from PIL import Image

from named_arrays import write_arrays

CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073]
CLIP_STD = [0.26862954, 0.26130258, 0.27577711]

CONFIGS = {
    # openai/clip-vit-base-patch32's preprocessor_config.json
    "clip": dict(shortest_edge=224, resize_hw=(0, 0), resample=Image.BICUBIC, crop_hw=(224, 224),
                 rescale=1 / 255, mean=CLIP_MEAN, std=CLIP_STD),
    "clip-bilinear": dict(shortest_edge=224, resize_hw=(0, 0), resample=Image.BILINEAR, crop_hw=(224, 224),
                          rescale=1 / 255, mean=CLIP_MEAN, std=CLIP_STD),
    # SigLIP-style: resize to exactly height x width, no crop
    "siglip": dict(shortest_edge=0, resize_hw=(224, 224), resample=Image.BILINEAR, crop_hw=(0, 0),
                   rescale=1 / 255, mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5]),
    # a crop larger than the resized image: transformers pads with zeros
    "crop-pads": dict(shortest_edge=64, resize_hw=(0, 0), resample=Image.BICUBIC, crop_hw=(96, 80),
                      rescale=1 / 255, mean=CLIP_MEAN, std=CLIP_STD),
}

CASES = [  # (name, width, height, mode, configs, write png)
    ("1x1", 1, 1, "RGB", ["clip", "siglip"], True),
    ("2x300", 2, 300, "RGB", ["clip", "clip-bilinear"], True),
    ("300x2", 300, 2, "RGB", ["clip", "clip-bilinear"], True),
    ("224x224", 224, 224, "RGB", ["clip", "siglip"], True),
    ("225x224", 225, 224, "RGB", ["clip", "clip-bilinear"], True),
    ("223x225", 223, 225, "RGB", ["clip", "clip-bilinear", "crop-pads"], True),
    ("640x480", 640, 480, "RGB", ["clip", "clip-bilinear", "siglip", "crop-pads"], True),
    ("1920x1080", 1920, 1080, "RGB", ["clip", "clip-bilinear"], False),
    ("4000x3000", 4000, 3000, "RGB", ["clip"], False),
    ("gray-333x250", 333, 250, "L", ["clip", "siglip"], True),
    ("rgba-257x199", 257, 199, "RGBA", ["clip", "clip-bilinear"], True),
]


def synthetic_image(width, height, mode, seed, noise=40):
    """Gradients, a hard edge and noise: every filter tap and the clipping get exercised."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    base = np.stack([
        255 * x / max(width - 1, 1),
        255 * y / max(height - 1, 1),
        255 * ((x + y) % 64 < 32),
    ], axis=-1)
    noisy = np.clip(base + rng.normal(0, noise, base.shape), 0, 255).astype(np.uint8)
    if mode == "L":
        return noisy[..., 0]
    if mode == "RGBA":
        alpha = rng.randint(0, 256, (height, width, 1)).astype(np.uint8)
        return np.concatenate([noisy, alpha], axis=-1)
    return noisy


def resize_output_size(width, height, cfg):
    """transformers' get_resize_output_image_size (default_to_square=False) or exact size."""
    if cfg["shortest_edge"]:
        short, long = (width, height) if width <= height else (height, width)
        new_short, new_long = cfg["shortest_edge"], int(cfg["shortest_edge"] * long / short)
        return (new_short, new_long) if width <= height else (new_long, new_short)
    return cfg["resize_hw"][1], cfg["resize_hw"][0]


def center_crop(image, crop_h, crop_w):
    """transformers' center_crop on an HWC array, zero padding included."""
    orig_h, orig_w = image.shape[:2]
    top, left = (orig_h - crop_h) // 2, (orig_w - crop_w) // 2
    bottom, right = top + crop_h, left + crop_w
    if top >= 0 and bottom <= orig_h and left >= 0 and right <= orig_w:
        return image[top:bottom, left:right]
    new_h, new_w = max(crop_h, orig_h), max(crop_w, orig_w)
    padded = np.zeros((new_h, new_w) + image.shape[2:], dtype=image.dtype)
    top_pad, left_pad = math.ceil((new_h - orig_h) / 2), math.ceil((new_w - orig_w) / 2)
    padded[top_pad:top_pad + orig_h, left_pad:left_pad + orig_w] = image
    top, bottom, left, right = top + top_pad, bottom + top_pad, left + left_pad, right + left_pad
    return padded[max(0, top):min(new_h, bottom), max(0, left):min(new_w, right)]


def preprocess(pixels, cfg):
    image = Image.fromarray(pixels).convert("RGB")  # do_convert_rgb
    width, height = resize_output_size(image.width, image.height, cfg)
    if (width, height) != image.size:
        image = image.resize((width, height), resample=cfg["resample"])
    array = np.array(image)
    if cfg["crop_hw"][0]:
        array = center_crop(array, *cfg["crop_hw"])
    rescaled = (array * cfg["rescale"]).astype(np.float32)  # rescale: float64 product, to float32
    mean, std = np.array(cfg["mean"], np.float32), np.array(cfg["std"], np.float32)
    normalised = (rescaled - mean) / std  # normalize in float32
    return array, normalised.transpose(2, 0, 1)


def write_oriented_jpeg(out):
    """A JPEG whose EXIF says "rotate 90° clockwise" (orientation 6), and the pixels PIL reads
    after exif_transpose (what transformers' load_image does)."""
    pixels = synthetic_image(64, 48, "RGB", 99, noise=0)  # smooth: JPEG decoders then agree
    pixels[:8, :8] = [255, 0, 0]  # a red corner shows where the top-left ends up
    exif = Image.Exif()
    exif[0x0112] = 6
    path = os.path.join(out, "oriented-6.jpg")
    Image.fromarray(pixels).save(path, quality=95, exif=exif.tobytes())
    from PIL import ImageOps
    with Image.open(path) as image:
        upright = np.array(ImageOps.exif_transpose(image).convert("RGB"))
    write_arrays(os.path.join(out, "oriented-6.jpg.arrays"), pixels=upright)


def write_png_kinds(out):
    """PNGs of every color type, bit depth and interlacing, with the RGB pixels PIL gives."""
    rgb = synthetic_image(37, 23, "RGB", 7)
    gray = rgb[..., 0]
    kinds = {
        "gray8": Image.fromarray(gray),
        "gray1": Image.fromarray(gray).convert("1"),
        "gray-alpha": Image.fromarray(np.stack([gray, rgb[..., 1]], -1), "LA"),
        "rgb": Image.fromarray(rgb),
        "rgba": Image.fromarray(np.concatenate([rgb, rgb[..., :1]], -1), "RGBA"),
        "palette": Image.fromarray(rgb).quantize(colors=50),
        "rgb16": Image.fromarray(rgb),  # saved with 16 bits below
    }
    for name, image in kinds.items():
        path = os.path.join(out, f"kind-{name}.png")
        if name == "rgb16":
            save_rgb16(path, rgb)
        else:
            image.save(path, interlace=name == "rgb" and 0)
        with Image.open(path) as saved:
            write_arrays(path + ".arrays", pixels=np.array(saved.convert("RGB")))
    interlaced = os.path.join(out, "kind-interlaced.png")
    write_adam7(interlaced, rgb)
    with Image.open(interlaced) as saved:
        write_arrays(interlaced + ".arrays", pixels=np.array(saved.convert("RGB")))


def png_chunk(kind, data):
    import struct
    import zlib
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def save_rgb16(path, rgb):
    """16-bit RGB: each 8-bit value v stored as v * 257 + noise in the low byte."""
    import struct
    import zlib
    h, w, _ = rgb.shape
    wide = (rgb.astype(np.uint16) * 257 - (np.arange(rgb.size).reshape(rgb.shape) % 200).astype(np.uint16) % 257)
    rows = b"".join(b"\0" + wide[y].astype(">u2").tobytes() for y in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b""))


def write_adam7(path, rgb):
    """An Adam7-interlaced 8-bit RGB PNG (Pillow cannot write one), with Sub/Up filters."""
    import struct
    import zlib
    h, w, _ = rgb.shape
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        sub = rgb[y0::dy, x0::dx]
        prev = None
        for row in sub:
            line = row.astype(np.int16).ravel()
            if prev is None:  # Sub filter: difference to the pixel on the left
                filtered = (line - np.concatenate([np.zeros(3, np.int16), line[:-3]])) % 256
                raw += b"\x01" + filtered.astype(np.uint8).tobytes()
            else:  # Up filter: difference to the row above
                raw += b"\x02" + ((line - prev) % 256).astype(np.uint8).tobytes()
            prev = line
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 1)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    write_oriented_jpeg(out)
    write_png_kinds(out)
    for seed, (name, width, height, mode, configs, png) in enumerate(CASES):
        pixels = synthetic_image(width, height, mode, seed)
        if png:
            Image.fromarray(pixels).save(os.path.join(out, f"{name}.png"))
        for config in configs:
            cfg = CONFIGS[config]
            resized, tensor = preprocess(pixels, cfg)
            write_arrays(
                os.path.join(out, f"{name}--{config}.arrays"),
                input=pixels.reshape(height, width, -1),
                shortest_edge=np.array([cfg["shortest_edge"]], np.int32),
                resize_hw=np.array(cfg["resize_hw"], np.int32),
                resample=np.array([int(cfg["resample"])], np.int32),
                crop_hw=np.array(cfg["crop_hw"], np.int32),
                rescale=np.array([cfg["rescale"]], np.float64),
                mean=np.array(cfg["mean"], np.float32),
                std=np.array(cfg["std"], np.float32),
                pixels=resized,
                tensor=tensor.astype(np.float32),
            )


if __name__ == "__main__":
    main()
