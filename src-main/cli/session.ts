// convolab session: writes a .convolab session (format 2) from files, for teachers who script
// their lessons; the app opens it as if it had been saved there.

import { basename } from 'node:path'
import type { Language, Session, Tensor } from '../../core'
import { ConvolabError, convGeometry, decodeSessionFile, encodeSessionFile, formatShape, sameShape } from '../../core'
import { writeFileAtomic } from '../storage/atomic-file'
import { isSessionPath } from '../storage/storage'
import { CONV_OPTIONS, convOptions, parseCommand, parseShape } from './args'
import { readInputFile, readTensorPath } from './inputs'

export const SESSION_USAGE = `convolab session --input X --weight W.npy [--bias B.npy] [--grad-output G.npy]
                 [--stride N|H,W] [--padding N|H,W|same|valid] [--dilation N|H,W]
                 [--groups N] [--padding-mode zeros|reflect|replicate|circular]
                 [--grayscale] [--max-side N] --out FILE.convolab`

export async function sessionCommand(args: string[], language: Language): Promise<string> {
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
  const out = values.out as string
  if (!isSessionPath(out)) throw new ConvolabError('session-extension', { name: basename(out) })
  const options = convOptions(values)
  const maxSide = values['max-side'] === undefined ? 0 : parseShape('--max-side', values['max-side'] as string, 1)[0]
  const input = await readInputFile(values.input as string, Boolean(values.grayscale), maxSide)
  const weight = await readTensorPath(values.weight as string)
  const bias = values.bias ? await readTensorPath(values.bias as string) : null
  const gradOutput = values['grad-output'] ? await readTensorPath(values['grad-output'] as string) : null
  const flatBias: Tensor | null = bias ? { shape: [bias.data.length], data: bias.data } : null
  // Refused here, with the reason, rather than written and refused when opened.
  const geometry = convGeometry(input.shape, weight.shape, options, flatBias?.data.length)
  const outputShape = [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW]
  if (gradOutput && !sameShape(gradOutput.shape, outputShape)) {
    throw new ConvolabError('grad-output-shape', { got: formatShape(gradOutput.shape), expected: formatShape(outputShape) })
  }
  const session: Session = {
    input,
    inputName: basename(values.input as string),
    weight,
    bias: flatBias,
    // Only the options given: the app shows the others at their defaults, as PyTorch has them.
    options: Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)),
    gradOutput: gradOutput ? { kind: 'tensor', tensor: gradOutput } : { kind: 'ones' },
    view: {},
  }
  const bytes = encodeSessionFile(session)
  // Never write what could not be opened again (an upstream gradient of the wrong shape, say).
  decodeSessionFile(bytes)
  await writeFileAtomic(out, bytes).catch((error: NodeJS.ErrnoException) => {
    throw new ConvolabError('file-write', { name: out, detail: error.code ?? error.message })
  })
  return language === 'es'
    ? `sesión escrita: ${out} (${bytes.length} bytes); entrada ${formatShape(input.shape)}, salida ${formatShape(outputShape)}`
    : `wrote the session ${out} (${bytes.length} bytes); input ${formatShape(input.shape)}, output ${formatShape(outputShape)}`
}
