// Painting a grid on a 2D canvas in screen coordinates: base bitmap, padding hatch,
// highlighted cells, the focused cell, grid lines and (zoomed in) the values.

import type { ZoomTransform } from 'd3'
import { textColourOn } from '../colour/scales'
import type { Cell, CellProduct, InnerRegion } from './types'

const HIGHLIGHT = '#e6007e'

export interface GridPicture {
  rows: number
  cols: number
  cellPx: number
  bitmap: CanvasImageSource | null
  pixels: Uint8ClampedArray
  inner: InnerRegion | null
  highlight: CellProduct | null
  focus: Cell | null
  valueAt: ((r: number, c: number) => string) | null
}

/** On-screen size of a cell below which values are not written. */
export const TEXT_MIN_PX = 24

let hatch: CanvasPattern | null = null

function hatchPattern(ctx: CanvasRenderingContext2D): CanvasPattern | null {
  if (hatch) return hatch
  const tile = document.createElement('canvas')
  tile.width = tile.height = 8
  const t = tile.getContext('2d')
  if (!t) return null
  t.strokeStyle = 'rgba(255, 255, 255, 0.75)'
  t.lineWidth = 2
  t.beginPath()
  t.moveTo(0, 8)
  t.lineTo(8, 0)
  t.stroke()
  t.strokeStyle = 'rgba(0, 0, 0, 0.55)'
  t.lineWidth = 1
  t.beginPath()
  t.moveTo(-1, 5)
  t.lineTo(5, -1)
  t.moveTo(3, 9)
  t.lineTo(9, 3)
  t.stroke()
  hatch = ctx.createPattern(tile, 'repeat')
  return hatch
}

