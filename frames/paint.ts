// Draws a frame: the title and step counter, the columns of panels, the step's arithmetic.

import { drawChart } from './chart'
import type { FrameContext, FrameSize } from './context'
import { drawPanel } from './draw-panel'
import type { PlacedColumn } from './layout'
import { layoutColumns, metricsFor } from './layout'
import type { FrameModel, Panel } from './panel'
import { COLOURS } from './panel'
import { font } from './text'

/** Where the panels of a frame go: the area between the title and the formula lines, laid out. */
export function placePanels(model: FrameModel, size: FrameSize): PlacedColumn[] {
  const m = metricsFor(size)
  const { top, bottom } = panelArea(model, size)
  const width = size.width - 2 * m.margin - (model.chart ? chartWidth(size) + m.columnGap : 0)
  return layoutColumns(model.columns, { x: m.margin, y: top, width, height: bottom - top - m.panelFont }, m)
}

/** A chart takes the right part of the frame, beside the panels. */
function chartWidth(size: FrameSize): number {
  return Math.round(size.width * CHART_SHARE)
}
const CHART_SHARE = 0.32

function panelArea(model: FrameModel, size: FrameSize): { top: number; bottom: number } {
  const m = metricsFor(size)
  const formulaHeight = model.formula.length * m.formulaFont * 1.45
  return { top: m.margin + m.titleFont * 1.8, bottom: size.height - m.margin - m.legendFont * 1.5 - formulaHeight }
}

export interface CellUnderPoint {
  panel: Panel
  row: number
  col: number
  /** NaN where the cell is not computed yet. */
  value: number
}

/** The panel cell at (x, y) in frame pixels, for values on hover; null between panels. */
export function cellAt(model: FrameModel, size: FrameSize, x: number, y: number): CellUnderPoint | null {
  for (const column of placePanels(model, size)) {
    for (const p of column.panels) {
      const col = Math.floor((x - p.x) / p.cell)
      const row = Math.floor((y - p.y) / p.cell)
      if (row >= 0 && row < p.panel.rows && col >= 0 && col < p.panel.cols) return { panel: p.panel, row, col, value: p.panel.value(row, col) }
    }
  }
  return null
}

export function drawFrameModel(ctx: FrameContext, model: FrameModel, size: FrameSize, decimals: number): void {
  const m = metricsFor(size)
  ctx.save()
  ctx.fillStyle = COLOURS.background
  ctx.fillRect(0, 0, size.width, size.height)

  ctx.fillStyle = COLOURS.text
  ctx.textBaseline = 'middle'
  const titleY = m.margin + m.titleFont * 0.7
  ctx.font = font(m.titleFont * 0.8)
  ctx.textAlign = 'right'
  ctx.fillText(model.counter, size.width - m.margin, titleY)
  const counterWidth = ctx.measureText(model.counter).width
  ctx.font = font(m.titleFont, true)
  ctx.textAlign = 'left'
  ctx.fillText(model.title, m.margin, titleY, Math.max(10, size.width - 3 * m.margin - counterWidth))

  const { bottom } = panelArea(model, size)
  const placed = placePanels(model, size)

  for (const column of placed) {
    if (column.joiner) {
      const middle = column.panels.reduce((sum, p) => sum + p.y + (p.panel.rows * p.cell) / 2, 0) / column.panels.length
      ctx.font = font(m.titleFont)
      ctx.fillStyle = COLOURS.muted
      ctx.textAlign = 'center'
      ctx.textBaseline = 'middle'
      ctx.fillText(column.joiner, column.x - m.columnGap / 2, middle)
    }
    for (const p of column.panels) {
      ctx.font = font(m.panelFont, p.panel.current)
      ctx.fillStyle = p.panel.current ? COLOURS.window : COLOURS.text
      ctx.textAlign = 'center'
      ctx.textBaseline = 'bottom'
      ctx.fillText(p.panel.title, column.x + column.width / 2, p.y - m.panelFont * 0.35, p.titleWidth)
      drawPanel(ctx, p.panel, p, decimals, m.minText)
    }
  }

  if (model.chart) {
    const { top } = panelArea(model, size)
    const width = chartWidth(size)
    const height = Math.min(bottom - top, width * 0.9)
    drawChart(ctx, model.chart, { x: size.width - m.margin - width, y: top + Math.max(0, (bottom - top - height) / 2), width, height }, m.panelFont, m.minText)
  }

  ctx.fillStyle = COLOURS.text
  ctx.font = font(m.formulaFont)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'middle'
  model.formula.forEach((line, k) => {
    ctx.fillText(line, m.margin, bottom + m.formulaFont * (0.9 + 1.45 * k), size.width - 2 * m.margin)
  })
  ctx.fillStyle = COLOURS.muted
  ctx.font = font(m.legendFont)
  ctx.fillText(model.legend, m.margin, size.height - m.margin - m.legendFont * 0.6, size.width - 2 * m.margin)
  ctx.restore()
}
