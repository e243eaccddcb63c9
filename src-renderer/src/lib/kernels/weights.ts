// Editing a Conv2d weight (C_out, C_in/groups, KH, KW) and its bias as immutable tensors.

import type { Tensor } from '../../../../core/tensor'
import { kaimingTensor, normalTensor, seededSource, uniformTensor } from '../../../../core/random'
import type { KernelPreset } from './presets'

export type WeightShape = [number, number, number, number]
export type RandomInit = 'uniform' | 'normal' | 'kaiming'

/** A new weight of another shape keeping every value whose index exists in both. */
export function reshapeWeight(weight: Tensor, shape: WeightShape): Tensor {
  const [outC, inC, kh, kw] = shape
  const [oldOut, oldIn, oldH, oldW] = weight.shape
  const data = new Float64Array(outC * inC * kh * kw)
  for (let m = 0; m < outC; m++) {
    for (let c = 0; c < inC; c++) {
      // New slices copy the first slice of the same filter, so a filter keeps its meaning.
      const fromM = m < oldOut ? m : -1
      const fromC = c < oldIn ? c : 0
      if (fromM < 0) continue
      for (let a = 0; a < Math.min(kh, oldH); a++) {
        for (let b = 0; b < Math.min(kw, oldW); b++) {
          data[((m * inC + c) * kh + a) * kw + b] = weight.data[((fromM * oldIn + fromC) * oldH + a) * oldW + b]
        }
      }
    }
  }
  return { shape: [...shape], data }
}

export function resizeBias(bias: Float64Array, length: number): Float64Array {
  const next = new Float64Array(length)
  next.set(bias.subarray(0, Math.min(length, bias.length)))
  return next
}

export function setWeightCell(weight: Tensor, m: number, c: number, a: number, b: number, value: number): Tensor {
  const [, inC, kh, kw] = weight.shape
  const data = Float64Array.from(weight.data)
  data[((m * inC + c) * kh + a) * kw + b] = value
  return { shape: weight.shape, data }
}

export function weightSlice(weight: Tensor, m: number, c: number): Float64Array {
  const [, inC, kh, kw] = weight.shape
  const start = (m * inC + c) * kh * kw
  return weight.data.subarray(start, start + kh * kw)
}

/** Puts a preset into every input slice of filter m, resizing the kernel to the preset's size. */
export function applyPreset(weight: Tensor, preset: KernelPreset, m: number): Tensor {
  const [outC, inC] = weight.shape
  const resized = reshapeWeight(weight, [outC, inC, preset.height, preset.width])
  const data = resized.data
  for (let c = 0; c < inC; c++) data.set(preset.values, (m * inC + c) * preset.height * preset.width)
  return resized
}

/** Replaces every slice of filter m (all input channels) with seeded random values. */
export function randomFilter(weight: Tensor, m: number, init: RandomInit, seed: number): Tensor {
  const [, inC, kh, kw] = weight.shape
  const source = seededSource(seed)
  const sliceShape = [1, inC, kh, kw]
  const drawn =
    init === 'uniform' ? uniformTensor(sliceShape, source, -1, 1) : init === 'normal' ? normalTensor(sliceShape, source) : kaimingTensor(sliceShape, source)
  const data = Float64Array.from(weight.data)
  data.set(drawn.data, m * inC * kh * kw)
  return { shape: weight.shape, data }
}

/**
 * Places a loaded tensor: (KH, KW) fills slice (m, c); (C_in/groups, KH, KW) fills filter m;
 * (C_out, C_in/groups, KH, KW) replaces the weight. Returns null for other shapes.
 */
export function placeLoadedKernel(weight: Tensor, loaded: Tensor, m: number, c: number): Tensor | null {
  const [outC, inC] = weight.shape
  const s = loaded.shape
  if (s.length === 2) {
    const next = reshapeWeight(weight, [outC, inC, s[0], s[1]])
    next.data.set(loaded.data, (m * inC + c) * s[0] * s[1])
    return next
  }
  if (s.length === 3 && s[0] === inC) {
    const next = reshapeWeight(weight, [outC, inC, s[1], s[2]])
    next.data.set(loaded.data, m * inC * s[1] * s[2])
    return next
  }
  if (s.length === 4) return { shape: [...s], data: Float64Array.from(loaded.data) }
  return null
}
