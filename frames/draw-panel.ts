// Draws one panel's grid: coloured cells, padding hatched, inserted zeros dotted, numbers where
// they fit, outlines of the window and of the cells written. Big grids (photos) become pixels.

import type { FrameContext } from './context'
import type { Panel } from './panel'
import { COLOURS } from './panel'
import { font, formatValue } from './text'

/** Below this many pixels per cell, cells are drawn as an image rather than one rectangle each. */
const PIXEL_CELLS_BELOW = 3
/** Cell numbers are never drawn smaller than this (below it the cells show colour only). */
const MIN_NUMBER_PX = 7

export interface PanelBox {
  x: number
  y: number
  cell: number
}

function kindOf(panel: Panel, r: number, c: number) {
  return panel.kind ? panel.kind(r, c) : 'value'
}

function drawAsPixels(ctx: FrameContext, panel: Panel, box: PanelBox): void {
  const width = Math.max(1, Math.round(panel.cols * box.cell))
  const height = Math.max(1, Math.round(panel.rows * box.cell))
  const image = ctx.createImageData(width, height)
  const pixels = image.data
  for (let py = 0; py < height; py++) {
    const r = Math.min(panel.rows - 1, Math.floor((py * panel.rows) / height))
    for (let px = 0; px < width; px++) {
      const c = Math.min(panel.cols - 1, Math.floor((px * panel.cols) / width))
      const value = panel.value(r, c)
      const kind = kindOf(panel, r, c)
      const at = (py * width + px) * 4
      if (Number.isNaN(value)) {
        pixels[at] = pixels[at + 1] = pixels[at + 2] = 255
      } else if (kind !== 'value' && (value === 0 || !Number.isFinite(value))) {
        // Padding grey, inserted zeros white: too small to hatch or dot.
        pixels[at] = pixels[at + 1] = pixels[at + 2] = kind === 'padding' ? 0xd9 : 0xff
      } else {
        const k = panel.scale.index(value) * 3
        pixels[at] = panel.scale.rgb[k]
        pixels[at + 1] = panel.scale.rgb[k + 1]
        pixels[at + 2] = panel.scale.rgb[k + 2]
      }
      pixels[at + 3] = 255
    }
  }
  ctx.putImageData(image, Math.round(box.x), Math.round(box.y))
}

/** The font size at which the panel's widest number fills at most nine tenths of a cell (measured, not guessed). */
function numberSize(ctx: FrameContext, panel: Panel, cell: number, decimals: number): number {
  let widest = ''
  for (let r = 0; r < panel.rows; r++) {
    for (let c = 0; c < panel.cols; c++) {
      const text = formatValue(panel.value(r, c), decimals)
      if (text.length > widest.length) widest = text
    }
  }
  // Widths scale with the font size: measure once at 100 px.
  ctx.font = font(100)
  const perPx = ctx.measureText(widest || '0').width / 100 || 0.64 * Math.max(1, widest.length)
  return Math.min(cell * 0.45, (0.9 * cell) / perPx, 20)
}

/** Below this size a cell's number is hard to read: it is written with fewer decimals instead. */
const READABLE_NUMBER_PX = 9

