// convolab gradcheck: the seed's finite-difference check on random N(0,1) samples.

import type { Language } from '../../core'
import { ConvolabError, formatGradcheck, gradcheck } from '../../core'
import { CONV_OPTIONS, convOptions, parseCommand, parsePair, parseShape } from './args'

export const GRADCHECK_USAGE = `convolab gradcheck --input-shape N,C,H,W --out-channels M --kernel-size K|KH,KW
                 [--stride ...] [--padding ...] [--dilation ...] [--groups N] [--padding-mode ...]
                 [--bias] [--samples 100] [--tolerance 1e-5] [--seed 123]`

export function gradcheckCommand(args: string[], language: Language): { text: string; passed: boolean } {
  const { values } = parseCommand(args, {
    ...CONV_OPTIONS,
    'input-shape': { type: 'string' },
    'out-channels': { type: 'string' },
    'kernel-size': { type: 'string' },
    bias: { type: 'boolean' },
    samples: { type: 'string' },
    tolerance: { type: 'string' },
    seed: { type: 'string' },
  })
  const inputShape = parseShape('--input-shape', values['input-shape'] as string | undefined, 4)
  const outChannels = parseShape('--out-channels', values['out-channels'] as string | undefined, 1)[0]
  const kernel = parsePair('--kernel-size', values['kernel-size'] as string | undefined, 1)
  if (kernel === undefined) throw new ConvolabError('bad-request', { detail: '--kernel-size is required' })
  const samples = values.samples === undefined ? 100 : parseShape('--samples', values.samples as string, 1)[0]
  const seed = values.seed === undefined ? 123 : parseShape('--seed', values.seed as string, 1)[0]
  const tolerance = values.tolerance === undefined ? 1e-5 : Number(values.tolerance)
  if (!(tolerance > 0)) throw new ConvolabError('bad-request', { detail: `--tolerance must be a positive number (got ${values.tolerance})` })

  const report = gradcheck({
    inputShape: inputShape as [number, number, number, number],
    outChannels,
    kernelSize: typeof kernel === 'number' ? [kernel, kernel] : kernel,
    options: convOptions(values),
    bias: Boolean(values.bias),
    samples,
    tolerance,
    seed,
  })
  return { text: formatGradcheck(report, language), passed: report.passed }
}
