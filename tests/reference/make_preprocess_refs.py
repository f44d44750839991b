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


def synthetic_image(width, height, mode, seed):
    """Gradients, a hard edge and noise: every filter tap and the clipping get exercised."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    base = np.stack([
        255 * x / max(width - 1, 1),
        255 * y / max(height - 1, 1),
        255 * ((x + y) % 64 < 32),
    ], axis=-1)
    noisy = np.clip(base + rng.normal(0, 40, base.shape), 0, 255).astype(np.uint8)
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


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
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
