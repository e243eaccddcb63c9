// One GIF frame's palette and pixel indices, keeping neutral greys grey: a GIF has 256 colours, and
// a quantizer fed the whole frame spends them on the maps' colours and rounds the greys of text,
// grid lines and grayscale inputs to tinted neighbours. Here greys (r, g, b within GREY_TOLERANCE)
// get a reserved ramp of GREY_LEVELS exact greys; the other colours are quantized into the rest.
// Shared by the page's export and the CLI's, so both write the same GIF.

import { applyPalette, quantize } from 'gifenc'

export const GREY_LEVELS = 64
/** Anti-aliased text and lines may differ by a unit or two between channels: still grey. */
export const GREY_TOLERANCE = 3

export interface IndexedFrame {
  /** [r, g, b] entries, at most 256. */
  palette: number[][]
  /** One palette index per pixel. */
  index: Uint8Array
}

const isGrey = (r: number, g: number, b: number) => Math.abs(r - g) <= GREY_TOLERANCE && Math.abs(g - b) <= GREY_TOLERANCE && Math.abs(r - b) <= GREY_TOLERANCE

export const GREY_RAMP: readonly number[][] = Array.from({ length: GREY_LEVELS }, (_, k) => {
  const v = Math.round((k * 255) / (GREY_LEVELS - 1))
  return [v, v, v]
})

export function indexedGifFrame(rgba: Uint8Array | Uint8ClampedArray): IndexedFrame {
  const pixels = rgba.length / 4
  let colourful = 0
  for (let p = 0; p < pixels; p++) if (!isGrey(rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2])) colourful++
  let colours: number[][] = []
  let index: Uint8Array = new Uint8Array(pixels)
  if (colourful > 0) {
    // Only the colourful pixels choose the colours, so the greys take none of them.
    const only = new Uint8ClampedArray(colourful * 4)
    for (let p = 0, q = 0; p < pixels; p++) {
      if (isGrey(rgba[4 * p], rgba[4 * p + 1], rgba[4 * p + 2])) continue
      only.set(rgba.subarray(4 * p, 4 * p + 4), 4 * q++)
    }
    colours = quantize(only, 256 - GREY_LEVELS, { format: 'rgb444' })
    index = applyPalette(rgba, colours, 'rgb444')
  }
  const rampStart = colours.length
  for (let p = 0; p < pixels; p++) {
    const r = rgba[4 * p]
    const g = rgba[4 * p + 1]
    const b = rgba[4 * p + 2]
    if (isGrey(r, g, b)) index[p] = rampStart + Math.round((((r + g + b) / 3) * (GREY_LEVELS - 1)) / 255)
  }
  return { palette: [...colours, ...GREY_RAMP], index }
}
