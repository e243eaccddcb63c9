// convolab compute --layer conv-transpose2d | max-pool2d | avg-pool2d: one layer's forward (and
// backward with --grad-output) as .npy files, with the output-size formula and its numbers.

import type { ConvTranspose2dOptions, Language, Notice, Pool2dOptions, PoolGeometry, Tensor } from '../../core'
import {
  avgPool2d,
  avgPool2dBackward,
  avgPoolDivisors,
  avgPoolGeometry,
  convTranspose2d,
  convTranspose2dBackward,
  describePoolOutputSize,
  describeTransposedOutputSize,
  encodeNpy,
  encodeNpyInt64,
  formatShape,
  maxPool2d,
  maxPool2dBackward,
} from '../../core'
import type { OptionValues } from './args'
import { readTensorPath } from './inputs'
import type { Layer } from './layers'
import { poolOptions, transposedOptions } from './layers'

export interface LayerResult {
  files: Map<string, Uint8Array>
  /** The output shape and the formula lines, printed before the list of files. */
  lines: string[]
}

export const FAMILY_USAGE = `convolab compute --layer conv-transpose2d --input X --weight W.npy [--bias B.npy]
                 [--stride N|H,W] [--padding N|H,W] [--output-padding N|H,W] [--output-size H,W]
                 [--dilation N|H,W] [--groups N] [--grad-output G.npy] --out DIR
                 (weight (C_in, C_out/groups, KH, KW), as PyTorch)
  convolab compute --layer max-pool2d --input X --kernel-size K|KH,KW [--stride N|H,W]
                 [--padding N|H,W] [--dilation N|H,W] [--ceil-mode] [--grad-output G.npy] --out DIR
  convolab compute --layer avg-pool2d --input X --kernel-size K|KH,KW [--stride N|H,W]
                 [--padding N|H,W] [--ceil-mode] [--count-include-pad true|false]
                 [--divisor-override N] [--grad-output G.npy] --out DIR`

function shapeLine(output: Tensor, language: Language): string {
  return `${language === 'es' ? 'forma de la salida' : 'output shape'} ${formatShape(output.shape)}`
}

async function gradOutputOf(values: OptionValues, notices: Notice[]): Promise<Tensor | null> {
  return values['grad-output'] ? readTensorPath(values['grad-output'] as string, notices) : null
}

/** dE/dy for the layer's output, or null for the forward pass only. */
export type GradOutputOf = (output: Tensor) => Tensor | null

export async function computeLayer(
  layer: Exclude<Layer, 'conv2d'>,
  input: Tensor,
  values: OptionValues,
  language: Language,
  notices: Notice[] = [],
): Promise<LayerResult> {
  if (layer === 'conv-transpose2d') return computeTransposed(input, values, language, notices)
  const options = poolOptions(values)
  // every input file is read and every setting checked before anything is computed
  const gradOutput = await gradOutputOf(values, notices)
  return poolFiles(layer, input, options, () => gradOutput, language)
}

/** A pool's files and lines (also for `compute --session`, whose dE/dy depends on the output). */
export function poolFiles(
  layer: 'max-pool2d' | 'avg-pool2d',
  input: Tensor,
  options: Pool2dOptions,
  gradOutputFor: GradOutputOf,
  language: Language,
): LayerResult {
  const files = new Map<string, Uint8Array>()
  if (layer === 'max-pool2d') {
    const { output, indices, geometry } = maxPool2d(input, options)
    const gradOutput = gradOutputFor(output)
    files.set('output.npy', encodeNpy(output))
    files.set('indices.npy', encodeNpyInt64({ shape: output.shape, data: indices }))
    if (gradOutput) files.set('grad_input.npy', encodeNpy(maxPool2dBackward(gradOutput, indices, geometry)))
    return { files, lines: [shapeLine(output, language), describePoolOutputSize(geometry, 'H'), describePoolOutputSize(geometry, 'W')] }
  }
  const geometry = avgPoolGeometry(input.shape, options)
  const { output } = avgPool2d(input, geometry)
  const gradOutput = gradOutputFor(output)
  files.set('output.npy', encodeNpy(output))
  if (gradOutput) files.set('grad_input.npy', encodeNpy(avgPool2dBackward(gradOutput, geometry)))
  return {
    files,
    lines: [shapeLine(output, language), describePoolOutputSize(geometry, 'H'), describePoolOutputSize(geometry, 'W'), divisorLine(geometry, language)],
  }
}

/** The divisors the windows use (largest first) and the rule that gave them. */
function divisorLine(geometry: PoolGeometry, language: Language): string {
  const divisors = [...new Set(avgPoolDivisors(geometry))].sort((a, b) => b - a).join(', ')
  const es = language === 'es'
  const rule =
    geometry.divisorOverride !== null
      ? es
        ? 'forzado con --divisor-override'
        : 'set by --divisor-override'
      : geometry.countIncludePad
        ? es
          ? 'celdas de la ventana dentro de la entrada con relleno'
          : 'window cells inside the padded input'
        : es
          ? 'celdas reales de la entrada en la ventana'
          : 'real input cells in the window'
  return `${es ? 'divisores' : 'divisors'} ${divisors} (${rule})`
}

async function computeTransposed(input: Tensor, values: OptionValues, language: Language, notices: Notice[]): Promise<LayerResult> {
  const options = transposedOptions(values)
  const weight = await readTensorPath(values.weight as string, notices)
  const bias = values.bias ? await readTensorPath(values.bias as string, notices) : null
  const gradOutput = await gradOutputOf(values, notices)
  const flatBias: Tensor | null = bias ? { shape: [bias.data.length], data: bias.data } : null
  return transposedFiles(input, weight, flatBias, options, () => gradOutput, language)
}

/** ConvTranspose2d's files and lines (also for `compute --session`). */
export function transposedFiles(
  input: Tensor,
  weight: Tensor,
  flatBias: Tensor | null,
  options: ConvTranspose2dOptions,
  gradOutputFor: GradOutputOf,
  language: Language,
): LayerResult {
  const { output, geometry } = convTranspose2d(input, weight, flatBias, options)
  const gradOutput = gradOutputFor(output)
  const files = new Map<string, Uint8Array>([['output.npy', encodeNpy(output)]])
  if (gradOutput) {
    const grads = convTranspose2dBackward(input, weight, gradOutput, geometry, flatBias !== null)
    files.set('grad_input.npy', encodeNpy(grads.gradInput))
    files.set('grad_weight.npy', encodeNpy(grads.gradWeight))
    if (grads.gradBias) files.set('grad_bias.npy', encodeNpy(grads.gradBias))
  }
  return {
    files,
    lines: [shapeLine(output, language), describeTransposedOutputSize(geometry, 'H'), describeTransposedOutputSize(geometry, 'W')],
  }
}
