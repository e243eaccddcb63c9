// Frames of ConvTranspose2d: its forward as scatter (every input cell stamps x·w into the output,
// overlaps adding up, the running sums on the uncropped output), and the views that are a Conv2d's
// own frames, renamed: forward = Conv2d dE/dx, dE/dx = Conv2d forward of dE/dy, dE/dw = Conv2d
// dE/dw with x and dE/dy swapped. Final numbers are the engine's.

import { currentUnit } from '../core/animation'
import { backwardInputModel } from './backward-input'
import { backwardWeightModel } from './backward-weight'
import type { FamilyScene } from './family-scene'
import { familyCurrentUnit, familyUnitsDone } from './family-scene'
import { familyWordsIn } from './family-words'
import { relabelModel } from './family-relabel'
import { forwardModel } from './forward'
import type { CellKind, FrameModel, Panel } from './panel'
import { COLOURS, planePanel, shownIndices } from './panel'
import { formatValue, indexText, wordsIn } from './text'

/** Output channels of the group shown: two while their uncropped planes are small enough for their numbers, else one. */
const outputsShown = (rows: number) => (rows <= 7 ? 2 : 1)

type TransposedScene = FamilyScene & { layer: { type: 'conv-transpose2d' } }

/** A value added in a written sum: a negative one bracketed, as written by hand (0.50 + (−0.20)). */
export function addend(value: number, decimals: number): string {
  const text = formatValue(value, decimals)
  return text.startsWith('−') ? `(${text})` : text
}

export function familyCounter(scene: FamilyScene, step: number): string {
  return `${wordsIn(scene.options.language).step} ${Math.max(0, step + 1)} / ${scene.plan.steps}`
}

/** The output before the crop: (outH + 2P) × (outW + 2P), every stamp inside it. */
export function uncroppedSize(scene: TransposedScene): { rows: number; cols: number } {
  const g = scene.layer.geometry
  return { rows: g.outH + 2 * g.padH, cols: g.outW + 2 * g.padW }
}

/**
 * The uncropped output after `done` input cells (n, c, i, j) in row-major order: each added
 * x[n,c,i,j]·w[c,o,a,b] at (i·S + a·D, j·S + b·D) of every output channel o of its group.
 */
export function scatterCanvas(scene: TransposedScene, done: number): Float64Array {
  const g = scene.layer.geometry
  const w = scene.layer.weight
  const x = scene.values.input
  const { rows, cols } = uncroppedSize(scene)
  const canvas = new Float64Array(g.batch * g.outChannels * rows * cols)
  const inPlane = g.inH * g.inW
  for (let flat = 0; flat < done; flat++) {
    const j = flat % g.inW
    const i = Math.floor(flat / g.inW) % g.inH
    const nc = Math.floor(flat / inPlane)
    const c = nc % g.inChannels
    const n = Math.floor(nc / g.inChannels)
    const group = Math.floor(c / g.inChannelsPerGroup)
    for (let k = 0; k < g.outChannelsPerGroup; k++) {
      const o = group * g.outChannelsPerGroup + k
      const plane = (n * g.outChannels + o) * rows * cols
      const kernel = (c * g.outChannelsPerGroup + k) * g.kernelH * g.kernelW
      for (let a = 0; a < g.kernelH; a++) {
        const row = plane + (i * g.strideH + a * g.dilationH) * cols + j * g.strideW
        for (let b = 0; b < g.kernelW; b++) canvas[row + b * g.dilationW] += x[flat] * w[kernel + a * g.kernelW + b]
      }
    }
  }
  return canvas
}