export function drawGrid(ctx: CanvasRenderingContext2D, width: number, height: number, picture: GridPicture, transform: ZoomTransform): void {
  const { rows, cols, cellPx, inner } = picture
  const size = cellPx * transform.k
  const x0 = transform.x
  const y0 = transform.y
  const sx = (c: number) => x0 + c * size
  const sy = (r: number) => y0 + r * size
  ctx.clearRect(0, 0, width, height)
  ctx.imageSmoothingEnabled = false
  if (picture.bitmap) ctx.drawImage(picture.bitmap, x0, y0, cols * size, rows * size)

  if (inner && (inner.top > 0 || inner.left > 0 || inner.height < rows || inner.width < cols)) {
    const pattern = hatchPattern(ctx)
    if (pattern) {
      ctx.fillStyle = pattern
      ctx.fillRect(sx(0), sy(0), cols * size, inner.top * size)
      ctx.fillRect(sx(0), sy(inner.top + inner.height), cols * size, (rows - inner.top - inner.height) * size)
      ctx.fillRect(sx(0), sy(inner.top), inner.left * size, inner.height * size)
      ctx.fillRect(sx(inner.left + inner.width), sy(inner.top), (cols - inner.left - inner.width) * size, inner.height * size)
    }
    ctx.setLineDash([4, 3])
    ctx.strokeStyle = '#111'
    ctx.lineWidth = 1.5
    ctx.strokeRect(sx(inner.left), sy(inner.top), inner.width * size, inner.height * size)
    ctx.setLineDash([])
  }

  if (size >= 10) {
    ctx.strokeStyle = 'rgba(128, 128, 128, 0.45)'
    ctx.lineWidth = 1
    ctx.beginPath()
    for (let r = 0; r <= rows; r++) {
      ctx.moveTo(sx(0), Math.round(sy(r)) + 0.5)
      ctx.lineTo(sx(cols), Math.round(sy(r)) + 0.5)
    }
    for (let c = 0; c <= cols; c++) {
      ctx.moveTo(Math.round(sx(c)) + 0.5, sy(0))
      ctx.lineTo(Math.round(sx(c)) + 0.5, sy(rows))
    }
    ctx.stroke()
  }

  if (picture.valueAt && size >= TEXT_MIN_PX) {
    const c0 = Math.max(0, Math.floor(-x0 / size))
    const c1 = Math.min(cols, Math.ceil((width - x0) / size))
    const r0 = Math.max(0, Math.floor(-y0 / size))
    const r1 = Math.min(rows, Math.ceil((height - y0) / size))
    ctx.font = `${Math.min(14, Math.max(9, size * 0.26))}px system-ui, sans-serif`
    ctx.textAlign = 'center'
    ctx.textBaseline = 'middle'
    for (let r = r0; r < r1; r++) {
      for (let c = c0; c < c1; c++) {
        const p = (r * cols + c) * 4
        ctx.fillStyle = textColourOn(picture.pixels[p], picture.pixels[p + 1], picture.pixels[p + 2])
        ctx.fillText(picture.valueAt(r, c), sx(c) + size / 2, sy(r) + size / 2, size - 2)
      }
    }
  }

  const highlight = picture.highlight
  if (highlight && highlight.rows.length * highlight.cols.length > 0) {
    const many = highlight.rows.length * highlight.cols.length > 4096
    // The one highlight colour of "the current window" (frames' COLOURS.window, app.css --highlight).
    ctx.fillStyle = 'rgba(230, 0, 126, 0.32)'
    ctx.strokeStyle = HIGHLIGHT
    ctx.lineWidth = Math.min(3, Math.max(1, size / 10))
    for (const r of highlight.rows) {
      for (const c of highlight.cols) {
        ctx.fillRect(sx(c), sy(r), size, size)
        if (!many && size >= 6) ctx.strokeRect(sx(c) + 1, sy(r) + 1, size - 2, size - 2)
      }
    }
    // On a photo a window is a few screen pixels: an outline around it, at least 14 px across,
    // keeps it visible at any zoom.
    const top = sy(Math.min(...highlight.rows))
    const left = sx(Math.min(...highlight.cols))
    const bottom = sy(Math.max(...highlight.rows)) + size
    const right = sx(Math.max(...highlight.cols)) + size
    if (bottom - top < 24 || right - left < 24) {
      const grow = (extent: number) => Math.max(0, (14 - extent) / 2) + 3
      const gy = grow(bottom - top)
      const gx = grow(right - left)
      ctx.lineWidth = 2
      ctx.strokeStyle = '#ffffff'
      ctx.strokeRect(left - gx - 1, top - gy - 1, right - left + 2 * gx + 2, bottom - top + 2 * gy + 2)
      ctx.strokeStyle = HIGHLIGHT
      ctx.strokeRect(left - gx, top - gy, right - left + 2 * gx, bottom - top + 2 * gy)
    }
  }

  if (picture.focus) {
    const { r, c } = picture.focus
    ctx.lineWidth = 3
    ctx.strokeStyle = '#000'
    ctx.strokeRect(sx(c) - 1, sy(r) - 1, size + 2, size + 2)
    ctx.lineWidth = 1.5
    ctx.strokeStyle = '#fff'
    ctx.strokeRect(sx(c) - 1, sy(r) - 1, size + 2, size + 2)
  }
}

/** An offscreen bitmap of the pixels, one pixel per cell, drawn scaled without smoothing. */
export function toBitmap(pixels: Uint8ClampedArray, rows: number, cols: number, reuse?: HTMLCanvasElement | null): HTMLCanvasElement | null {
  // a grid redrawn on every change paints into its own canvas again rather than a new one
  const canvas = reuse ?? document.createElement('canvas')
  if (canvas.width !== cols) canvas.width = cols
  if (canvas.height !== rows) canvas.height = rows
  const ctx = canvas.getContext('2d')
  if (!ctx) return null
  // putImageData copies the pixels: a copy is needed only for a view into a larger buffer
  const whole = pixels.byteOffset === 0 && pixels.byteLength === pixels.buffer.byteLength
  ctx.putImageData(new ImageData(whole ? (pixels as Uint8ClampedArray<ArrayBuffer>) : new Uint8ClampedArray(pixels), cols, rows), 0, 0)
  return canvas
}
