// Frames of MaxPool2d and AvgPool2d: forward (the window on the padded input, the winner marked
// and ties explained; the average and its divisor, shown where edge windows count fewer cells)
// and backward (each dE/dy routed to its argmax, or spread as g / divisor, overlaps adding up).
// Outputs, argmaxes and the final dE/dx are the engine's.

import { avgPoolDivisors } from '../core/avg-pool2d'
import type { PoolGeometry } from '../core/pool-geometry'
import { sequentialScale } from './colours'
import type { FamilyScene } from './family-scene'
import { familyCurrentUnit, familyUnitsDone } from './family-scene'
import { addend, familyCounter } from './family-transposed'
import type { FamilyWords } from './family-words'
import { familyWordsIn } from './family-words'
import type { CellKind, FrameModel, Outline, Panel } from './panel'
import { COLOURS, planePanel } from './panel'
import { formatValue, indexText, wordsIn } from './text'

type PoolScene = FamilyScene & { layer: { type: 'max-pool2d' | 'avg-pool2d'; geometry: PoolGeometry } }

/** Window cells written out one by one in a formula up to this many. */
const TERMS_WRITTEN = 9

/** The padded grid every window reaches: input + padding, longer where a ceil-mode window hangs past it. */
export function poolGrid(g: PoolGeometry): { rows: number; cols: number } {
  return {
    rows: Math.max(g.inH + 2 * g.padH, (g.outH - 1) * g.strideH + g.dilationH * (g.kernelH - 1) + 1),
    cols: Math.max(g.inW + 2 * g.padW, (g.outW - 1) * g.strideW + g.dilationW * (g.kernelW - 1) + 1),
  }
}

function isReal(g: PoolGeometry, r: number, c: number): boolean {
  return r >= g.padH && r < g.padH + g.inH && c >= g.padW && c < g.padW + g.inW
}

const gridKind =
  (g: PoolGeometry) =>
  (r: number, c: number): CellKind =>
    isReal(g, r, c) ? 'value' : 'padding'

/** A plane of (N, C, H, W) values on the padded grid; padding cells hold `fill`. */
function gridPanel(
  title: string,
  g: PoolGeometry,
  values: ArrayLike<number>,
  n: number,
  c: number,
  fill: number,
  extra: Partial<Panel>,
  scale: Panel['scale'],
): Panel {
  const { rows, cols } = poolGrid(g)
  const at = (n * g.channels + c) * g.inH * g.inW
  return {
    title,
    rows,
    cols,
    scale,
    kind: gridKind(g),
    value: (r, col) => (isReal(g, r, col) ? values[at + (r - g.padH) * g.inW + col - g.padW] : fill),
    ...extra,
  }
}

/** The window of output (i, j) on the padded grid: its outline and the cells it reads. */
function windowOf(g: PoolGeometry, i: number, j: number) {
  const top = i * g.strideH
  const left = j * g.strideW
  const cells: Array<[number, number]> = []
  for (let a = 0; a < g.kernelH; a++) for (let b = 0; b < g.kernelW; b++) cells.push([top + a * g.dilationH, left + b * g.dilationW])
  const outline: Outline = {
    row: top,
    col: left,
    rows: g.dilationH * (g.kernelH - 1) + 1,
    cols: g.dilationW * (g.kernelW - 1) + 1,
    colour: COLOURS.window,
  }
  return { top, left, cells, outline }
}

/** What every pool frame of `step` reads: the geometry, the words, the output unit and its window. */
function stepOf(scene: PoolScene, step: number) {
  const unit = familyCurrentUnit(scene.plan, step)
  const [n, c, i, j] = unit ?? [0, 0, 0, 0]
  const g = scene.layer.geometry
  const { options } = scene
  return {
    g,
    fw: familyWordsIn(options.language),
    decimals: options.decimals,
    unit,
    n,
    c,
    i,
    j,
    flat: ((n * g.channels + c) * g.outH + i) * g.outW + j,
    done: familyUnitsDone(scene.plan, step),
    window: windowOf(g, i, j),
  }
}
type PoolStep = ReturnType<typeof stepOf>