export function transposedScatterModel(scene: TransposedScene, step: number): FrameModel {
  const g = scene.layer.geometry
  const { values, scales, options } = scene
  const words = wordsIn(options.language)
  const fw = familyWordsIn(options.language)
  const decimals = options.decimals
  const done = familyUnitsDone(scene.plan, step)
  const unit = familyCurrentUnit(scene.plan, step)
  const [n, c, i, j] = unit ?? [0, 0, 0, 0]
  const { rows, cols } = uncroppedSize(scene)
  const before = scatterCanvas(scene, Math.max(0, done - 1))
  const canvas = scatterCanvas(scene, done)
  const group = Math.floor(c / g.inChannelsPerGroup)
  const inputAt = ((n * g.inChannels + c) * g.inH + i) * g.inW + j
  const x = values.input[inputAt]
  const top = i * g.strideH
  const left = j * g.strideW
  const span = { rows: g.dilationH * (g.kernelH - 1) + 1, cols: g.dilationW * (g.kernelW - 1) + 1 }
  const marked: Array<[number, number]> = []
  for (let a = 0; a < g.kernelH; a++) for (let b = 0; b < g.kernelW; b++) marked.push([top + a * g.dilationH, left + b * g.dilationW])
  const cropped = (r: number, col: number): CellKind => (r < g.padH || r >= g.padH + g.outH || col < g.padW || col >= g.padW + g.outW ? 'padding' : 'value')

  const real = values.inputCells
  const outside = (r: number, col: number): CellKind =>
    real && (r < real.top || r >= real.top + real.height || col < real.left || col >= real.left + real.width) ? 'padding' : 'value'
  const source = planePanel(`x${indexText(n, c)}`, values.input, (n * g.inChannels + c) * g.inH * g.inW, g.inH, g.inW, scales.input, {
    current: unit !== null,
    written: unit ? [[i, j]] : [],
    ...(real ? { kind: outside } : {}),
  })
  const kernels: Panel[] = []
  const stamps: Panel[] = []
  const targets: Panel[] = []
  const results: Panel[] = []
  const lastInGroup = (group + 1) * g.inChannelsPerGroup - 1
  let runningSum: string | null = null
  for (const k of shownIndices(g.outChannelsPerGroup, 0, outputsShown(rows))) {
    const o = group * g.outChannelsPerGroup + k
    const kernelAt = (c * g.outChannelsPerGroup + k) * g.kernelH * g.kernelW
    kernels.push(planePanel(`w${indexText(c, k)}`, scene.layer.weight, kernelAt, g.kernelH, g.kernelW, scales.weight))
    stamps.push({
      title: `${formatValue(x, decimals)}·w`,
      rows: g.kernelH,
      cols: g.kernelW,
      scale: scales.products,
      value: (a, b) => (unit ? x * scene.layer.weight[kernelAt + a * g.kernelW + b] : NaN),
    })
    const plane = (n * g.outChannels + o) * rows * cols
    targets.push(
      planePanel(`y_full${indexText(n, o)}`, canvas, plane, rows, cols, scales.output, {
        current: unit !== null,
        kind: cropped,
        outlines: [
          ...(unit ? [{ row: top, col: left, rows: span.rows, cols: span.cols, colour: COLOURS.window }] : []),
          { row: g.padH, col: g.padW, rows: g.outH, cols: g.outW, colour: COLOURS.region, dashed: true },
        ],
        marked: unit ? marked : [],
      }),
    )
    // The plane of y is final once every input channel of its group has stamped it.
    const planeDone = done >= ((n * g.inChannels + lastInGroup) * g.inH + g.inH - 1) * g.inW + g.inW
    const outAt = (n * g.outChannels + o) * g.outH * g.outW
    results.push(
      planePanel(`${fw.cropBias} → y${indexText(n, o)}`, values.output, outAt, g.outH, g.outW, scales.output, {
        value: (r, col) => (planeDone ? values.output[outAt + r * g.outW + col] : NaN),
      }),
    )
    // A running sum: the first cell of this stamp that another stamp had reached before.
    if (unit && runningSum === null && scene.plan.unitsPerStep === 1) {
      for (const [r, col] of marked) {
        const was = before[plane + r * cols + col]
        if (was === 0) continue
        const now = canvas[plane + r * cols + col]
        runningSum = `${fw.runningSum}: y_full${indexText(n, o, r, col)} = ${formatValue(was, decimals)} + ${addend(now - was, decimals)} = ${formatValue(now, decimals)}`
        break
      }
    }
  }

  const cell = `x${indexText(n, c, i, j)}`
  const formula: string[] = []
  if (unit) {
    formula.push(`y_full[${n},o,${i}·${g.strideH}+a·${g.dilationH},${j}·${g.strideW}+b·${g.dilationW}] += ${cell}·w[${c},o,a,b]   (${fw.stampRule})`)
    formula.push(runningSum ?? `${cell} = ${formatValue(x, decimals)}`)
    if (step >= scene.plan.steps - 1) {
      formula.push(`${fw.cropBias}: y = y_full[:, :, ${g.padH}:${g.padH + g.outH}, ${g.padW}:${g.padW + g.outW}] + b`)
    }
  }
  return {
    title: unit ? `${fw.scatter}: ${cell} = ${formatValue(x, decimals)}` : fw.scatter,
    counter: familyCounter(scene, step),
    // One cell size for all: the uncropped output gets the room its running sums need.
    columns: [
      { panels: [source], grow: 1 },
      { panels: kernels, joiner: '·', grow: 1 },
      { panels: stamps, joiner: '=', grow: 1 },
      { panels: targets, joiner: '+→', grow: 1 },
      { panels: results, joiner: '→', grow: 1 },
    ],
    formula,
    legend: [fw.outsideLegend, words.notYet].join(' · '),
  }
}

