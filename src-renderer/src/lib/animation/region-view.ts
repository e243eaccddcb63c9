// A region drawn on a downsampled map: the display rows and columns it covers (the grid
// renderer outlines them as a highlight), on the output and on the input.

import type { ConvGeometry } from '../../../../core/geometry'
import type { CellProduct } from '../grid/types'
import type { Region } from './region'
import { regionPatch } from './region'

const span = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, k) => from + k)

/** Display cells of a map of `exactH`×`exactW` shown at `rows`×`cols` covering exact rows/cols [top, bottom) × [left, right). */
function cellsOf(top: number, left: number, bottom: number, right: number, exactH: number, exactW: number, rows: number, cols: number): CellProduct {
  const r = (v: number) => Math.floor((v * rows) / exactH)
  const c = (v: number) => Math.floor((v * cols) / exactW)
  return { rows: span(r(Math.max(0, top)), r(Math.min(exactH, bottom) - 1)), cols: span(c(Math.max(0, left)), c(Math.min(exactW, right) - 1)) }
}

export function regionOnOutput(g: ConvGeometry, region: Region, rows: number, cols: number): CellProduct {
  return cellsOf(region.i, region.j, region.i + region.h, region.j + region.w, g.outH, g.outW, rows, cols)
}

/** The input cells the region's windows read (padding left out). */
export function regionOnInput(g: ConvGeometry, region: Region, rows: number, cols: number): CellProduct {
  const patch = regionPatch(g, region)
  const top = patch.top - g.padTop
  const left = patch.left - g.padLeft
  return cellsOf(top, left, top + patch.height, left + patch.width, g.inH, g.inW, rows, cols)
}
