// The two layouts of a weight: Conv2d's (C_out, C_in/groups, KH, KW) and ConvTranspose2d's
// (C_in, C_out/groups, KH, KW). The kernel editor, presets and channel controls work on the
// Conv2d layout (filter m = output channel, slice = input channel within its group); a
// transposed layer's weight is shown and edited through it, and switching layers keeps the
// kernel that joins input channel c to output channel m.

import type { Tensor } from '../../../../core/tensor'

export type WeightLayout = 'conv' | 'transposed'

/** The groups that fit the weight's grouped axis (1 when they do not: the check says why). */
function fittingGroups(size: number, groups: number): number {
  return Number.isInteger(groups) && groups >= 1 && size % groups === 0 ? groups : 1
}

/**
 * (A, B, KH, KW) whose first axis is split in g groups of A/g → (B·g, A/g, KH, KW): kernel [a, b]
 * with a = k·A/g + a′ (group k) moves to [k·B + b, a′] — the same spatial kernel between the same
 * pair of channels, values unchanged. Conv2d (M, C/g) → ConvTranspose2d (C, M/g) is this with
 * A = M, and the way back is this again with A = C: each is the other's inverse.
 */
function swapGroupedAxes(weight: Tensor, groups: number): Tensor {
  const [first, second, kh, kw] = weight.shape
  const g = fittingGroups(first, groups)
  const perGroup = first / g
  const cells = kh * kw
  const data = new Float64Array(weight.data.length)
  for (let a = 0; a < first; a++) {
    const group = Math.floor(a / perGroup)
    const local = a % perGroup
    for (let b = 0; b < second; b++) {
      const from = (a * second + b) * cells
      const to = ((group * second + b) * perGroup + local) * cells
      data.set(weight.data.subarray(from, from + cells), to)
    }
  }
  return { shape: [second * g, perGroup, kh, kw], data }
}

/** Conv2d (M, C/g, KH, KW) → ConvTranspose2d (C, M/g, KH, KW). */
export function convToTransposed(weight: Tensor, groups: number): Tensor {
  return swapGroupedAxes(weight, groups)
}

/** ConvTranspose2d (C, M/g, KH, KW) → Conv2d (M, C/g, KH, KW), the inverse of convToTransposed. */
export function transposedToConv(weight: Tensor, groups: number): Tensor {
  return swapGroupedAxes(weight, groups)
}

/** The weight in the Conv2d layout (the editor's view of it). */
export function asConvLayout(weight: Tensor, layout: WeightLayout, groups: number): Tensor {
  return layout === 'transposed' ? transposedToConv(weight, groups) : weight
}

/** A weight edited in the Conv2d layout, back in the layer's own layout. */
export function fromConvLayout(view: Tensor, layout: WeightLayout, groups: number): Tensor {
  return layout === 'transposed' ? convToTransposed(view, groups) : view
}
