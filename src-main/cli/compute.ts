// convolab compute: forward (and backward with --grad-output) of one Conv2d, written as .npy.

import { existsSync, statSync } from 'node:fs'
import type { Language, Notice, Tensor } from '../../core'
import { ConvolabError, conv2d, conv2dBackward, describeOutputSize, encodeNpy, formatShape } from '../../core'
import type { OptionValues } from './args'
import { CONV_OPTIONS, convOptions, parseCommand, parseShape } from './args'
import { FAMILY_USAGE, computeLayer } from './compute-family'
import { readInputFile, readTensorPath } from './inputs'
import type { Layer } from './layers'
import { AVG_POOL_OPTIONS, LAYER_INPUT_OPTIONS, MAX_POOL_OPTIONS, TRANSPOSED_OPTIONS, WEIGHT_OPTIONS, layerOf, poolOptions, transposedOptions } from './layers'
import { noticeLine } from './notices'
import { writeRunFiles } from './output-files'

export const COMPUTE_USAGE = `convolab compute --input X --weight W.npy [--bias B.npy] [--grad-output G.npy]
                 [--stride N|H,W] [--padding N|H,W|same|valid] [--dilation N|H,W]
                 [--groups N] [--padding-mode zeros|reflect|replicate|circular]
                 [--grayscale] [--max-side N] --out DIR
  ${FAMILY_USAGE}`

/** Each layer's own flags, beside those every layer takes (an unknown flag for the layer is an error). */
const LAYER_OPTIONS = {
  conv2d: { ...CONV_OPTIONS, ...WEIGHT_OPTIONS },
  'conv-transpose2d': { ...TRANSPOSED_OPTIONS, ...WEIGHT_OPTIONS },
  'max-pool2d': MAX_POOL_OPTIONS,
  'avg-pool2d': AVG_POOL_OPTIONS,
} as const

const NEEDS_WEIGHT: readonly Layer[] = ['conv2d', 'conv-transpose2d']

export async function computeCommand(args: string[], language: Language): Promise<string> {
  const layer = layerOf(args)
  const { values } = parseCommand(args, { ...LAYER_INPUT_OPTIONS, ...LAYER_OPTIONS[layer] })
  for (const required of ['input', ...(NEEDS_WEIGHT.includes(layer) ? ['weight'] : []), 'out']) {
    if (!values[required]) throw new ConvolabError('flag-required', { flag: `--${required}` })
  }
  // a bad setting is reported before any file is read, as before the other layers existed
  if (layer === 'conv2d') convOptions(values)
  else if (layer === 'conv-transpose2d') transposedOptions(values)
  else poolOptions(values)
  const maxSide = values['max-side'] === undefined ? 0 : parseShape('--max-side', values['max-side'] as string, 1)[0]
  // what the readers did that the user should know (a skipped CSV header, 16-bit values, ...)
  const notices: Notice[] = []
  const input = await readInputFile(values.input as string, Boolean(values.grayscale), maxSide, notices)
  const { files, lines } =
    layer === 'conv2d' ? await computeConv2d(input, values, language, notices) : await computeLayer(layer, input, values, language, notices)

  const dir = values.out as string
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new ConvolabError('file-type', { name: dir, expected: language === 'es' ? 'una carpeta' : 'a folder' })
  }
  await writeRunFiles(dir, files)
  const wrote = language === 'es' ? 'escrito' : 'wrote'
  return [...notices.map((notice) => noticeLine(notice, language)), ...lines, `${wrote}: ${[...files.keys()].join(', ')}`].join('\n')
}

async function computeConv2d(
  input: Tensor,
  values: OptionValues,
  language: Language,
  notices: Notice[],
): Promise<{ files: Map<string, Uint8Array>; lines: string[] }> {
  const options = convOptions(values)
  const weight = await readTensorPath(values.weight as string, notices)
  const bias = values.bias ? await readTensorPath(values.bias as string, notices) : null
  const gradOutput = values['grad-output'] ? await readTensorPath(values['grad-output'] as string, notices) : null
  const flatBias: Tensor | null = bias ? { shape: [bias.data.length], data: bias.data } : null

  const { output, geometry } = conv2d(input, weight, flatBias, options)
  const files = new Map<string, Uint8Array>([['output.npy', encodeNpy(output)]])
  if (gradOutput) {
    const grads = conv2dBackward(input, weight, flatBias, gradOutput, options)
    files.set('grad_input.npy', encodeNpy(grads.gradInput))
    files.set('grad_weight.npy', encodeNpy(grads.gradWeight))
    if (grads.gradBias) files.set('grad_bias.npy', encodeNpy(grads.gradBias))
  }
  const label = language === 'es' ? 'forma de la salida' : 'output shape'
  return {
    files,
    lines: [`${label} ${formatShape(output.shape)}`, describeOutputSize(geometry, 'H'), describeOutputSize(geometry, 'W')],
  }
}