/** MaxPool2d: the argmax of the step's output (flat in its input plane) and its cell on the padded grid. */
function winnerOf(scene: PoolScene, s: PoolStep): { index: number; winner: [number, number] } {
  const index = s.unit ? scene.values.indices![s.flat] : 0
  return { index, winner: [Math.floor(index / s.g.inW) + s.g.padH, (index % s.g.inW) + s.g.padW] }
}

/** The frame around a pool's panels: its counter and the legend every pool frame has. */
function poolFrame(scene: PoolScene, step: number, title: string, columns: FrameModel['columns'], formula: string[]): FrameModel {
  const words = wordsIn(scene.options.language)
  return { title, counter: familyCounter(scene, step), columns, formula, legend: [words.padding, words.notYet].join(' · ') }
}

/** The window's own cells (a, b) in a small panel: padding cells marked, values read through `value`. */
function windowPanel(
  g: PoolGeometry,
  s: PoolStep,
  title: string,
  scale: Panel['scale'],
  value: (r: number, col: number) => number,
  extra: Partial<Panel> = {},
): Panel {
  const at = (a: number, b: number): [number, number] => [s.window.top + a * g.dilationH, s.window.left + b * g.dilationW]
  return {
    title,
    rows: g.kernelH,
    cols: g.kernelW,
    scale,
    kind: (a, b) => (isReal(g, ...at(a, b)) ? 'value' : 'padding'),
    value: (a, b) => (s.unit ? value(...at(a, b)) : NaN),
    ...extra,
  }
}

/** dE/dy's plane, the step's cell written. */
function upstreamPanel(scene: PoolScene, s: PoolStep): Panel {
  const g = s.g
  return planePanel(
    `dE/dy${indexText(s.n, s.c)}`,
    scene.values.gradOutput!,
    (s.n * g.channels + s.c) * g.outH * g.outW,
    g.outH,
    g.outW,
    scene.scales.gradOutput,
    {
      current: s.unit !== null,
      written: s.unit ? [[s.i, s.j]] : [],
    },
  )
}

/** dE/dx so far on the padded grid, the step's window outlined. */
function gradSoFarPanel(scene: PoolScene, s: PoolStep, after: Float64Array, extra: Partial<Panel>): Panel {
  return gridPanel(
    `${s.fw.gradSoFar}${indexText(s.n, s.c)}`,
    s.g,
    after,
    s.n,
    s.c,
    0,
    { current: s.unit !== null, outlines: s.unit ? [s.window.outline] : [], ...extra },
    scene.scales.gradInput,
  )
}

function outputPanel(scene: PoolScene, n: number, c: number, i: number, j: number, done: number, current: boolean): Panel {
  const g = scene.layer.geometry
  const offset = (n * g.channels + c) * g.outH * g.outW
  return planePanel(`y${indexText(n, c)}`, scene.values.output, offset, g.outH, g.outW, scene.scales.output, {
    current,
    value: (r, col) => (offset + r * g.outW + col < done ? scene.values.output[offset + r * g.outW + col] : NaN),
    written: current ? [[i, j]] : [],
  })
}

