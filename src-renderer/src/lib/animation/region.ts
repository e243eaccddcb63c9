// Choosing the animation's output region on the page: a click around a cell, a drag across
// cells, on the output or on the input. The region's own rules are core's (core/animation-region.ts).

import type { ConvGeometry } from '../../../../core/geometry'
import type { Region } from '../../../../core/animation-region'
import { fitRegion, defaultRegion } from '../../../../core/animation-region'

export type { Region } from '../../../../core/animation-region'
export { REGION_SIDE, WHOLE_CELLS, animatesWhole, defaultRegion, fitRegion, regionGeometry, regionPatch, sameRegion } from '../../../../core/animation-region'

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
