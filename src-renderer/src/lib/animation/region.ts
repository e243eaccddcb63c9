// The region of the output an animation steps through when the whole output is too large to step
// through (a 512×512 output is 262,144 cell steps): rows i..i+h−1 and columns j..j+w−1 of every
// output channel of the shown batch item. Its frames are those of a small convolution of the
// region's patch of the padded input, whose outputs are exactly the region's cells.

import type { ConvGeometry } from '../../../../core/geometry'
import { sourceIndex } from '../../../../core/geometry'
import type { Tensor } from '../../../../core/tensor'

export interface Region {
  i: number
  j: number
  h: number
  w: number
}

/** Side of the default region (at the centre of the output). */
export const REGION_SIDE = 8
/** Output planes up to this many cells (and tensors small enough to come whole) animate whole. */
export const WHOLE_CELLS = 32 * 32

/** Whether this output is stepped through whole (false: through a region). */
export function animatesWhole(g: ConvGeometry, exact: boolean): boolean {
  return exact && g.outH * g.outW <= WHOLE_CELLS
}

export function defaultRegion(g: ConvGeometry): Region {
  const h = Math.min(REGION_SIDE, g.outH)
  const w = Math.min(REGION_SIDE, g.outW)
  return { i: Math.floor((g.outH - h) / 2), j: Math.floor((g.outW - w) / 2), h, w }
}

/** The region kept inside the output (a region saved for another input is moved in or shrunk). */
export function fitRegion(region: Region | null, g: ConvGeometry): Region {
  if (!region) return defaultRegion(g)
  const h = Math.max(1, Math.min(region.h, g.outH, 32))
  const w = Math.max(1, Math.min(region.w, g.outW, 32))
  return { i: Math.max(0, Math.min(region.i, g.outH - h)), j: Math.max(0, Math.min(region.j, g.outW - w)), h, w }
}

/** A region around an output cell (a click) or spanning two cells (a drag). */
export function regionAt(g: ConvGeometry, a: { i: number; j: number }, b?: { i: number; j: number }): Region {
  if (!b || (a.i === b.i && a.j === b.j)) {
    const side = defaultRegion(g)
    return fitRegion({ i: a.i - Math.floor(side.h / 2), j: a.j - Math.floor(side.w / 2), h: side.h, w: side.w }, g)
  }
  const i = Math.min(a.i, b.i)
  const j = Math.min(a.j, b.j)
  return fitRegion({ i, j, h: Math.abs(a.i - b.i) + 1, w: Math.abs(a.j - b.j) + 1 }, g)
}

/** The output cell whose window starts nearest an input cell (a click on the input). */
export function outputCellOfInput(g: ConvGeometry, r: number, c: number): { i: number; j: number } {
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v))
  const centreH = Math.floor((g.dilationH * (g.kernelH - 1)) / 2)
  const centreW = Math.floor((g.dilationW * (g.kernelW - 1)) / 2)
  return { i: clamp(Math.round((r + g.padTop - centreH) / g.strideH), g.outH), j: clamp(Math.round((c + g.padLeft - centreW) / g.strideW), g.outW) }
}

/** Rows and columns of the padded input the region's windows read. */
export function regionPatch(g: ConvGeometry, region: Region): { top: number; left: number; height: number; width: number } {
  return {
    top: region.i * g.strideH,
    left: region.j * g.strideW,
    height: (region.h - 1) * g.strideH + g.dilationH * (g.kernelH - 1) + 1,
    width: (region.w - 1) * g.strideW + g.dilationW * (g.kernelW - 1) + 1,
  }
}

/** The small convolution of the region: batch 1, the patch as an unpadded input, the region as its output. */
export function regionGeometry(g: ConvGeometry, region: Region): ConvGeometry {
  const patch = regionPatch(g, region)
  return {
    ...g,
    batch: 1,
    inH: patch.height,
    inW: patch.width,
    padTop: 0,
    padBottom: 0,
    padLeft: 0,
    padRight: 0,
    paddingMode: 'zeros',
    paddedH: patch.height,
    paddedW: patch.width,
    outH: region.h,
    outW: region.w,
  }
}

/** The patch of the padded input of batch item n (padding cells filled as the padding mode fills them). */
export function regionInput(input: Tensor, g: ConvGeometry, region: Region, n: number): Float64Array {
  const patch = regionPatch(g, region)
  const data = new Float64Array(g.inChannels * patch.height * patch.width)
  for (let c = 0; c < g.inChannels; c++) {
    const plane = (n * g.inChannels + c) * g.inH * g.inW
    for (let r = 0; r < patch.height; r++) {
      const row = sourceIndex(patch.top + r, g.padTop, g.inH, g.paddingMode)
      for (let q = 0; q < patch.width; q++) {
        const col = sourceIndex(patch.left + q, g.padLeft, g.inW, g.paddingMode)
        data[(c * patch.height + r) * patch.width + q] = row < 0 || col < 0 ? 0 : input.data[plane + row * g.inW + col]
      }
    }
  }
  return data
}

/** Flat NCHW starts of the region's rows in an output-shaped tensor, channel by channel. */
export function regionRows(g: ConvGeometry, region: Region, n: number): number[] {
  const starts: number[] = []
  for (let m = 0; m < g.outChannels; m++) for (let r = 0; r < region.h; r++) starts.push(((n * g.outChannels + m) * g.outH + region.i + r) * g.outW + region.j)
  return starts
}

/** The region's values of a whole output-shaped tensor the page holds. */
export function regionOf(values: Float64Array, g: ConvGeometry, region: Region, n: number): Float64Array {
  const out = new Float64Array(g.outChannels * region.h * region.w)
  regionRows(g, region, n).forEach((start, k) => out.set(values.subarray(start, start + region.w), k * region.w))
  return out
}

export const sameRegion = (a: Region | null, b: Region | null) => a === b || (!!a && !!b && a.i === b.i && a.j === b.j && a.h === b.h && a.w === b.w)