/** dE/dx after `done` output cells: max-pool routes each dE/dy to its argmax, avg-pool spreads g / divisor. */
export function poolGradSoFar(scene: PoolScene, done: number): Float64Array {
  const g = scene.layer.geometry
  const dy = scene.values.gradOutput!
  const grad = new Float64Array(g.batch * g.channels * g.inH * g.inW)
  const inPlane = g.inH * g.inW
  const outPlane = g.outH * g.outW
  const divisors = scene.layer.type === 'avg-pool2d' ? avgPoolDivisors(g) : null
  for (let flat = 0; flat < done; flat++) {
    const base = Math.floor(flat / outPlane) * inPlane
    if (!divisors) {
      grad[base + scene.values.indices![flat]] += dy[flat]
      continue
    }
    const ij = flat % outPlane
    const i = Math.floor(ij / g.outW)
    const j = ij % g.outW
    const share = dy[flat] / divisors[ij]
    const [h0, h1] = realSpan(i, g.strideH, g.padH, g.kernelH, g.inH)
    const [w0, w1] = realSpan(j, g.strideW, g.padW, g.kernelW, g.inW)
    for (let h = h0; h < h1; h++) for (let w = w0; w < w1; w++) grad[base + h * g.inW + w] += share
  }
  return grad
}

/** First and last+1 real input row (or column) of an avg-pool window. */
function realSpan(i: number, stride: number, padding: number, kernel: number, size: number): [number, number] {
  const first = i * stride - padding
  return [Math.max(first, 0), Math.min(first + kernel, size)]
}

function listOrSum(values: number[], decimals: number, join: string): string {
  if (values.length <= TERMS_WRITTEN) return values.map((v, k) => (k > 0 && join.includes('+') ? addend(v, decimals) : formatValue(v, decimals))).join(join)
  return `${values.length}×…`
}

export function maxForwardModel(scene: PoolScene, step: number): FrameModel {
  const { values, scales } = scene
  const s = stepOf(scene, step)
  const { g, fw, decimals, unit, n, c, i, j, flat, done, window } = s
  const { index, winner } = winnerOf(scene, s)
  const input = gridPanel(`x${indexText(n, c)}`, g, values.input, n, c, -Infinity, {}, scales.input)
  const max = values.output[flat]
  // Other real cells of the window equal to the maximum (or NaN when a NaN won): ties PyTorch's rule settles.
  const real = window.cells.filter(([r, col]) => isReal(g, r, col))
  const equal = (v: number) => (Number.isNaN(max) ? Number.isNaN(v) : v === max)
  const ties = unit ? real.filter(([r, col]) => (r !== winner[0] || col !== winner[1]) && equal(input.value(r, col))) : []
  const tieOutline = ([r, col]: [number, number]): Outline => ({ row: r, col, rows: 1, cols: 1, colour: COLOURS.window, dashed: true })

  const inputPanel: Panel = {
    ...input,
    outlines: unit ? [window.outline, ...ties.map(tieOutline)] : [],
    marked: unit ? window.cells : [],
    written: unit ? [winner] : [],
  }
  const cells = windowPanel(g, s, unit ? `${fw.window}: max = ${formatValue(max, decimals)}` : fw.window, scales.input, input.value, {
    written: unit ? cellsInWindow(g, window, [winner]) : [],
    outlines: unit ? cellsInWindow(g, window, ties).map(tieOutline) : [],
  })

  const formula: string[] = []
  if (unit) {
    const h = winner[0] - g.padH
    const w = winner[1] - g.padW
    const shown = real.map(([r, col]) => input.value(r, col))
    formula.push(`y${indexText(n, c, i, j)} = max(${listOrSum(shown, decimals, ', ')}) = ${formatValue(max, decimals)}`)
    formula.push(`${fw.argmax}: x${indexText(n, c, h, w)}, ${fw.flatIndex} = ${h}·${g.inW} + ${w} = ${index}`)
    if (ties.length > 0) {
      const named = [[h, w], ...ties.map(([r, col]) => [r - g.padH, col - g.padW])].map(([r, col]) => `x${indexText(n, c, r, col)}`)
      formula.push(Number.isNaN(max) ? `${fw.tie}: ${named.join(' = ')} = NaN: ${fw.nanRule}` : `${fw.tie}: ${named.join(' = ')}: ${fw.tieRule}`)
    } else if (Number.isNaN(max)) formula.push(fw.nanRule)
    if (real.length < window.cells.length) formula.push(fw.minusInfinity)
  }
  return poolFrame(
    scene,
    step,
    unit ? `${fw.maxForward}: y${indexText(n, c, i, j)} = ${formatValue(max, decimals)}` : fw.maxForward,
    [{ panels: [inputPanel] }, { panels: [cells], joiner: '→', grow: 3 }, { panels: [outputPanel(scene, n, c, i, j, done, unit !== null)], joiner: '→' }],
    formula,
  )
}

