"""Images in every format the browsers may decode, with the pixels Pillow decodes from each.

Writes to the folder given: for each fixture the file and <file>.arrays holding Pillow's RGB
pixels. Lossless formats (PNG, GIF from a 200-colour image, BMP, lossless WebP, lossless AVIF
by avifenc) must decode to the source exactly; JPEGs (photo-like, three chroma subsamplings,
progressive, grayscale, restart markers by cjpeg, CMYK; small and large) show how close each
decoder comes to Pillow's (libjpeg-turbo);
TIFF is a format most browsers cannot decode. AVIF's reference is libavif's avifdec
(Pillow has no AVIF decoder here).
"""
import os
import subprocess
import sys

import numpy as np
from PIL import Image

from heif_transform import add_transformations, imir, irot
from named_arrays import write_arrays


def photo(width, height, seed):
    """Smooth gradients, soft blobs, an edge and sensor-like noise: what cameras produce."""
    rng = np.random.RandomState(seed)
    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    image = np.stack([
        120 + 100 * np.sin(x / 37.0 + seed),
        90 + 80 * np.cos(y / 23.0),
        140 + 90 * np.sin((x + y) / 51.0),
    ], axis=-1)
    for _ in range(6):
        cx, cy, r = rng.uniform(0, width), rng.uniform(0, height), rng.uniform(8, 40)
        blob = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * r * r))[..., None]
        image = image * (1 - blob) + rng.uniform(0, 255, 3) * blob
    image[:, width // 2:width // 2 + 2] = 250
    image += rng.normal(0, 6, image.shape)
    return np.clip(image, 0, 255).astype(np.uint8)


def palette_image(width, height):
    """At most 200 colours, so a GIF holds it exactly."""
    y, x = np.mgrid[0:height, 0:width]
    index = ((x // 3) * 7 + (y // 2) * 13) % 200
    colours = np.random.RandomState(5).randint(0, 256, (200, 3)).astype(np.uint8)
    return colours[index]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    lossless = photo(61, 47, 1)
    written = []

    def save(name, image, **options):
        path = os.path.join(out, name)
        image.save(path, **options)
        written.append(name)

    save("lossless.png", Image.fromarray(lossless))
    save("lossless.bmp", Image.fromarray(lossless))
    save("lossless.webp", Image.fromarray(lossless), lossless=True)
    save("lossless.tiff", Image.fromarray(lossless))
    save("palette.gif", Image.fromarray(palette_image(61, 47)).quantize(colors=256, dither=Image.Dither.NONE))
    # An animation: decoders give its first frame (the second is its mirror image).
    first = Image.fromarray(palette_image(61, 47)).quantize(colors=256, dither=Image.Dither.NONE)
    second = first.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    first.save(os.path.join(out, "animated.gif"), save_all=True, append_images=[second], duration=100, loop=0)
    written.append("animated.gif")
    # avifenc (libavif-bin): lossless is 4:4:4 with the identity matrix, so RGB survives exactly.
    subprocess.run(
        ["avifenc", "--lossless", "-j", "1", os.path.join(out, "lossless.png"), os.path.join(out, "lossless.avif")],
        check=True, stdout=subprocess.DEVNULL,
    )
    written.append("lossless.avif")

    # HEIC by Debian's heif-enc (x265) from known PNGs: 4:2:0 and 4:4:4, odd sizes, with alpha.
    # The reference is heif-convert's decode (libheif + libde265), as Pillow reads no HEIC here.
    rgba = np.concatenate([photo(45, 33, 4), np.tile(np.arange(45, dtype=np.uint8)[None, :, None] * 5, (33, 1, 1))], axis=-1)
    Image.fromarray(rgba).save(os.path.join(out, "rgba.png"))
    heics = {
        "heic-420.heic": ("lossless.png", []),
        "heic-444.heic": ("lossless.png", ["-p", "chroma=444"]),
        "heic-alpha.heic": ("rgba.png", []),
    }
    for name, (source, options) in heics.items():
        subprocess.run(["heif-enc", "-q", "90", *options, "-o", os.path.join(out, name), os.path.join(out, source)],
                       check=True, stdout=subprocess.DEVNULL)
        written.append(name)
    # A phone's rotated, mirrored photo: irot (90° counter-clockwise) and imir added to the file.
    for source, name in (("heic-420.heic", "heic-420-rotated.heic"), ("heic-444.heic", "heic-444-rotated.heic")):
        with open(os.path.join(out, source), "rb") as plain:
            turned = add_transformations(plain.read(), [irot(1), imir(0)])
        with open(os.path.join(out, name), "wb") as rotated:
            rotated.write(turned)
        written.append(name)

    picture = Image.fromarray(photo(320, 240, 2))
    for name, subsampling in (("420", 2), ("422", 1), ("444", 0)):
        save(f"photo-{name}.jpg", picture, quality=90, subsampling=subsampling)
    save("photo-progressive.jpg", picture, quality=90, progressive=True)
    save("photo-gray.jpg", picture.convert("L"), quality=90)
    save("photo-cmyk.jpg", picture.convert("CMYK"), quality=90)
    # Restart markers every MCU row: Pillow cannot write them, libjpeg-turbo's cjpeg can.
    def save_with_restarts(name, image):
        ppm = os.path.join(out, name + ".ppm")
        image.save(ppm)
        with open(os.path.join(out, name), "wb") as jpeg:
            subprocess.run(["cjpeg", "-quality", "90", "-restart", "1", ppm], check=True, stdout=jpeg)
        os.remove(ppm)
        written.append(name)

    save_with_restarts("photo-restart.jpg", picture)
    # Large enough (and of odd size) for Node's decoder to cut one image into two bands.
    large = Image.fromarray(photo(1001, 751, 5))
    for name, subsampling in (("420", 2), ("422", 1), ("444", 0)):
        save(f"large-{name}.jpg", large, quality=90, subsampling=subsampling)
    save("large-gray.jpg", large.convert("L"), quality=90)
    save("large-cmyk.jpg", large.convert("CMYK"), quality=90)
    save_with_restarts("large-restart.jpg", large)

    for name in written:
        path = os.path.join(out, name)
        if name.endswith(".avif"):
            # Pillow has no AVIF decoder here: libavif's own avifdec decodes it.
            decoded = path + ".png"
            subprocess.run(["avifdec", path, decoded], check=True, stdout=subprocess.DEVNULL)
            path = decoded
        if name.endswith(".heic"):
            decoded = path + ".png"
            subprocess.run(["heif-convert", path, decoded], check=True, stdout=subprocess.DEVNULL)
            path = decoded
        with Image.open(path) as image:
            pixels = np.asarray(image.convert("RGB"))
        if name.startswith("lossless"):
            assert np.array_equal(pixels, lossless), f"{name} is not lossless"
        write_arrays(os.path.join(out, f"{name}.arrays"), pixels=pixels)


if __name__ == "__main__":
    main()
