// The family region on the input thumbnail: the display cells of the input rows and columns the
// animation computes on, and the output region a click on an input cell picks (centred on the
// output cell whose window, or stamp, is nearest it).

import type { Region } from '../../../../core/animation-region'
import { REGION_SIDE } from '../../../../core/animation-region'
import type { CellProduct } from '../grid/types'
import type { FamilyPlan } from '../../../../frames/family-region'

const span = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k)

/** Display cells (of a thumbnail `rows`×`cols` of an input `inH`×`inW`) covering input rows top..top+height−1, columns left..left+width−1. */
export function cropOnThumbnail(
  crop: { top: number; left: number; height: number; width: number },
  inH: number,
  inW: number,
  rows: number,
  cols: number,
): CellProduct {
  const r = (v: number) => Math.floor((v * rows) / inH)
  const c = (v: number) => Math.floor((v * cols) / inW)
  return { rows: span(r(crop.top), r(crop.top + crop.height - 1)), cols: span(c(crop.left), c(crop.left + crop.width - 1)) }
}

/** The region (REGION_SIDE a side) around the output cell nearest input cell (r, c). */
export function regionAtInput(plan: FamilyPlan, r: number, c: number): Region {
  const g = plan.geometry
  const centre = (x: number, stride: number, padding: number, dilation: number, kernel: number) =>
    plan.type === 'conv-transpose2d'
      ? x * stride - padding + Math.floor((dilation * (kernel - 1)) / 2)
      : Math.round((x + padding - (dilation * (kernel - 1)) / 2) / stride)
  const i = centre(r, g.strideH, g.padH, g.dilationH, g.kernelH)
  const j = centre(c, g.strideW, g.padW, g.dilationW, g.kernelW)
  const half = Math.floor(REGION_SIDE / 2)
  // familyCrop keeps it inside the output (and, for a pool, where no window reads padding).
  return { i: Math.max(0, i - half), j: Math.max(0, j - half), h: REGION_SIDE, w: REGION_SIDE }
}