/** Grid cells given as window positions (a, b), for the window panel; cells outside it are left out. */
function cellsInWindow(g: PoolGeometry, window: { top: number; left: number }, cells: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (const [r, col] of cells) {
    const a = (r - window.top) / g.dilationH
    const b = (col - window.left) / g.dilationW
    if (Number.isInteger(a) && Number.isInteger(b) && a >= 0 && a < g.kernelH && b >= 0 && b < g.kernelW) out.push([a, b])
  }
  return out
}

export function maxBackwardModel(scene: PoolScene, step: number): FrameModel {
  const { values, scales } = scene
  const s = stepOf(scene, step)
  const { g, fw, decimals, unit, n, c, i, j, flat, done, window } = s
  const { index, winner } = winnerOf(scene, s)
  const dy = values.gradOutput!
  const before = poolGradSoFar(scene, Math.max(0, done - 1))
  const after = poolGradSoFar(scene, done)
  const input = gridPanel(
    `x${indexText(n, c)}`,
    g,
    values.input,
    n,
    c,
    -Infinity,
    { outlines: unit ? [window.outline] : [], marked: unit ? window.cells : [], written: unit ? [winner] : [] },
    scales.input,
  )
  const formula: string[] = []
  if (unit) {
    const h = winner[0] - g.padH
    const w = winner[1] - g.padW
    const at = (n * g.channels + c) * g.inH * g.inW + h * g.inW + w
    formula.push(`dE/dx${indexText(n, c, h, w)} += dE/dy${indexText(n, c, i, j)}   (${fw.argmax} = ${index}; ${fw.routed})`)
    formula.push(`dE/dx${indexText(n, c, h, w)} = ${formatValue(before[at], decimals)} + ${addend(dy[flat], decimals)} = ${formatValue(after[at], decimals)}`)
  }
  return poolFrame(
    scene,
    step,
    unit ? `${fw.maxBackward}: dE/dy${indexText(n, c, i, j)} = ${formatValue(dy[flat], decimals)}` : fw.maxBackward,
    [
      { panels: [upstreamPanel(scene, s)] },
      { panels: [input], joiner: '→' },
      { panels: [gradSoFarPanel(scene, s, after, { written: unit ? [winner] : [] })], joiner: '+→' },
    ],
    formula,
  )
}

/** How the divisor of window (i, j) is counted, with its numbers. */
export function divisorLine(g: PoolGeometry, i: number, j: number, divisor: number, fw: FamilyWords): string {
  if (g.divisorOverride !== null) return `${fw.divisor} = ${fw.divisorOverride} = ${divisor}`
  const axis = (k: number, stride: number, padding: number, kernel: number, size: number) => {
    const first = k * stride - padding
    const last = Math.min(first + kernel, size + padding)
    return { padded: last - first, real: Math.min(first + kernel, size) - Math.max(first, 0), hangs: first + kernel > size + padding }
  }
  const rows = axis(i, g.strideH, g.padH, g.kernelH, g.inH)
  const cols = axis(j, g.strideW, g.padW, g.kernelW, g.inW)
  if (!g.countIncludePad) return `${fw.divisor} = ${rows.real}·${cols.real} = ${divisor}   (${fw.divisorExclude})`
  const hangs = rows.hangs || cols.hangs ? `; ${fw.hangs}` : ''
  return `${fw.divisor} = ${rows.padded}·${cols.padded} = ${divisor}   (${fw.divisorInclude}${hangs})`
}