/** ConvTranspose2d forward as the very frames of the Conv2d dE/dx animation, named as such. */
export function transposedCorrelationModel(scene: TransposedScene, step: number): FrameModel {
  const inner = scene.inner!
  const g = scene.layer.geometry
  const words = wordsIn(scene.options.language)
  const fw = familyWordsIn(scene.options.language)
  const model = backwardInputModel(inner, step)
  const unit = currentUnit(inner.plan, step)
  const [n, o] = unit ?? [0, 0]
  const outAt = (n * g.outChannels + o) * g.outH * g.outW
  const y = scene.values.output
  const cropWord = words.crop
  const renamed = relabelModel(
    model,
    [
      [words.backwardInput, fw.correlationShort],
      [words.dilatedPadded, fw.zerosInserted],
      ['δ̃', 'x̃'],
      [/dE\/dy(\[)/g, 'x$1'],
      [words.gradPadded, 'y_full'],
      [`${cropWord}: ${words.gradInput} = `, 'y − b = '],
    ],
    (panel, column, index) => {
      // The cropped plane, with the bias added: the engine's y.
      if (column !== model.columns.length - 1 || index !== 1) return panel
      return {
        ...panel,
        title: `${fw.cropBias} → y${indexText(n, o)}`,
        value: (r, col) => (Number.isNaN(panel.value(r, col)) ? NaN : y[outAt + r * g.outW + col]),
      }
    },
  )
  const reach = (d: number, k: number, p: number) => `${d}·(${k}−1)−${p} = ${d * (k - 1) - p}`
  const padLine = `${fw.padNote}: ${reach(g.dilationH, g.kernelH, g.padH)}, ${reach(g.dilationW, g.kernelW, g.padW)}`
  return { ...renamed, formula: [fw.correlation, ...renamed.formula, padLine], counter: familyCounter(scene, step) }
}

/** ConvTranspose2d dE/dx as the Conv2d forward frames on dE/dy (no bias), the engine's dE/dx filling in. */
export function transposedGradInputModel(scene: TransposedScene, step: number): FrameModel {
  const inner = scene.inner!
  const words = wordsIn(scene.options.language)
  const fw = familyWordsIn(scene.options.language)
  const model = forwardModel(inner, step)
  return {
    ...relabelModel(model, [
      [words.forward, fw.transposedGradInput],
      [/b\[\d+\] \+ /g, ''],
      [/xpad/g, 'pad(dE/dy)'],
      ['w·x', 'w·dE/dy'],
      [/(^|[^A-Za-z/])y\[/g, '$1dE/dx['],
    ]),
    counter: familyCounter(scene, step),
  }
}

/** ConvTranspose2d dE/dw as the Conv2d dE/dw frames with x and dE/dy swapped; dE/db beside. */
export function transposedGradWeightModel(scene: TransposedScene, step: number): FrameModel {
  const inner = scene.inner!
  const words = wordsIn(scene.options.language)
  const fw = familyWordsIn(scene.options.language)
  const model = backwardWeightModel(inner, step)
  const renamed = relabelModel(model, [
    [words.backwardWeight, fw.transposedGradWeight],
    [words.dilated, words.dilated.replace('dE/dy', 'x')],
    ['δ̃', 'x̃'],
    [/xpad/g, 'pad(dE/dy)'],
  ])
  const formula = [...renamed.formula]
  const gradBias = scene.values.gradBias
  if (gradBias && step >= scene.plan.steps - 1) {
    formula.push(`dE/db = Σn,i,j dE/dy = [${Array.from(gradBias, (v) => formatValue(v, scene.options.decimals)).join(', ')}]`)
  }
  return { ...renamed, formula, counter: familyCounter(scene, step) }
}
