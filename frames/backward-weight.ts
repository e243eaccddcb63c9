// A frame of dE/dw by the seed's derivation: the padded input correlated with the stride-dilated
// dE/dy placed at offset (a·D, b·D); each kernel cell accumulates over the batch.

import { counterText, frameStart, legendText, paddingKind, sumLine } from './common'
import type { CellKind, FrameModel, Panel } from './panel'
import { COLOURS, planePanel, shownIndices } from './panel'
import type { Scene } from './scene'
import { formatValue, indexText } from './text'

const SAMPLES_SHOWN = 2
const CHANNELS_SHOWN = 3
/** Frame every read cell only while they are few enough to see. */
const MARKED_AT_MOST = 400

export function backwardWeightModel(scene: Scene, step: number): FrameModel {
  const { geometry: g, data } = scene
  const { words, scales, decimals, done, unit } = frameStart(scene, step)
  const [m, cInGroup, a, b] = unit ?? [0, 0, 0, 0]
  const group = Math.floor(m / g.outChannelsPerGroup)
  const channel = group * g.inChannelsPerGroup + cInGroup
  const dilated = data.dilated!
  const top = a * g.dilationH
  const left = b * g.dilationW
  const dilatedKind = (r: number, c: number): CellKind => (r % g.strideH === 0 && c % g.strideW === 0 ? 'value' : 'inserted')

  const inputsShown: Panel[] = []
  const gradients: Panel[] = []
  const products: Panel[] = []
  const partials: Array<{ value: number; label: string }> = []
  const shown = new Set(shownIndices(g.batch, 0, SAMPLES_SHOWN))
  // Every sample adds to the sum; panels show the first few.
  for (let n = 0; n < g.batch; n++) {
    const inputOffset = (n * g.inChannels + channel) * g.paddedH * g.paddedW
    const gradOffset = (n * g.outChannels + m) * dilated.height * dilated.width
    const product = (r: number, c: number) =>
      data.paddedInput[inputOffset + (top + r) * g.paddedW + left + c] * dilated.data[gradOffset + r * dilated.width + c]
    let partial = 0
    for (let r = 0; r < dilated.height; r += g.strideH) for (let c = 0; c < dilated.width; c += g.strideW) partial += product(r, c)
    partials.push({ value: partial, label: `n=${n}` })
    if (!shown.has(n)) continue
    const marked: Array<[number, number]> = []
    if ((dilated.height * dilated.width) / (g.strideH * g.strideW) <= MARKED_AT_MOST) {
      for (let r = 0; r < dilated.height; r += g.strideH) for (let c = 0; c < dilated.width; c += g.strideW) marked.push([top + r, left + c])
    }
    inputsShown.push(
      planePanel(`xpad${indexText(n, channel)}`, data.paddedInput, inputOffset, g.paddedH, g.paddedW, scales.input, {
        kind: paddingKind(g),
        outlines: unit ? [{ row: top, col: left, rows: dilated.height, cols: dilated.width, colour: COLOURS.window }] : [],
        marked: unit ? marked : [],
      }),
    )
    gradients.push(
      planePanel(`δ̃${indexText(n, m)}: ${words.dilated}`, dilated.data, gradOffset, dilated.height, dilated.width, scales.gradOutput, { kind: dilatedKind }),
    )
    products.push({
      title: `xpad·δ̃  ${words.sum} = ${formatValue(partial, decimals)}`,
      rows: dilated.height,
      cols: dilated.width,
      kind: dilatedKind,
      scale: scales.weightProducts,
      value: (r, c) => (unit ? product(r, c) : NaN),
    })
  }

  const gradWeight = data.gradWeight!
  const kernelPlane = g.kernelH * g.kernelW
  const kernels = shownIndices(g.inChannelsPerGroup, cInGroup, CHANNELS_SHOWN).map((c) => {
    const offset = (m * g.inChannelsPerGroup + c) * kernelPlane
    return planePanel(`${words.gradWeight}${indexText(m, c)}`, gradWeight, offset, g.kernelH, g.kernelW, scales.gradWeight, {
      current: c === cInGroup && unit !== null,
      value: (r, col) => (offset + r * g.kernelW + col < done ? gradWeight[offset + r * g.kernelW + col] : NaN),
      written: c === cInGroup && unit ? [[a, b]] : [],
    })
  })

  const cell = `${words.gradWeight}${indexText(m, cInGroup, a, b)}`
  const value = unit ? gradWeight[((m * g.inChannelsPerGroup + cInGroup) * g.kernelH + a) * g.kernelW + b] : NaN
  const formula = unit
    ? [
        `${cell} = Σn Σi,j xpad[n,${channel},${a}·${g.dilationH}+i,${b}·${g.dilationW}+j]·δ̃[n,${m},i,j]   (δ̃: ${words.dilated})`,
        sumLine(partials, value, decimals),
      ]
    : []
  return {
    title: unit ? `${words.backwardWeight}: ${cell} = ${formatValue(value, decimals)}` : words.backwardWeight,
    counter: counterText(scene, step),
    columns: [{ panels: inputsShown }, { panels: gradients, joiner: '·' }, { panels: products, joiner: '=' }, { panels: kernels, joiner: 'Σ→' }],
    formula,
    legend: legendText(words, g.strideH > 1 || g.strideW > 1),
  }
}