function divisorPanel(scene: PoolScene, divisors: Float64Array, i: number, j: number, current: boolean, fw: FamilyWords): Panel {
  const g = scene.layer.geometry
  let largest = 1
  for (const d of divisors) largest = Math.max(largest, Math.abs(d))
  return planePanel(fw.divisors, divisors, 0, g.outH, g.outW, sequentialScale(0, largest, 'grayscale'), { written: current ? [[i, j]] : [] })
}

export function avgForwardModel(scene: PoolScene, step: number): FrameModel {
  const { values, scales } = scene
  const s = stepOf(scene, step)
  const { g, fw, decimals, unit, n, c, i, j, flat, done, window } = s
  const divisors = avgPoolDivisors(g)
  const divisor = divisors[i * g.outW + j]
  const input = gridPanel(`x${indexText(n, c)}`, g, values.input, n, c, 0, {}, scales.input)
  const real = window.cells.filter(([r, col]) => isReal(g, r, col))
  const inputPanel: Panel = { ...input, outlines: unit ? [window.outline] : [], marked: unit ? real : [] }
  const y = values.output[flat]
  const formula: string[] = []
  if (unit) {
    const terms = real.map(([r, col]) => input.value(r, col))
    const sum = terms.reduce((total, v) => total + v, 0)
    const written = terms.length <= TERMS_WRITTEN ? `(${listOrSum(terms, decimals, ' + ')})` : formatValue(sum, decimals)
    formula.push(`y${indexText(n, c, i, j)} = Σ x / ${fw.divisor} = ${written} / ${divisor} = ${formatValue(y, decimals)}`)
    formula.push(divisorLine(g, i, j, divisor, fw))
  }
  return poolFrame(
    scene,
    step,
    unit ? `${fw.avgForward}: y${indexText(n, c, i, j)} = ${formatValue(y, decimals)}` : fw.avgForward,
    [
      { panels: [inputPanel] },
      { panels: [windowPanel(g, s, unit ? `${fw.window}: Σ / ${divisor}` : fw.window, scales.input, input.value)], joiner: '→', grow: 3 },
      { panels: [divisorPanel(scene, divisors, i, j, unit !== null, fw)], joiner: '÷' },
      { panels: [outputPanel(scene, n, c, i, j, done, unit !== null)], joiner: '=' },
    ],
    formula,
  )
}

export function avgBackwardModel(scene: PoolScene, step: number): FrameModel {
  const { values, scales } = scene
  const s = stepOf(scene, step)
  const { g, fw, decimals, unit, n, c, i, j, flat, done, window } = s
  const divisor = avgPoolDivisors(g)[i * g.outW + j]
  const dy = values.gradOutput!
  const share = dy[flat] / divisor
  const after = poolGradSoFar(scene, done)
  const real = window.cells.filter(([r, col]) => isReal(g, r, col))
  const shares = windowPanel(g, s, unit ? `${fw.share} = ${formatValue(dy[flat], decimals)} / ${divisor}` : fw.share, scales.gradInput, (r, col) =>
    isReal(g, r, col) ? share : 0,
  )
  const formula: string[] = []
  if (unit) {
    formula.push(
      `dE/dx[${n},${c}, ${fw.window}] += dE/dy${indexText(n, c, i, j)} / ${divisor} = ${formatValue(dy[flat], decimals)} / ${divisor} = ${formatValue(share, decimals)}   (${fw.spread})`,
    )
    formula.push(divisorLine(g, i, j, divisor, fw))
  }
  return poolFrame(
    scene,
    step,
    unit ? `${fw.avgBackward}: dE/dy${indexText(n, c, i, j)} = ${formatValue(dy[flat], decimals)}` : fw.avgBackward,
    [
      { panels: [upstreamPanel(scene, s)] },
      { panels: [shares], joiner: '÷', grow: 3 },
      { panels: [gradSoFarPanel(scene, s, after, { marked: unit ? real : [] })], joiner: '+→' },
    ],
    formula,
  )
}
