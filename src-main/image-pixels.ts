// Decoded pixels to (1, 3, H, W) or (1, 1, H, W) tensors in [0, 1], converted as PIL's
// Image.convert('RGB') / convert('L') does, so the values equal torchvision's to_tensor of them:
//   gray → RGB: the gray value in all three channels.
//   RGB → gray: ITU-R 601-2 luma with PIL's integer rounding,
//               L = (R·19595 + G·38470 + B·7471 + 0x8000) >> 16   (weights 0.299, 0.587, 0.114).
//   CMYK → RGB: PIL's formula, R = (255 − K) − C·(255 − K)/255 rounded as PIL rounds, no profile.
// 16-bit samples (PNG) are divided by 65535 instead of being cut to 8 bits; their gray from RGB
// uses the same weights without rounding: (R·19595 + G·38470 + B·7471) / 65536 / 65535.

import type { Tensor } from '../core/tensor'

export type Bands = 'gray' | 'rgb' | 'cmyk'

export interface Pixels {
  /** Interleaved samples, row-major, top row first: 8-bit (Uint8Array) or 16-bit (Uint16Array). */
  samples: Uint8Array | Uint16Array
  width: number
  height: number
  /** Samples per pixel: 1 (gray), 3 (RGB) or 4 (CMYK). */
  channels: number
  bands: Bands
}

/** PIL's rounded a·b/255 for bytes (MULDIV255 in Pillow's Convert.c). */
function mulDiv255(a: number, b: number): number {
  const product = a * b + 128
  return ((product >> 8) + product) >> 8
}

/** PIL's CMYK → RGB for one pixel's ink amounts (0 = no ink). */
function cmykToRgb(c: number, m: number, y: number, k: number, out: number[]): void {
  const white = 255 - k
  out[0] = Math.max(0, white - mulDiv255(c, white))
  out[1] = Math.max(0, white - mulDiv255(m, white))
  out[2] = Math.max(0, white - mulDiv255(y, white))
}

/** R, G, B of pixel p in the samples' own scale (0..255 or 0..65535). */
function rgbReader(pixels: Pixels): (p: number, out: number[]) => void {
  const { samples, channels, bands } = pixels
  if (bands === 'gray') return (p, out) => out.fill(samples[p * channels], 0, 3)
  if (bands === 'cmyk') {
    return (p, out) => cmykToRgb(samples[p * channels], samples[p * channels + 1], samples[p * channels + 2], samples[p * channels + 3], out)
  }
  return (p, out) => {
    out[0] = samples[p * channels]
    out[1] = samples[p * channels + 1]
    out[2] = samples[p * channels + 2]
  }
}

const fullScale = (pixels: Pixels): number => (pixels.samples instanceof Uint16Array ? 65535 : 255)

export function toRgbTensor(pixels: Pixels): Tensor {
  const { width, height } = pixels
  const plane = width * height
  const scale = fullScale(pixels)
  const read = rgbReader(pixels)
  const rgb = [0, 0, 0]
  const data = new Float64Array(3 * plane)
  for (let p = 0; p < plane; p++) {
    read(p, rgb)
    data[p] = rgb[0] / scale
    data[plane + p] = rgb[1] / scale
    data[2 * plane + p] = rgb[2] / scale
  }
  return { shape: [1, 3, height, width], data }
}

export function toGrayTensor(pixels: Pixels): Tensor {
  const { width, height, samples, channels } = pixels
  const plane = width * height
  const scale = fullScale(pixels)
  const data = new Float64Array(plane)
  if (pixels.bands === 'gray') {
    // A gray source is exactly v / 255 (or v / 65535): no round trip through RGB.
    for (let p = 0; p < plane; p++) data[p] = samples[p * channels] / scale
    return { shape: [1, 1, height, width], data }
  }
  const read = rgbReader(pixels)
  const rgb = [0, 0, 0]
  for (let p = 0; p < plane; p++) {
    read(p, rgb)
    const weighted = rgb[0] * 19595 + rgb[1] * 38470 + rgb[2] * 7471
    data[p] = (scale === 255 ? Math.floor((weighted + 0x8000) / 65536) : weighted / 65536) / scale
  }
  return { shape: [1, 1, height, width], data }
}
