// Turns command-line words into core's Conv2dOptions; every bad word is a ConvolabError.

import { parseArgs } from 'node:util'
import type { Conv2dOptions, Padding, PaddingMode, Pair } from '../../core'
import { ConvolabError, PADDING_MODES } from '../../core'

export const CONV_OPTIONS = {
  stride: { type: 'string' },
  padding: { type: 'string' },
  dilation: { type: 'string' },
  groups: { type: 'string' },
  'padding-mode': { type: 'string' },
} as const

function integer(name: string, word: string, min: number): number {
  const value = Number(word.trim())
  if (word.trim() === '' || !Number.isInteger(value) || value < min) {
    throw new ConvolabError('not-positive-int', { name, min, value: word })
  }
  return value
}

/** "2" -> 2, "2,3" -> [2, 3]. */
export function parsePair(name: string, word: string | undefined, min: number): Pair | undefined {
  if (word === undefined) return undefined
  const parts = word.split(',')
  if (parts.length === 1) return integer(name, parts[0], min)
  if (parts.length === 2) return [integer(name, parts[0], min), integer(name, parts[1], min)]
  throw new ConvolabError('pair-value', { name, value: word })
}

export function parsePadding(word: string | undefined): Padding | undefined {
  if (word === 'same' || word === 'valid') return word
  if (word !== undefined && !/^\s*\d+\s*(,\s*\d+\s*)?$/.test(word)) {
    throw new ConvolabError('padding-value', { value: word })
  }
  return parsePair('padding', word, 0)
}

export function parseShape(name: string, word: string | undefined, rank: number): number[] {
  const parts = (word ?? '').split(',')
  if (word === undefined || parts.length !== rank) {
    throw new ConvolabError('pair-value', { name, value: String(word) })
  }
  return parts.map((part) => integer(name, part, 1))
}

export function convOptions(values: Record<string, string | boolean | undefined>): Conv2dOptions {
  const mode = values['padding-mode'] as string | undefined
  if (mode !== undefined && !PADDING_MODES.includes(mode as PaddingMode)) {
    throw new ConvolabError('padding-mode', { value: mode })
  }
  const groups = values.groups as string | undefined
  return {
    stride: parsePair('stride', values.stride as string | undefined, 1),
    padding: parsePadding(values.padding as string | undefined),
    dilation: parsePair('dilation', values.dilation as string | undefined, 1),
    groups: groups === undefined ? undefined : integer('groups', groups, 1),
    paddingMode: mode as PaddingMode | undefined,
  }
}

/** --unit LAYER,N,C,H,W: a layer of a stack (from 0) and one unit of its output (batch item, channel, row, column). */
export function parseUnit(word: string): { layer: number; unit: [number, number, number, number] } {
  const parts = word.split(',').map((part) => part.trim())
  if (parts.length !== 5 || parts.some((part) => !/^\d+$/.test(part))) throw new ConvolabError('cli-option', { reason: 'unit', flag: '--unit', value: word })
  const [layer, n, c, h, w] = parts.map(Number)
  return { layer, unit: [n, c, h, w] }
}

/** parseArgs with strict checking; unknown flags become a clear error. */
type OptionSpec = Record<string, { type: 'string' | 'boolean' }>
export type OptionValues = Record<string, string | boolean | undefined>

export function parseCommand(args: string[], options: OptionSpec): { values: OptionValues } {
  try {
    const { values } = parseArgs({ args, options, strict: true, allowPositionals: false })
    return { values: values as OptionValues }
  } catch (error) {
    throw optionError(error as NodeJS.ErrnoException)
  }
}

/** node:util's parseArgs refusal as a code and the flag (its English sentence is not passed on). */
function optionError(error: NodeJS.ErrnoException): ConvolabError {
  const quoted = /'([^' ]+)/.exec(error.message)?.[1] ?? ''
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new ConvolabError('cli-option', { reason: 'unknown', flag: quoted })
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      // "'--x <value>' argument missing", "... argument is ambiguous" (a value starting with a dash), "'--flag' does not take an argument"
      return new ConvolabError('cli-option', {
        reason: /ambiguous/.test(error.message) ? 'value-dash' : /<value>/.test(error.message) ? 'value-missing' : 'no-value',
        flag: quoted,
      })
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return new ConvolabError('cli-option', { reason: 'positional', value: quoted })
    default:
      return new ConvolabError('bad-request', { detail: error.message })
  }
}
