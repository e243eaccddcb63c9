// A frame of the forward animation: the window over the padded input, the kernel, the products,
// the sum with the bias, and the output map filling in, in the seed's order.

import { traceCell } from '../core/trace'
import { counterText, frameStart, kernelWindow, legendText, paddingKind, productLine, sumLine } from './common'
import type { FrameModel, Panel, PanelColumn } from './panel'
import { planePanel, shownIndices } from './panel'
import type { Scene } from './scene'
import { formatValue, indexText } from './text'

const CHANNELS_SHOWN = 3
const OUTPUTS_SHOWN = 4

export function forwardModel(scene: Scene, step: number): FrameModel {
  const { geometry: g, inputs, data, options } = scene
  const { words, scales, decimals, done, unit } = frameStart(scene, step)
  const [n, m, i, j] = unit ?? [0, 0, 0, 0]
  const trace = traceCell(inputs.input, inputs.weight, inputs.bias, g, { n, m, i, j })
  const group = Math.floor(m / g.outChannelsPerGroup)
  const channels = shownIndices(g.inChannelsPerGroup, 0, CHANNELS_SHOWN)
  const kernelPlane = g.kernelH * g.kernelW
  const window = kernelWindow(g, i * g.strideH, j * g.strideW)

  const inputPanels: Panel[] = []
  const kernelPanels: Panel[] = []
  const flippedPanels: Panel[] = []
  const productPanels: Panel[] = []
  for (const c of channels) {
    const channel = group * g.inChannelsPerGroup + c
    inputPanels.push(
      planePanel(`xpad${indexText(n, channel)}`, data.paddedInput, (n * g.inChannels + channel) * g.paddedH * g.paddedW, g.paddedH, g.paddedW, scales.input, {
        kind: paddingKind(g),
        outlines: unit ? [window.outline] : [],
        marked: unit ? window.marked : [],
      }),
    )
    const kernelAt = (m * g.inChannelsPerGroup + c) * kernelPlane
    kernelPanels.push(
      planePanel(options.trueConvolution ? `${words.rotatedK}` : `w${indexText(m, c)}`, inputs.weight, kernelAt, g.kernelH, g.kernelW, scales.weight),
    )
    if (options.trueConvolution) {
      flippedPanels.push({
        title: `k${indexText(m, c)}`,
        rows: g.kernelH,
        cols: g.kernelW,
        scale: scales.weight,
        value: (a, b) => inputs.weight[kernelAt + (g.kernelH - 1 - a) * g.kernelW + (g.kernelW - 1 - b)],
      })
    }
    const terms = trace.terms.filter((t) => t.channel === channel)
    productPanels.push({
      title: unit ? `w·x  ${words.sum} = ${formatValue(trace.partialSums[c], decimals)}` : 'w·x',
      rows: g.kernelH,
      cols: g.kernelW,
      scale: scales.products,
      value: (a, b) => (unit ? terms[a * g.kernelW + b].product : NaN),
    })
  }
  const outputs = shownIndices(g.outChannels, m, OUTPUTS_SHOWN).map((mm) => {
    const offset = (n * g.outChannels + mm) * g.outH * g.outW
    return planePanel(`y${indexText(n, mm)}`, data.output, offset, g.outH, g.outW, scales.output, {
      current: mm === m && unit !== null,
      value: (r, c) => (offset + r * g.outW + c < done ? data.output[offset + r * g.outW + c] : NaN),
      written: mm === m && unit ? [[i, j]] : [],
      outlines: [],
    })
  })

  const columns: PanelColumn[] = [{ panels: inputPanels }]
  if (options.trueConvolution) columns.push({ panels: flippedPanels, joiner: '∗' })
  columns.push({ panels: kernelPanels, joiner: options.trueConvolution ? '=' : '⋆' }, { panels: productPanels, joiner: '→' }, { panels: outputs, joiner: '→' })

  const name = options.trueConvolution ? words.convolution : words.forward
  const cell = `y${indexText(n, m, i, j)}`
  const title = unit ? `${name}: ${cell} = ${formatValue(trace.value, decimals)}` : name
  const formula: string[] = []
  if (unit) {
    const rowIndex = `${i}·${g.strideH}+a·${g.dilationH}`
    const colIndex = `${j}·${g.strideW}+b·${g.dilationW}`
    const sum = `${cell} = b[${m}] + Σc Σa,b w[${m},c,a,b]·xpad[${n},c,${rowIndex},${colIndex}]`
    formula.push(options.trueConvolution ? `${sum}   (x ∗ k = x ⋆ rot180(k))` : sum)
    if (trace.terms.length <= 9) {
      formula.push(
        productLine(
          trace.terms.map((t) => [t.weight, t.input]),
          g.hasBias ? trace.bias : null,
          trace.value,
          decimals,
        ),
      )
    } else {
      const parts = trace.partialSums.map((value, c) => ({ value, label: `c=${group * g.inChannelsPerGroup + c}` }))
      if (g.hasBias) parts.push({ value: trace.bias, label: 'b' })
      formula.push(sumLine(parts, trace.value, decimals))
    }
  }
  return { title, counter: counterText(scene, step), columns, formula, legend: legendText(words, false) }
}
