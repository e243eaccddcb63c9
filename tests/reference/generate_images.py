#!/usr/bin/python3
"""Images of every kind Convolab reads, and the tensors a PyTorch user gets from them.

Writes tests/reference/images/: small images (PNG 8/16-bit gray and RGB, RGBA, gray+alpha, palette
with and without transparency, JPEG RGB/gray/CMYK, EXIF-rotated JPEG, WebP lossless and lossy, GIF
with and without transparency, BMP) and, for each, the expected tensors as float64 .npy:

  <name>.rgb.npy  (1, 3, H, W) = to_tensor(Image.open(p).convert('RGB')), computed as
                  np.asarray(...) / 255 in float64 (to_tensor divides the same bytes by 255 in
                  float32; Convolab keeps float64)
  <name>.l.npy    (1, 1, H, W) = the same with convert('L') (Convolab's --grayscale / Grayscale)

The EXIF-rotated image is upright first (ImageOps.exif_transpose), as Convolab shows it.
Two documented exceptions, whose PIL tensors are kept as <name>.pil.rgb.npy / .pil.l.npy:
16-bit PNGs (PIL cuts 16-bit RGB to 8 bits and clips 16-bit gray to 255; Convolab keeps full
precision, v / 65535, gray from RGB with PIL's weights unrounded) and a GIF's fully transparent
pixels (black in Convolab, as libvips decodes them; PIL gives the palette's hidden colour).

Run: /usr/bin/python3 tests/reference/generate_images.py   (PIL 9.4 and numpy from Debian)
"""

import io
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

OUT = Path(__file__).resolve().parent / 'images'
H, W = 5, 7
rng = np.random.default_rng(20261201)


def chw(array):
    """(H, W) or (H, W, C) uint8 → (1, C, H, W) float64 in [0, 1]."""
    a = np.asarray(array, dtype=np.float64)
    if a.ndim == 2:
        a = a[:, :, None]
    return np.ascontiguousarray(a.transpose(2, 0, 1)[None] / 255.0)


def expect_pil(name, path, upright=False):
    def opened():
        image = Image.open(path)
        return ImageOps.exif_transpose(image) if upright else image

    np.save(OUT / f'{name}.rgb.npy', chw(opened().convert('RGB')))
    np.save(OUT / f'{name}.l.npy', chw(opened().convert('L')))


