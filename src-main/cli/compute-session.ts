// convolab compute --session FILE.convolab --out DIR: computes what a session holds and writes
// the same files as `compute` for the same tensors, with the session's upstream gradient dE/dy
// (all ones unless the session holds another): for a Conv2d, output.npy, grad_input.npy,
// grad_weight.npy (and grad_bias.npy with a bias); for another layer of the family, what
// `compute --layer` writes; for a session whose stack is shown, what `compute --stack` writes.

import { existsSync, statSync } from 'node:fs'
import type { Language, Session, Tensor } from '../../core'
import { ConvolabError, conv2d, conv2dBackward, decodeSessionFile, describeOutputSize, encodeNpy, formatShape } from '../../core'
import type { GradOutputSpec } from '../../contract'
import { upstreamGradient } from '../engine/grad-output'
import { readSessionFile } from '../storage/documents'
import { parseCommand } from './args'
import type { LayerResult } from './compute-family'
import { poolFiles, transposedFiles } from './compute-family'
import { writeRunFiles } from './output-files'
import { runStack } from './stack-compute'

export const COMPUTE_SESSION_USAGE = 'convolab compute --session FILE.convolab --out DIR'

export async function computeSessionCommand(args: string[], language: Language): Promise<string> {
  const { values } = parseCommand(args, { session: { type: 'string' }, out: { type: 'string' } })
  for (const required of ['session', 'out'] as const) {
    if (!values[required]) throw new ConvolabError('flag-required', { flag: `--${required}` })
  }
  const session = decodeSessionFile(await readSessionFile(values.session as string))
  const dir = values.out as string
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new ConvolabError('file-type', { name: dir, expected: language === 'es' ? 'una carpeta' : 'a folder' })
  }
  // The session's upstream gradient, as the app's engine builds it (same shapes, read only).
  const gradOutputFor = (output: Tensor): Tensor => upstreamGradient(session.gradOutput as GradOutputSpec, output).gradOutput
  if (session.stack?.active) {
    return runStack(session.stack.layers, session.input, (forward) => ({ kind: 'output', gradOutput: gradOutputFor(forward.output) }), dir, language)
  }
  const { files, lines } = layerFiles(session, gradOutputFor, language)
  await writeRunFiles(dir, files)
  const wrote = language === 'es' ? 'escrito' : 'wrote'
  return [...lines, `${wrote}: ${[...files.keys()].join(', ')}`].join('\n')
}

/** The explorer layer's files and lines, as `compute` and `compute --layer` make them. */
function layerFiles(session: Session, gradOutputFor: (output: Tensor) => Tensor, language: Language): LayerResult {
  const { input, weight, bias } = session
  const layer = session.layer ?? { type: 'conv2d' }
  switch (layer.type) {
    case 'conv-transpose2d':
      return transposedFiles(input, weight, bias, layer.options, gradOutputFor, language)
    case 'max-pool2d':
    case 'avg-pool2d':
      return poolFiles(layer.type, input, layer.options, gradOutputFor, language)
    case 'conv2d':
      break
  }
  const { options } = session
  const { output, geometry } = conv2d(input, weight, bias, options)
  const grads = conv2dBackward(input, weight, bias, gradOutputFor(output), options)
  const files = new Map<string, Uint8Array>([
    ['output.npy', encodeNpy(output)],
    ['grad_input.npy', encodeNpy(grads.gradInput)],
    ['grad_weight.npy', encodeNpy(grads.gradWeight)],
  ])
  if (grads.gradBias) files.set('grad_bias.npy', encodeNpy(grads.gradBias))
  const label = language === 'es' ? 'forma de la salida' : 'output shape'
  return { files, lines: [`${label} ${formatShape(output.shape)}`, describeOutputSize(geometry, 'H'), describeOutputSize(geometry, 'W')] }
}
