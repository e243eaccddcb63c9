// Drawing tools on one plane of an (N, C, H, W) input, as pure functions on arrays.

import { seededSource, uniformTensor } from '../../../../core/random'
import type { Tensor } from '../../../../core/tensor'

export type DrawTool = 'pointer' | 'brush' | 'eraser' | 'fill'

/** Offset of plane (n, c) in an NCHW tensor. */
export function planeOffset(shape: readonly number[], n: number, c: number): number {
  return (n * shape[1] + c) * shape[2] * shape[3]
}

/** Writes one value per channel at (r, c) of batch item n. Mutates and returns data. */
export function paintCell(input: Tensor, n: number, r: number, c: number, values: readonly number[]): void {
  const [, channels, height, width] = input.shape
  if (r < 0 || c < 0 || r >= height || c >= width) return
  for (let ch = 0; ch < channels; ch++) input.data[planeOffset(input.shape, n, ch) + r * width + c] = values[ch] ?? values[0]
}

/** Flood fill (4-connected) of the region of equal values around (r, c), all channels compared. */
export function floodFill(input: Tensor, n: number, r: number, c: number, values: readonly number[]): void {
  const [, channels, height, width] = input.shape
  if (r < 0 || c < 0 || r >= height || c >= width) return
  const offsets = Array.from({ length: channels }, (_, ch) => planeOffset(input.shape, n, ch))
  const target = offsets.map((o) => input.data[o + r * width + c])
  const same = (index: number) => offsets.every((o, ch) => input.data[o + index] === target[ch])
  const replacement = offsets.map((_, ch) => values[ch] ?? values[0])
  if (replacement.every((v, ch) => v === target[ch])) return
  const stack = [r * width + c]
  while (stack.length) {
    const index = stack.pop()!
    if (!same(index)) continue
    offsets.forEach((o, ch) => (input.data[o + index] = replacement[ch]))
    const row = Math.floor(index / width)
    const col = index % width
    if (row > 0) stack.push(index - width)
    if (row < height - 1) stack.push(index + width)
    if (col > 0) stack.push(index - 1)
    if (col < width - 1) stack.push(index + 1)
  }
}

export function clearPlane(input: Tensor, n: number): void {
  const [, channels, height, width] = input.shape
  const start = planeOffset(input.shape, n, 0)
  input.data.fill(0, start, start + channels * height * width)
}

export function randomPlane(input: Tensor, n: number, seed: number): void {
  const [, channels, height, width] = input.shape
  const drawn = uniformTensor([channels * height * width], seededSource(seed))
  input.data.set(drawn.data, planeOffset(input.shape, n, 0))
}

/** A new (N, C, H, W) input keeping the overlapping top-left part of each plane. */
export function resizeInput(input: Tensor, shape: [number, number, number, number]): Tensor {
  const [batch, channels, height, width] = shape
  const [oldN, oldC, oldH, oldW] = input.shape
  const data = new Float64Array(batch * channels * height * width)
  for (let n = 0; n < Math.min(batch, oldN); n++) {
    for (let ch = 0; ch < channels; ch++) {
      const fromC = Math.min(ch, oldC - 1)
      for (let r = 0; r < Math.min(height, oldH); r++) {
        for (let c = 0; c < Math.min(width, oldW); c++) {
          data[((n * channels + ch) * height + r) * width + c] = input.data[((n * oldC + fromC) * oldH + r) * oldW + c]
        }
      }
    }
  }
  return { shape: [...shape], data }
}

/** "#rrggbb" to three values in [0, 1]. */
export function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.replace('#', ''), 16)
  return [((value >> 16) & 255) / 255, ((value >> 8) & 255) / 255, (value & 255) / 255]
}