def png16(path, array):
    """A 16-bit PNG (gray (H, W) or RGB (H, W, 3)); PIL cannot write 16-bit RGB."""
    height, width = array.shape[:2]
    colour = 0 if array.ndim == 2 else 2
    rows = array.reshape(height, -1).astype('>u2').tobytes()
    stride = len(rows) // height
    raw = b''.join(b'\x00' + rows[y * stride:(y + 1) * stride] for y in range(height))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))

    header = struct.pack('>IIBBBBB', width, height, 16, colour, 0, 0, 0)
    path.write_bytes(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', header) + chunk(b'IDAT', zlib.compress(raw, 9)) + chunk(b'IEND', b''))


def expect_16bit(name, path, array):
    """Convolab's full-precision reading of a 16-bit PNG, and PIL's own for the record."""
    v = array.astype(np.float64)
    if array.ndim == 2:
        rgb = np.repeat(v[:, :, None], 3, axis=2) / 65535
        gray = v / 65535
    else:
        rgb = v / 65535
        gray = (v[:, :, 0] * 19595 + v[:, :, 1] * 38470 + v[:, :, 2] * 7471) / 65536 / 65535
    np.save(OUT / f'{name}.rgb.npy', np.ascontiguousarray(rgb.transpose(2, 0, 1)[None]))
    np.save(OUT / f'{name}.l.npy', np.ascontiguousarray(gray[None, None]))
    np.save(OUT / f'{name}.pil.rgb.npy', chw(Image.open(path).convert('RGB')))
    np.save(OUT / f'{name}.pil.l.npy', chw(Image.open(path).convert('L')))


def expect_gif_transparency(name, path):
    """Convolab's reading of a GIF with a transparent index, and PIL's own for the record.

    libvips decodes a GIF's fully transparent pixels as black, where PIL's convert('RGB') gives
    the colour the palette keeps at the transparent index (a colour the GIF never shows). Every
    other pixel is PIL's.
    """
    for kind in ('rgb', 'l'):
        (OUT / f'{name}.{kind}.npy').rename(OUT / f'{name}.pil.{kind}.npy')
    clear = np.asarray(Image.open(path).convert('RGBA'))[:, :, 3] == 0
    for kind, mode in (('rgb', 'RGB'), ('l', 'L')):
        a = np.asarray(Image.open(path).convert(mode)).copy()
        a[clear] = 0
        np.save(OUT / f'{name}.{kind}.npy', chw(a))


def main():
    OUT.mkdir(exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    rgb = rng.integers(0, 256, (H, W, 3), dtype=np.uint8)
    rgb[0, 0] = (0, 0, 0)
    rgb[0, 1] = (255, 255, 255)
    gray = rng.integers(0, 256, (H, W), dtype=np.uint8)
    gray[0, :2] = (0, 255)
    alpha = rng.integers(0, 256, (H, W), dtype=np.uint8)
    alpha[0, 0] = 0

    def save(name, image, **options):
        path = OUT / name
        image.save(path, **options)
        return path

    kinds = {
        'gray8.png': save('gray8.png', Image.fromarray(gray, 'L')),
        'rgb8.png': save('rgb8.png', Image.fromarray(rgb, 'RGB')),
        'rgba8.png': save('rgba8.png', Image.fromarray(np.dstack([rgb, alpha]), 'RGBA')),
        'gray-alpha.png': save('gray-alpha.png', Image.fromarray(np.dstack([gray, alpha]), 'LA')),
        'rgb.bmp': save('rgb.bmp', Image.fromarray(rgb, 'RGB')),
        'rgb-lossless.webp': save('rgb-lossless.webp', Image.fromarray(rgb, 'RGB'), lossless=True),
        'rgb-lossy.webp': save('rgb-lossy.webp', Image.fromarray(rgb, 'RGB'), quality=80),
        'rgb.jpg': save('rgb.jpg', Image.fromarray(rgb, 'RGB'), quality=90),
        'gray.jpg': save('gray.jpg', Image.fromarray(gray, 'L'), quality=90),
        'cmyk.jpg': save('cmyk.jpg', Image.fromarray(np.dstack([rgb, gray]), 'CMYK'), quality=90),
    }
    palette_image = Image.fromarray(rgb, 'RGB').quantize(colors=16, dither=Image.Dither.NONE)
    kinds['palette.png'] = save('palette.png', palette_image)
    kinds['palette-transparent.png'] = save('palette-transparent.png', palette_image, transparency=3)
    kinds['palette.gif'] = save('palette.gif', palette_image)
    kinds['palette-transparent.gif'] = save('palette-transparent.gif', palette_image, transparency=3)

    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to show
    kinds['exif-rotated.jpg'] = save('exif-rotated.jpg', Image.fromarray(rgb, 'RGB'), quality=90, exif=exif.tobytes())

    for name, path in kinds.items():
        expect_pil(name, path, upright=name == 'exif-rotated.jpg')
    expect_gif_transparency('palette-transparent.gif', kinds['palette-transparent.gif'])

    gray16 = rng.integers(0, 65536, (H, W), dtype=np.uint16)
    gray16[0, :2] = (0, 65535)
    rgb16 = rng.integers(0, 65536, (H, W, 3), dtype=np.uint16)
    rgb16[0, 0] = (0, 0, 0)
    rgb16[0, 1] = (65535, 65535, 65535)
    for name, array in (('gray16.png', gray16), ('rgb16.png', rgb16)):
        png16(OUT / name, array)
        expect_16bit(name, OUT / name, array)


if __name__ == '__main__':
    main()
