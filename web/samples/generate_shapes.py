"""Coloured shapes for the demo's sample set: four colour groups (red, green, blue, yellow) of
four images each, different shapes and sizes on a light background, that the bundled colour
test model separates. Deterministic.

Usage: generate_shapes.py OUT_DIR   (Debian python3-pil)
"""
import os
import random
import sys

from PIL import Image, ImageDraw

GROUPS = {"red": (215, 35, 35), "green": (40, 170, 60), "blue": (40, 70, 210), "yellow": (235, 205, 40)}
SHAPES = ["circle", "square", "triangle", "stripes"]


def shape_image(colour, shape, rng):
    width, height = rng.choice([(320, 240), (240, 320), (300, 300)])
    image = Image.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(image)
    darker = tuple(int(c * 0.6) for c in colour)
    box = (width * 0.2, height * 0.2, width * 0.8, height * 0.8)
    if shape == "circle":
        draw.ellipse(box, fill=darker)
    elif shape == "square":
        draw.rectangle(box, fill=darker)
    elif shape == "triangle":
        draw.polygon([(width / 2, height * 0.15), (width * 0.85, height * 0.85), (width * 0.15, height * 0.85)], fill=darker)
    else:
        for x in range(0, width, 40):
            draw.rectangle((x, 0, x + 15, height), fill=darker)
    return image


def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    rng = random.Random(7)
    for name, colour in GROUPS.items():
        for shape in SHAPES:
            shape_image(colour, shape, rng).save(os.path.join(out_dir, f"{name}-{shape}.png"))


if __name__ == "__main__":
    main()
