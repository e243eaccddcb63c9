// A frame of dE/dx as scatter: each output cell sends w·dE/dy back into its receptive field,
// and dE/d(xpad) accumulates; it ends in the same numbers as the correlation view.

import { scatterState } from '../core/animation'
import { counterText, frameStart, cropOutline, kernelWindow, legendText, paddingKind } from './common'
import type { FrameModel, Panel } from './panel'
import { planePanel, shownIndices } from './panel'
import type { Scene } from './scene'
import { formatValue, indexText } from './text'

const CHANNELS_SHOWN = 3

export function backwardScatterModel(scene: Scene, step: number): FrameModel {
  const { geometry: g, inputs, data } = scene
  const { words, scales, decimals, done, unit } = frameStart(scene, step)
  const [n, m, i, j] = unit ?? [0, 0, 0, 0]
  const gradOutput = inputs.gradOutput!
  const upstreamAt = ((n * g.outChannels + m) * g.outH + i) * g.outW + j
  const upstream = gradOutput[upstreamAt]
  const group = Math.floor(m / g.outChannelsPerGroup)
  const accumulated = scatterState(data, inputs.weight, gradOutput, done)
  const window = kernelWindow(g, i * g.strideH, j * g.strideW)
  const kernelPlane = g.kernelH * g.kernelW
  const planeOffset = (n * g.outChannels + m) * g.outH * g.outW

  const source = planePanel(`dE/dy${indexText(n, m)}`, gradOutput, planeOffset, g.outH, g.outW, scales.gradOutput, {
    current: unit !== null,
    written: unit ? [[i, j]] : [],
  })
  const kernels: Panel[] = []
  const sent: Panel[] = []
  const targets: Panel[] = []
  for (const c of shownIndices(g.inChannelsPerGroup, 0, CHANNELS_SHOWN)) {
    const channel = group * g.inChannelsPerGroup + c
    const kernelAt = (m * g.inChannelsPerGroup + c) * kernelPlane
    kernels.push(planePanel(`w${indexText(m, c)}`, inputs.weight, kernelAt, g.kernelH, g.kernelW, scales.weight))
    sent.push({
      title: `w·${formatValue(upstream, decimals)}`,
      rows: g.kernelH,
      cols: g.kernelW,
      scale: scales.gradProducts,
      value: (a, b) => (unit ? inputs.weight[kernelAt + a * g.kernelW + b] * upstream : NaN),
    })
    const offset = (n * g.inChannels + channel) * g.paddedH * g.paddedW
    targets.push(
      planePanel(`${words.accumulated}${indexText(n, channel)}`, accumulated, offset, g.paddedH, g.paddedW, scales.gradPadded, {
        current: true,
        kind: paddingKind(g),
        outlines: unit ? [window.outline, cropOutline(g)] : [cropOutline(g)],
        marked: unit ? window.marked : [],
      }),
    )
  }
  const cell = `dE/dy${indexText(n, m, i, j)}`
  const formula = unit
    ? [
        `${words.gradPadded}[${n},c,${i}·${g.strideH}+a·${g.dilationH},${j}·${g.strideW}+b·${g.dilationW}] += w[${m},c,a,b]·${cell}`,
        `${cell} = ${formatValue(upstream, decimals)}`,
      ]
    : []
  return {
    title: unit ? `${words.backwardScatter}: ${cell} = ${formatValue(upstream, decimals)}` : words.backwardScatter,
    counter: counterText(scene, step),
    columns: [{ panels: [source] }, { panels: kernels, joiner: '·' }, { panels: sent, joiner: '=' }, { panels: targets, joiner: '+→' }],
    formula,
    legend: legendText(words, false),
  }
}
