// The MSE target "the input filtered by a preset": the preset centred in a kernel of the current
// kernel's size (cropped if it is larger), so the target always has the output's shape.

import { conv2d } from '../../../../core/conv2d'
import type { Conv2dOptions } from '../../../../core/geometry'
import type { Tensor } from '../../../../core/tensor'
import type { KernelPreset } from '../kernels/presets'

export function presetWeightLike(weight: Tensor, preset: KernelPreset): Tensor {
  const [outC, inC, kh, kw] = weight.shape
  const data = new Float64Array(outC * inC * kh * kw)
  const top = Math.floor((kh - preset.height) / 2)
  const left = Math.floor((kw - preset.width) / 2)
  for (let slice = 0; slice < outC * inC; slice++) {
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const pa = a - top
        const pb = b - left
        if (pa >= 0 && pa < preset.height && pb >= 0 && pb < preset.width) data[(slice * kh + a) * kw + b] = preset.values[pa * preset.width + pb]
      }
    }
  }
  return { shape: [outC, inC, kh, kw], data }
}

/** y_target = x ⋆ preset (no bias), with the current stride, padding, dilation and groups. */
export function filteredTarget(input: Tensor, weight: Tensor, preset: KernelPreset, options: Conv2dOptions): Tensor {
  return conv2d(input, presetWeightLike(weight, preset), null, options).output
}
