// A line chart on a frame (the loss curve of the learning animation): axes with ticks from d3-scale,
// drawn with the same Canvas 2D calls as the panels, so the SVG view and exported frames have it too.

import { scaleLinear, scaleLog } from 'd3-scale'
import type { FrameContext } from './context'
import { COLOURS } from './panel'
import { font } from './text'

export interface LineChart {
  title: string
  /** The points so far: y of x = 0, 1, 2 …; non-finite ones are left out. */
  values: number[]
  /** The x axis runs 0 … xMax for every frame, so the curve grows instead of rescaling. */
  xMax: number
  /** Fixed per scene, like the colour scales. */
  yDomain: [number, number]
  log: boolean
  xLabel: string
  yLabel: string
}

export interface ChartBox {
  x: number
  y: number
  width: number
  height: number
}

/** Ticks as text: short, with exponents for small losses. */
function tickText(value: number): string {
  if (value === 0) return '0'
  const magnitude = Math.abs(value)
  if (magnitude >= 1e-2 && magnitude < 1e4) return String(Number(value.toPrecision(3)))
  return value.toExponential(0).replace('-', '−').replace('+', '')
}

export function drawChart(ctx: FrameContext, chart: LineChart, box: ChartBox, fontPx: number, minText = 0): void {
  const tickFont = Math.max(fontPx * 0.85, minText)
  const left = box.x + tickFont * 4.2
  const right = box.x + box.width - fontPx
  const top = box.y + fontPx * 1.8
  const bottom = box.y + box.height - tickFont * 3.2
  if (right - left < 20 || bottom - top < 20) return
  const x = scaleLinear()
    .domain([0, Math.max(1, chart.xMax)])
    .range([left, right])
  const y = (chart.log ? scaleLog() : scaleLinear()).domain(chart.yDomain).range([bottom, top]).clamp(true)

  ctx.save()
  ctx.fillStyle = COLOURS.text
  ctx.font = font(fontPx, true)
  ctx.textAlign = 'center'
  ctx.textBaseline = 'middle'
  ctx.fillText(chart.title, (left + right) / 2, box.y + fontPx * 0.7, box.width)

  // Axes and ticks.
  ctx.strokeStyle = COLOURS.region
  ctx.lineWidth = 1
  ctx.beginPath()
  ctx.moveTo(left, top)
  ctx.lineTo(left, bottom)
  ctx.lineTo(right, bottom)
  ctx.stroke()
  ctx.font = font(tickFont)
  ctx.fillStyle = COLOURS.muted
  const yTicks = chart.log ? y.ticks(4).filter((_, k, all) => all.length <= 8 || k % Math.ceil(all.length / 8) === 0) : y.ticks(5)
  ctx.textAlign = 'right'
  ctx.strokeStyle = COLOURS.grid
  ctx.beginPath()
  for (const tick of yTicks) {
    const py = y(tick)
    ctx.moveTo(left - 4, py)
    ctx.lineTo(right, py)
    ctx.fillText(tickText(tick), left - 6, py)
  }
  ctx.stroke()
  ctx.textAlign = 'center'
  ctx.textBaseline = 'top'
  ctx.beginPath()
  for (const tick of x.ticks(5).filter(Number.isInteger)) {
    const px = x(tick)
    ctx.moveTo(px, bottom)
    ctx.lineTo(px, bottom + 4)
    ctx.fillText(String(tick), px, bottom + 6)
  }
  ctx.strokeStyle = COLOURS.region
  ctx.stroke()
  ctx.fillText(chart.xLabel, (left + right) / 2, bottom + tickFont * 1.8)
  ctx.textAlign = 'left'
  ctx.textBaseline = 'bottom'
  ctx.fillText(chart.yLabel, box.x, top - fontPx * 0.2)

  // The curve so far, and its last point marked.
  ctx.strokeStyle = COLOURS.window
  ctx.lineWidth = Math.max(1.5, fontPx * 0.15)
  ctx.beginPath()
  let drawing = false
  let last: [number, number] | null = null
  for (let k = 0; k < chart.values.length; k++) {
    const value = chart.values[k]
    if (!Number.isFinite(value) || (chart.log && value <= 0)) {
      drawing = false
      continue
    }
    const point: [number, number] = [x(k), y(value)]
    if (drawing) ctx.lineTo(...point)
    else ctx.moveTo(...point)
    drawing = true
    last = point
  }
  ctx.stroke()
  if (last) {
    const [px, py] = last
    const r = Math.max(2.5, fontPx * 0.3)
    ctx.fillStyle = COLOURS.window
    ctx.fillRect(px - r, py - r, 2 * r, 2 * r)
  }
  ctx.restore()
}

/** A log domain that holds every finite positive value (a loss of exactly 0 has no place on it and is not drawn). */
export function logDomain(values: number[]): [number, number] {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0)
  if (positive.length === 0) return [1e-3, 1]
  let high = positive.reduce((a, b) => Math.max(a, b))
  let low = positive.reduce((a, b) => Math.min(a, b))
  if (!(high > low)) [low, high] = [low / 10, high * 10]
  return [low, high]
}
