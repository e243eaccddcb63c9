// The Conv2d ↔ ConvTranspose2d frames: with the same w, Conv2d takes the transposed output's
// shape down to the input's, ConvTranspose2d takes x back up, and the Conv2d's dE/dx at dE/dy = x
// equals ConvTranspose2d(x) − b, number for number (both from the engine, side by side).

import { describeTransposedOutputSize } from '../core/conv-transpose2d-geometry'
import { divergingScale, maxAbs } from './colours'
import type { FamilyScene } from './family-scene'
import { familyCounter } from './family-transposed'
import { familyWordsIn } from './family-words'
import type { FrameModel, Panel } from './panel'
import { planePanel } from './panel'
import { wordsIn } from './text'

type TransposedScene = FamilyScene & { layer: { type: 'conv-transpose2d' } }

const shapeText = (shape: readonly number[]) => `(${shape.join(',')})`

/** The largest |Conv2d dE/dx − (ConvTranspose2d(x) − b)| over every value. */
export function pairDifference(scene: TransposedScene): number {
  const g = scene.layer.geometry
  const { output, pair } = scene.values
  const bias = scene.layer.bias
  const plane = g.outH * g.outW
  let largest = 0
  for (let k = 0; k < output.length; k++) {
    const o = Math.floor(k / plane) % g.outChannels
    largest = Math.max(largest, Math.abs(pair!.convGradInput[k] - (output[k] - (bias ? bias[o] : 0))))
  }
  return largest
}

export function pairModel(scene: TransposedScene, step: number): FrameModel {
  const g = scene.layer.geometry
  const { values, options } = scene
  const fw = familyWordsIn(options.language)
  const words = wordsIn(options.language)
  const pair = values.pair!
  const bias = scene.layer.bias
  const small = [g.batch, g.inChannels, g.inH, g.inW]
  const big = [g.batch, g.outChannels, g.outH, g.outW]
  const bigPlane = g.outH * g.outW
  const bigScale = divergingScale(Math.max(maxAbs(values.output), maxAbs(pair.convGradInput)), options.diverging)
  const inputScale = divergingScale(maxAbs(values.input), options.diverging)
  const downScale = divergingScale(maxAbs(pair.convOutput), options.diverging)
  const hidden = (panel: Panel, shownFrom: number): Panel => (step >= shownFrom ? panel : { ...panel, value: () => NaN })

  const u = planePanel(`u = y[0,0] ${shapeText(big)}`, values.output, 0, g.outH, g.outW, bigScale)
  const w = planePanel(`${fw.sameWeights}: w[0,0]`, scene.layer.weight, 0, g.kernelH, g.kernelW, scene.scales.weight)
  const z = hidden(planePanel(`Conv2d(u)[0,0] ↓ ${shapeText(small)}`, pair.convOutput, 0, g.inH, g.inW, downScale, { current: step === 0 }), 0)
  const x = planePanel(`x[0,0] ${shapeText(small)}`, values.input, 0, g.inH, g.inW, inputScale)
  const transposed = hidden(
    {
      ...planePanel(`${fw.transposedMinusBias} ↑ ${shapeText(big)}`, values.output, 0, g.outH, g.outW, bigScale),
      value: (r, c) => values.output[r * g.outW + c] - (bias ? bias[0] : 0),
      current: step === 1,
    },
    1,
  )
  const gradInput = hidden(planePanel(`${fw.convGradInput}`, pair.convGradInput, 0, g.outH, g.outW, bigScale, { current: step === 2 }), 2)

  const conv = g.conv
  const formula: string[] = []
  if (step >= 0) {
    formula.push(
      `Conv2d: ${shapeText(big)} → ${shapeText(small)},  H = ⌊(${g.outH} + 2·${conv.padTop} − ${g.dilationH}·(${g.kernelH}−1) − 1) / ${g.strideH}⌋ + 1 = ${g.inH}`,
    )
  }
  if (step >= 1) formula.push(`ConvTranspose2d: ${shapeText(small)} → ${shapeText(big)},  ${describeTransposedOutputSize(g, 'H')}`)
  if (step >= 2) {
    formula.push(fw.pairStatement)
    formula.push(
      `${fw.convGradInput} = ${fw.transposedMinusBias}: ${fw.largestDifference} = ${pairDifference(scene).toExponential(1)} (${bigPlane * g.outChannels * g.batch} values)`,
    )
  }
  const titles = [fw.pair, `${fw.pair}: ${fw.conv2dDown}`, `${fw.pair}: ${fw.transposedUp}`, `${fw.pair}: ${fw.convGradInput} = ${fw.transposedMinusBias}`]
  return {
    title: titles[Math.max(0, Math.min(3, step + 1))],
    counter: familyCounter(scene, step),
    columns: [
      { panels: [u, x] },
      { panels: [w], joiner: '⋆', grow: 3 },
      { panels: [z, transposed], joiner: '→' },
      // The same cell size as ConvTranspose2d(x) − b beside it, so the equal numbers compare.
      { panels: [gradInput], joiner: '=', grow: 1 },
    ],
    formula,
    legend: words.notYet,
  }
}
