// Which input the family's animation is computed on: a small input whole; on a large one (a
// photo) the window of input an output region needs, cropped before it is computed (by the page or `convolab export`). For a pool the region
// is kept where no window reads padding (moved inside if needed), so the crop, pooled without
// padding, gives exactly the region's outputs. For ConvTranspose2d the crop is the input patch
// whose stamps reach the region, transposed on its own (its border lacks its neighbours' stamps).

import type { Region } from '../core/animation-region'
import { MAX_REGION_SIDE, REGION_SIDE, WHOLE_CELLS } from '../core/animation-region'
import type { Layer } from '../core/layer'
import type { LayerPlan } from '../core/layer-compute'
import type { Tensor } from '../core/tensor'

/** Inputs up to this many cells per plane come whole (their exact values are few). */
export const WHOLE_INPUT_CELLS = 64 * 64

export type FamilyPlan = Extract<LayerPlan, { type: 'conv-transpose2d' | 'max-pool2d' | 'avg-pool2d' }>

/** Whether the family layer's animation runs on the whole input. */
export function familyAnimatesWhole(plan: FamilyPlan): boolean {
  const [, , outH, outW] = plan.outputShape
  const [, , inH, inW] = plan.inputShape
  return outH * outW <= WHOLE_CELLS && inH * inW <= WHOLE_INPUT_CELLS
}

export interface FamilyCrop {
  /** The output region animated (full output coordinates), after fitting. */
  region: Region
  /** Input rows top..top+height−1, columns left..left+width−1 of batch item n, every channel. */
  top: number
  left: number
  height: number
  width: number
  /** The layer the crop is computed with. */
  layer: Layer
  /** ConvTranspose2d: the crop's own output (an input patch transposed), not the full output's region. */
  patch: boolean
}

function clampRegion(region: Region | null, outH: number, outW: number): Region {
  const h = Math.max(1, Math.min(region?.h ?? REGION_SIDE, outH, MAX_REGION_SIDE))
  const w = Math.max(1, Math.min(region?.w ?? REGION_SIDE, outW, MAX_REGION_SIDE))
  const i = region ? region.i : Math.floor((outH - h) / 2)
  const j = region ? region.j : Math.floor((outW - w) / 2)
  return { i: Math.max(0, Math.min(i, outH - h)), j: Math.max(0, Math.min(j, outW - w)), h, w }
}

/** One axis of a pool's interior region: outputs first..first+count−1 whose windows read real cells only. */
function poolAxis(start: number, count: number, size: number, kernel: number, stride: number, padding: number, dilation: number) {
  const span = dilation * (kernel - 1) + 1
  const lowest = Math.ceil(padding / stride)
  const highest = Math.floor((size - span + padding) / stride)
  const fits = Math.max(1, highest - lowest + 1)
  const n = Math.min(count, fits)
  const first = Math.max(lowest, Math.min(start, highest - n + 1))
  return { first, count: n, from: first * stride - padding, length: (n - 1) * stride + span }
}

/** One axis of a transposed layer's input patch: the input cells whose stamps reach outputs start..start+count−1. */
function transposedAxis(start: number, count: number, size: number, kernel: number, stride: number, padding: number, dilation: number) {
  const lo = Math.max(0, Math.ceil((start + padding - dilation * (kernel - 1)) / stride))
  const hi = Math.min(size - 1, Math.floor((start + count - 1 + padding) / stride))
  return { from: lo, length: Math.max(1, hi - lo + 1) }
}

export function familyCrop(layer: Layer, plan: FamilyPlan, wanted: Region | null): FamilyCrop {
  const [, , outH, outW] = plan.outputShape
  const region = clampRegion(wanted, outH, outW)
  if (plan.type === 'conv-transpose2d' && layer.type === 'conv-transpose2d') {
    const g = plan.geometry
    const rows = transposedAxis(region.i, region.h, g.inH, g.kernelH, g.strideH, g.padH, g.dilationH)
    const cols = transposedAxis(region.j, region.w, g.inW, g.kernelW, g.strideW, g.padW, g.dilationW)
    // A wanted output size belongs to the whole input; the patch keeps the output padding it picked.
    const { outputSize: _dropped, ...options } = layer
    void _dropped
    return {
      region,
      top: rows.from,
      left: cols.from,
      height: rows.length,
      width: cols.length,
      layer: { ...options, outputPadding: [g.outputPaddingH, g.outputPaddingW] },
      patch: true,
    }
  }
  if (plan.type === 'conv-transpose2d') throw new Error('a transposed plan needs its layer')
  const g = plan.geometry
  const rows = poolAxis(region.i, region.h, g.inH, g.kernelH, g.strideH, g.padH, g.dilationH)
  const cols = poolAxis(region.j, region.w, g.inW, g.kernelW, g.strideW, g.padW, g.dilationW)
  // Interior windows: no padding and no ceil-mode window, the same divisors (or maxima) as in the whole.
  const cropLayer: Layer = { ...layer, padding: 0, ceilMode: false } as Layer
  return {
    region: { i: rows.first, j: cols.first, h: rows.count, w: cols.count },
    top: rows.from,
    left: cols.from,
    height: rows.length,
    width: cols.length,
    layer: cropLayer,
    patch: false,
  }
}

/** Rows top..top+height−1 and columns left..left+width−1 of batch item n, every channel. */
export function cropTensor(tensor: Tensor, n: number, top: number, left: number, height: number, width: number): Tensor {
  const [, channels, h, w] = tensor.shape
  const data = new Float64Array(channels * height * width)
  for (let c = 0; c < channels; c++) {
    for (let r = 0; r < height; r++) {
      const from = ((n * channels + c) * h + top + r) * w + left
      data.set(tensor.data.subarray(from, from + width), (c * height + r) * width)
    }
  }
  return { shape: [1, channels, height, width], data }
}
