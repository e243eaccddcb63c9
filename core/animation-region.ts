// The region of the output an animation steps through when the whole output is too large to step
// through (a 512×512 output is 262,144 cell steps): rows i..i+h−1 and columns j..j+w−1 of every
// output channel of one batch item. Its frames are those of a small convolution of the region's
// window of the padded input (padding applied), whose outputs are exactly the region's cells. The
// app's stage and `convolab export --region` share these rules.

import type { ConvGeometry } from './geometry'

export interface Region {
  i: number
  j: number
  h: number
  w: number
}

/** Side of the default region (at the centre of the output). */
export const REGION_SIDE = 8
/** Largest region side. */
export const MAX_REGION_SIDE = 32
/** Output planes up to this many cells (with tensors small enough to come whole) animate whole. */
export const WHOLE_CELLS = 32 * 32

/** Whether this output is stepped through whole (false: through a region). */
export function animatesWhole(g: ConvGeometry, exact = true): boolean {
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
  const h = Math.max(1, Math.min(region.h, g.outH, MAX_REGION_SIDE))
  const w = Math.max(1, Math.min(region.w, g.outW, MAX_REGION_SIDE))
  return { i: Math.max(0, Math.min(region.i, g.outH - h)), j: Math.max(0, Math.min(region.j, g.outW - w)), h, w }
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

/** The small convolution of the region: batch 1, the padded window as an unpadded input, the region as its output. */
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
