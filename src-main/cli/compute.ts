// convolab compute: forward (and backward with --grad-output) of one Conv2d, written as .npy.

import { existsSync } from 'node:fs'
import type { Language, Notice, Tensor } from '../../core'
import {
  ConvolabError,
  conv2d,
  conv2dBackward,
  describeOutputSize,
  encodeNpy,
  formatShape,
} from '../../core'
import { CONV_OPTIONS, convOptions, parseCommand, parseShape } from './args'
import { readInputFile, readTensorPath } from './inputs'
import { noticeLine } from './notices'
import { writeAllOrNothing } from './output-files'

export const COMPUTE_USAGE = `convolab compute --input X --weight W.npy [--bias B.npy] [--grad-output G.npy]
                 [--stride N|H,W] [--padding N|H,W|same|valid] [--dilation N|H,W]
                 [--groups N] [--padding-mode zeros|reflect|replicate|circular]
                 [--grayscale] [--max-side N] --out DIR`

export async function computeCommand(args: string[], language: Language): Promise<string> {
  const { values } = parseCommand(args, {
    ...CONV_OPTIONS,
    input: { type: 'string' },
    weight: { type: 'string' },
    bias: { type: 'string' },
    'grad-output': { type: 'string' },
    grayscale: { type: 'boolean' },
    'max-side': { type: 'string' },
    out: { type: 'string' },
  })
  for (const required of ['input', 'weight', 'out'] as const) {
    if (!values[required]) throw new ConvolabError('bad-request', { detail: `--${required} is required` })
  }
  const options = convOptions(values)
  const maxSide = values['max-side'] === undefined ? 0 : parseShape('--max-side', values['max-side'] as string, 1)[0]
  const notices: Notice[] = []
  const input = await readInputFile(values.input as string, Boolean(values.grayscale), maxSide, notices)
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
  const dir = values.out as string
  if (existsSync(dir) && !(await import('node:fs')).statSync(dir).isDirectory()) {
    throw new ConvolabError('file-type', { name: dir, expected: language === 'es' ? 'una carpeta' : 'a folder' })
  }
  await writeAllOrNothing(dir, files)

  const label = language === 'es' ? 'forma de la salida' : 'output shape'
  const wrote = language === 'es' ? 'escrito' : 'wrote'
  return [
    ...notices.map((notice) => noticeLine(notice, language)),
    `${label} ${formatShape(output.shape)}`,
    describeOutputSize(geometry, 'H'),
    describeOutputSize(geometry, 'W'),
    `${wrote}: ${[...files.keys()].join(', ')}`,
  ].join('\n')
}
