// convolab gradcheck --stack: the seed's finite-difference check through a whole STACK.json
// (x, every weight and bias redrawn from N(0, 1) per sample; the file gives shapes and options).

import type { Language } from '../../core'
import { ConvolabError, stackGradcheck } from '../../core'
import { formatStackGradcheck } from '../../messages'
import { parseCommand, parseShape } from './args'
import { readStackFile } from './stack-files'

export const STACK_GRADCHECK_USAGE = `convolab gradcheck --stack STACK.json --input-shape N,C,H,W
                 [--samples 10] [--tolerance 1e-5] [--seed 123]`

export async function stackGradcheckCommand(args: string[], language: Language): Promise<{ text: string; passed: boolean }> {
  const { values } = parseCommand(args, {
    stack: { type: 'string' },
    'input-shape': { type: 'string' },
    samples: { type: 'string' },
    tolerance: { type: 'string' },
    seed: { type: 'string' },
  })
  if (!values.stack) throw new ConvolabError('flag-required', { flag: '--stack' })
  const inputShape = parseShape('--input-shape', values['input-shape'] as string | undefined, 4)
  // fewer samples than the single layer's 100: every sample runs the whole stack twice per value
  const samples = values.samples === undefined ? 10 : parseShape('--samples', values.samples as string, 1)[0]
  const seed = values.seed === undefined ? 123 : parseShape('--seed', values.seed as string, 1)[0]
  const tolerance = values.tolerance === undefined ? 1e-5 : Number(values.tolerance)
  if (!(tolerance > 0)) throw new ConvolabError('cli-option', { reason: 'positive-number', flag: '--tolerance', value: String(values.tolerance) })
  const layers = await readStackFile(values.stack as string)
  const report = stackGradcheck({ layers, inputShape: inputShape as [number, number, number, number], samples, tolerance, seed })
  return { text: formatStackGradcheck(report, language), passed: report.passed }
}
