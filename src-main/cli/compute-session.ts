// convolab compute --session FILE.convolab --out DIR: computes what a session holds (its input,
// kernel, bias, settings and upstream gradient) and writes the same files as `compute`:
// output.npy, and grad_input.npy, grad_weight.npy (and grad_bias.npy with a bias) for the
// session's upstream gradient dE/dy (all ones unless the session holds another).

import { existsSync, statSync } from 'node:fs'
import type { Language } from '../../core'
import { ConvolabError, conv2d, conv2dBackward, decodeSessionFile, describeOutputSize, encodeNpy, formatShape } from '../../core'
import type { GradOutputSpec } from '../../contract'
import { upstreamGradient } from '../engine/grad-output'
import { readSessionFile } from '../storage/documents'
import { parseCommand } from './args'
import { writeAllOrNothing } from './output-files'

export const COMPUTE_SESSION_USAGE = 'convolab compute --session FILE.convolab --out DIR'

export async function computeSessionCommand(args: string[], language: Language): Promise<string> {
  const { values } = parseCommand(args, { session: { type: 'string' }, out: { type: 'string' } })
  for (const required of ['session', 'out'] as const) {
    if (!values[required]) throw new ConvolabError('bad-request', { detail: `--${required} is required` })
  }
  const session = decodeSessionFile(await readSessionFile(values.session as string))
  const { input, weight, bias, options } = session
  const { output, geometry } = conv2d(input, weight, bias, options)
  // The session's upstream gradient, as the app's engine builds it (same shapes, read only).
  const { gradOutput } = upstreamGradient(session.gradOutput as GradOutputSpec, output)
  const grads = conv2dBackward(input, weight, bias, gradOutput, options)
  const files = new Map<string, Uint8Array>([
    ['output.npy', encodeNpy(output)],
    ['grad_input.npy', encodeNpy(grads.gradInput)],
    ['grad_weight.npy', encodeNpy(grads.gradWeight)],
  ])
  if (grads.gradBias) files.set('grad_bias.npy', encodeNpy(grads.gradBias))
  const dir = values.out as string
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new ConvolabError('file-type', { name: dir, expected: language === 'es' ? 'una carpeta' : 'a folder' })
  }
  await writeAllOrNothing(dir, files)
  const label = language === 'es' ? 'forma de la salida' : 'output shape'
  const wrote = language === 'es' ? 'escrito' : 'wrote'
  return [
    `${label} ${formatShape(output.shape)}`,
    describeOutputSize(geometry, 'H'),
    describeOutputSize(geometry, 'W'),
    `${wrote}: ${[...files.keys()].join(', ')}`,
  ].join('\n')
}
