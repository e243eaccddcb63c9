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
 * Conv2d (M, C/g, KH, KW) → ConvTranspose2d (C, M/g, KH, KW). Output channel m of group k
 * (m = k·M/g + m′) and input channel c′ of that group become T[k·C/g + c′, m′]: the same
 * spatial kernel between the same pair of channels, values unchanged.
 */
export function convToTransposed(weight: Tensor, groups: number): Tensor {
  const [outC, inPerGroup, kh, kw] = weight.shape
  const g = fittingGroups(outC, groups)
  const outPerGroup = outC / g
  const inC = inPerGroup * g
  const cells = kh * kw
  const data = new Float64Array(weight.data.length)
  for (let m = 0; m < outC; m++) {
    const group = Math.floor(m / outPerGroup)
    const local = m % outPerGroup
    for (let c = 0; c < inPerGroup; c++) {
      const from = (m * inPerGroup + c) * cells
      const to = ((group * inPerGroup + c) * outPerGroup + local) * cells
      data.set(weight.data.subarray(from, from + cells), to)
    }
  }
  return { shape: [inC, outPerGroup, kh, kw], data }
}

/** ConvTranspose2d (C, M/g, KH, KW) → Conv2d (M, C/g, KH, KW), the inverse of convToTransposed. */
export function transposedToConv(weight: Tensor, groups: number): Tensor {
  const [inC, outPerGroup, kh, kw] = weight.shape
  const g = fittingGroups(inC, groups)
  const inPerGroup = inC / g
  const outC = outPerGroup * g
  const cells = kh * kw
  const data = new Float64Array(weight.data.length)
  for (let c = 0; c < inC; c++) {
    const group = Math.floor(c / inPerGroup)
    const local = c % inPerGroup
    for (let k = 0; k < outPerGroup; k++) {
      const from = (c * outPerGroup + k) * cells
      const to = ((group * outPerGroup + k) * inPerGroup + local) * cells
      data.set(weight.data.subarray(from, from + cells), to)
    }
  }
  return { shape: [outC, inPerGroup, kh, kw], data }
}

/** The weight in the Conv2d layout (the editor's view of it). */
export function asConvLayout(weight: Tensor, layout: WeightLayout, groups: number): Tensor {
  return layout === 'transposed' ? transposedToConv(weight, groups) : weight
}

/** A weight edited in the Conv2d layout, back in the layer's own layout. */
export function fromConvLayout(view: Tensor, layout: WeightLayout, groups: number): Tensor {
  return layout === 'transposed' ? convToTransposed(view, groups) : view
}
