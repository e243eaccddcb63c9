// The region of the output an animation steps through when the whole output is too large to step
// through (a 512×512 output is 262,144 cell steps): rows i..i+h−1 and columns j..j+w−1 of every
// output channel of the shown batch item. Its frames are those of a small convolution of the
// region's window of the padded input (read from the engine), whose outputs are the region's cells.

import type { ConvGeometry } from '../../../../core/geometry'

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

export const sameRegion = (a: Region | null, b: Region | null) => a === b || (!!a && !!b && a.i === b.i && a.j === b.j && a.h === b.h && a.w === b.w)