function drawAsCells(ctx: FrameContext, panel: Panel, box: PanelBox, wanted: number, minNumberPx: number): void {
  const { x, y, cell } = box
  // The decimals asked for, as long as the numbers stay readable in their cells (and no smaller
  // than the frame's minimum text size); titles and formula lines always use all of them.
  const readable = Math.max(READABLE_NUMBER_PX, minNumberPx)
  let decimals = wanted
  while (decimals > 0 && numberSize(ctx, panel, cell, decimals) < readable) decimals--
  const showNumbers = numberSize(ctx, panel, cell, decimals)
  for (let r = 0; r < panel.rows; r++) {
    for (let c = 0; c < panel.cols; c++) {
      const value = panel.value(r, c)
      const kind = kindOf(panel, r, c)
      const left = x + c * cell
      const top = y + r * cell
      if (Number.isNaN(value)) ctx.fillStyle = COLOURS.blank
      // A max-pool's −∞ padding is padding too.
      else if (kind !== 'value' && (value === 0 || !Number.isFinite(value))) ctx.fillStyle = kind === 'padding' ? COLOURS.padding : COLOURS.blank
      else ctx.fillStyle = panel.scale.fills[panel.scale.index(value)]
      ctx.fillRect(left, top, cell, cell)
    }
  }
  // Hatching of padding cells and dots of inserted zeros, in one path each.
  ctx.save()
  ctx.strokeStyle = COLOURS.hatch
  ctx.lineWidth = Math.max(0.75, cell * 0.04)
  ctx.beginPath()
  for (let r = 0; r < panel.rows; r++) {
    for (let c = 0; c < panel.cols; c++) {
      if (kindOf(panel, r, c) !== 'padding') continue
      const left = x + c * cell
      const top = y + r * cell
      ctx.moveTo(left, top + cell * 0.5)
      ctx.lineTo(left + cell * 0.5, top)
      ctx.moveTo(left, top + cell)
      ctx.lineTo(left + cell, top)
      ctx.moveTo(left + cell * 0.5, top + cell)
      ctx.lineTo(left + cell, top + cell * 0.5)
    }
  }
  ctx.stroke()
  ctx.setLineDash([Math.max(1, cell * 0.08), Math.max(1, cell * 0.08)])
  ctx.beginPath()
  for (let r = 0; r < panel.rows; r++) {
    for (let c = 0; c < panel.cols; c++) {
      if (kindOf(panel, r, c) !== 'inserted') continue
      const inset = cell * 0.12
      ctx.rect(x + c * cell + inset, y + r * cell + inset, cell - 2 * inset, cell - 2 * inset)
    }
  }
  ctx.stroke()
  ctx.restore()
  if (cell >= 6) {
    ctx.strokeStyle = COLOURS.grid
    ctx.lineWidth = 1
    ctx.beginPath()
    for (let r = 0; r <= panel.rows; r++) {
      ctx.moveTo(x, y + r * cell)
      ctx.lineTo(x + panel.cols * cell, y + r * cell)
    }
    for (let c = 0; c <= panel.cols; c++) {
      ctx.moveTo(x + c * cell, y)
      ctx.lineTo(x + c * cell, y + panel.rows * cell)
    }
    ctx.stroke()
  }
  if (showNumbers >= Math.max(MIN_NUMBER_PX, minNumberPx)) {
    ctx.font = font(showNumbers)
    ctx.textAlign = 'center'
    ctx.textBaseline = 'middle'
    for (let r = 0; r < panel.rows; r++) {
      for (let c = 0; c < panel.cols; c++) {
        const value = panel.value(r, c)
        if (Number.isNaN(value)) continue
        const kind = kindOf(panel, r, c)
        const plain = kind !== 'value' && (value === 0 || !Number.isFinite(value))
        ctx.fillStyle = plain ? COLOURS.muted : panel.scale.ink[panel.scale.index(value)]
        ctx.fillText(formatValue(value, decimals), x + (c + 0.5) * cell, y + (r + 0.5) * cell + 0.5)
      }
    }
  }
}

function strokeCells(ctx: FrameContext, box: PanelBox, cells: Array<[number, number]>, colour: string, width: number): void {
  ctx.strokeStyle = colour
  ctx.lineWidth = width
  ctx.beginPath()
  for (const [r, c] of cells) {
    const size = Math.max(box.cell, 4)
    const shift = (size - box.cell) / 2
    ctx.rect(box.x + c * box.cell - shift + width / 2, box.y + r * box.cell - shift + width / 2, size - width, size - width)
  }
  ctx.stroke()
}

/** minNumberPx: cells whose numbers would be smaller show colour only (the frame's minimum text size). */
export function drawPanel(ctx: FrameContext, panel: Panel, box: PanelBox, decimals: number, minNumberPx = 0): void {
  if (box.cell < PIXEL_CELLS_BELOW) drawAsPixels(ctx, panel, box)
  else drawAsCells(ctx, panel, box, decimals, minNumberPx)
  ctx.strokeStyle = COLOURS.region
  ctx.lineWidth = 1
  ctx.strokeRect(box.x, box.y, panel.cols * box.cell, panel.rows * box.cell)
  const line = Math.min(4, Math.max(2, box.cell * 0.1))
  if (panel.marked && box.cell >= 6) strokeCells(ctx, box, panel.marked, panel.outlines?.[0]?.colour ?? COLOURS.window, Math.max(1, line * 0.35))
  for (const outline of panel.outlines ?? []) {
    // An outline stays visible on a photo even where it covers less than a pixel.
    const width = Math.max(outline.cols * box.cell, 4)
    const height = Math.max(outline.rows * box.cell, 4)
    const left = box.x + outline.col * box.cell - (width - outline.cols * box.cell) / 2
    const top = box.y + outline.row * box.cell - (height - outline.rows * box.cell) / 2
    ctx.save()
    ctx.strokeStyle = outline.colour
    ctx.lineWidth = line
    if (outline.dashed) ctx.setLineDash([line * 3, line * 2])
    ctx.strokeRect(left, top, width, height)
    ctx.restore()
  }
  if (panel.written) strokeCells(ctx, box, panel.written, COLOURS.written, line)
}
