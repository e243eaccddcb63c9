// A frame of dE/dx by the seed's derivation: dE/dy dilated by the stride (zeros inserted),
// padded by D·(K−1), correlated at stride 1 with rot180(w); dE/d(xpad) fills in; the padding
// is cropped (or folded back, for reflect/replicate/circular) at the end.

import { fullPadding } from '../core/backward-derivation'
import type { ConvGeometry } from '../core/geometry'
import { counterText, frameStart, cropOutline, kernelWindow, legendText, paddingKind, productLine, sumLine } from './common'
import type { CellKind, FrameModel, Panel } from './panel'
import { planePanel, shownIndices } from './panel'
import type { Scene } from './scene'
import { formatValue, indexText } from './text'

const OUTPUTS_SHOWN = 2

/** The dilated dE/dy of plane (n, m) inside its full padding, as big as every window reaches. */
export function paddedDilated(scene: Scene, n: number, m: number) {
  const g = scene.geometry
  const dilated = scene.data.dilated!
  const full = fullPadding(g)
  const rows = g.paddedH + full.rows
  const cols = g.paddedW + full.cols
  const offset = (n * g.outChannels + m) * dilated.height * dilated.width
  const inside = (r: number, c: number) => r >= 0 && r < dilated.height && c >= 0 && c < dilated.width
  const value = (row: number, col: number): number => {
    const r = row - full.rows
    const c = col - full.cols
    return inside(r, c) ? dilated.data[offset + r * dilated.width + c] : 0
  }
  const kind = (row: number, col: number): CellKind => {
    const r = row - full.rows
    const c = col - full.cols
    if (!inside(r, c)) return 'padding'
    return r % g.strideH === 0 && c % g.strideW === 0 ? 'value' : 'inserted'
  }
  return { rows, cols, value, kind }
}

function rotated(g: ConvGeometry, weight: Float64Array, m: number, c: number) {
  const at = (m * g.inChannelsPerGroup + c) * g.kernelH * g.kernelW
  return (a: number, b: number) => weight[at + (g.kernelH - 1 - a) * g.kernelW + (g.kernelW - 1 - b)]
}

export function backwardInputModel(scene: Scene, step: number): FrameModel {
  const { geometry: g, inputs, data } = scene
  const { words, scales, decimals, done, unit } = frameStart(scene, step)
  const [n, c, p, q] = unit ?? [0, 0, 0, 0]
  const group = Math.floor(c / g.inChannelsPerGroup)
  const cInGroup = c - group * g.inChannelsPerGroup
  const groupOutputs = Array.from({ length: g.outChannelsPerGroup }, (_, k) => group * g.outChannelsPerGroup + k)
  const shown = new Set(shownIndices(g.outChannelsPerGroup, 0, OUTPUTS_SHOWN).map((k) => groupOutputs[k]))
  const window = kernelWindow(g, p, q)
  const plane = g.paddedH * g.paddedW

  const upstream: Panel[] = []
  const spread: Panel[] = []
  const kernels: Panel[] = []
  const products: Panel[] = []
  const partials: Array<{ value: number; label: string }> = []
  const pairs: Array<[number, number]> = []
  // Every output channel of the group adds to the sum; panels show the first few.
  for (const m of groupOutputs) {
    const grid = paddedDilated(scene, n, m)
    const kernel = rotated(g, inputs.weight, m, cInGroup)
    const product = (a: number, b: number) => kernel(a, b) * grid.value(p + a * g.dilationH, q + b * g.dilationW)
    let partial = 0
    for (let a = 0; a < g.kernelH; a++) {
      for (let b = 0; b < g.kernelW; b++) {
        partial += product(a, b)
        pairs.push([kernel(a, b), grid.value(p + a * g.dilationH, q + b * g.dilationW)])
      }
    }
    partials.push({ value: partial, label: `m=${m}` })
    if (!shown.has(m)) continue
    upstream.push(planePanel(`dE/dy${indexText(n, m)}`, inputs.gradOutput!, (n * g.outChannels + m) * g.outH * g.outW, g.outH, g.outW, scales.gradOutput))
    spread.push({
      title: `δ̃${indexText(n, m)}: ${words.dilatedPadded}`,
      rows: grid.rows,
      cols: grid.cols,
      value: grid.value,
      kind: grid.kind,
      scale: scales.gradOutput,
      outlines: unit ? [window.outline] : [],
      marked: unit ? window.marked : [],
    })
    kernels.push({ title: `${words.rotated}${indexText(m, cInGroup)}`, rows: g.kernelH, cols: g.kernelW, value: kernel, scale: scales.weight })
    products.push({
      title: `${words.sum} = ${formatValue(partial, decimals)}`,
      rows: g.kernelH,
      cols: g.kernelW,
      value: (a, b) => (unit ? product(a, b) : NaN),
      scale: scales.gradProducts,
    })
  }

  const planeOffset = (n * g.inChannels + c) * plane
  const gradPadded = data.gradPadded!
  const target = planePanel(`${words.gradPadded}${indexText(n, c)}`, gradPadded, planeOffset, g.paddedH, g.paddedW, scales.gradPadded, {
    current: unit !== null,
    value: (r, col) => (planeOffset + r * g.paddedW + col < done ? gradPadded[planeOffset + r * g.paddedW + col] : NaN),
    kind: paddingKind(g),
    written: unit ? [[p, q]] : [],
    outlines: [cropOutline(g)],
  })
  // dE/dx of a plane appears once its padded gradient is complete: the crop (or fold) is its last stage.
  const planeDone = done >= planeOffset + plane
  const inputOffset = (n * g.inChannels + c) * g.inH * g.inW
  const cropWord = g.paddingMode === 'zeros' ? words.crop : words.fold
  const result = planePanel(`${cropWord} → ${words.gradInput}${indexText(n, c)}`, data.gradInput!, inputOffset, g.inH, g.inW, scales.gradPadded, {
    value: (r, col) => (planeDone ? data.gradInput![inputOffset + r * g.inW + col] : NaN),
  })

  const value = unit ? gradPadded[planeOffset + p * g.paddedW + q] : NaN
  const cell = `${words.gradPadded}${indexText(n, c, p, q)}`
  const formula: string[] = []
  if (unit) {
    formula.push(`${cell} = Σm Σa,b ${words.rotated}[m,${cInGroup},a,b]·δ̃[${n},m,${p}+a·${g.dilationH},${q}+b·${g.dilationW}]   (δ̃: ${words.dilatedPadded})`)
    formula.push(pairs.length <= 9 ? productLine(pairs, null, value, decimals) : sumLine(partials, value, decimals))
    if (step >= scene.plan.steps - 1) {
      const interior = `${words.gradPadded}[:, :, ${g.padTop}:${g.padTop + g.inH}, ${g.padLeft}:${g.padLeft + g.inW}]`
      formula.push(
        g.paddingMode === 'zeros'
          ? `${cropWord}: ${words.gradInput} = ${interior}`
          : `${cropWord} (${g.paddingMode}): ${words.gradInput} = ${interior} + ${words.foldDetail}`,
      )
    }
  }
  return {
    title: unit ? `${words.backwardInput}: ${cell} = ${formatValue(value, decimals)}` : words.backwardInput,
    counter: counterText(scene, step),
    columns: [
      { panels: upstream },
      { panels: spread, joiner: '→' },
      { panels: kernels, joiner: '⋆' },
      { panels: products, joiner: '=' },
      { panels: [target, result], joiner: 'Σ→' },
    ],
    formula,
    legend: legendText(words, g.strideH > 1 || g.strideW > 1),
  }
}
