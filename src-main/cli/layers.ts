// The layers the command line computes (--layer) and the words of their own options:
// ConvTranspose2d's output padding and size, the pools' kernel, ceil mode, divisor and padding rule.

import type { ConvTranspose2dOptions, Pool2dOptions } from '../../core'
import { ConvolabError } from '../../core'
import type { OptionValues } from './args'
import { parsePair } from './args'

export const LAYERS = ['conv2d', 'conv-transpose2d', 'max-pool2d', 'avg-pool2d'] as const
export type Layer = (typeof LAYERS)[number]

/** The value of --layer (default conv2d), read before the layer's own flags are checked. */
export function layerOf(args: string[]): Layer {
  let word: string | undefined
  args.forEach((arg, k) => {
    if (arg === '--layer') word = args[k + 1]
    else if (arg.startsWith('--layer=')) word = arg.slice('--layer='.length)
  })
  if (word === undefined) return 'conv2d'
  if (!(LAYERS as readonly string[]).includes(word)) {
    throw new ConvolabError('layer-value', { layers: LAYERS.join(', '), value: word })
  }
  return word as Layer
}

/** The flags of the files a layer is computed on (compute and session take them for every layer). */
export const LAYER_INPUT_OPTIONS = {
  layer: { type: 'string' },
  input: { type: 'string' },
  'grad-output': { type: 'string' },
  grayscale: { type: 'boolean' },
  'max-side': { type: 'string' },
  out: { type: 'string' },
} as const

/** A layer's weight and bias files. */
export const WEIGHT_OPTIONS = { weight: { type: 'string' }, bias: { type: 'string' } } as const

export const TRANSPOSED_OPTIONS = {
  stride: { type: 'string' },
  padding: { type: 'string' },
  'output-padding': { type: 'string' },
  'output-size': { type: 'string' },
  dilation: { type: 'string' },
  groups: { type: 'string' },
} as const

export const MAX_POOL_OPTIONS = {
  'kernel-size': { type: 'string' },
  stride: { type: 'string' },
  padding: { type: 'string' },
  dilation: { type: 'string' },
  'ceil-mode': { type: 'boolean' },
} as const

export const AVG_POOL_OPTIONS = {
  'kernel-size': { type: 'string' },
  stride: { type: 'string' },
  padding: { type: 'string' },
  'ceil-mode': { type: 'boolean' },
  'count-include-pad': { type: 'string' },
  'divisor-override': { type: 'string' },
} as const

function text(values: OptionValues, name: string): string | undefined {
  return values[name] as string | undefined
}

export function transposedOptions(values: OptionValues): ConvTranspose2dOptions {
  const size = parsePair('--output-size', text(values, 'output-size'), 1)
  const groups = parsePair('groups', text(values, 'groups'), 1)
  if (Array.isArray(groups)) throw new ConvolabError('not-positive-int', { name: 'groups', min: 1, value: String(text(values, 'groups')) })
  return {
    stride: parsePair('stride', text(values, 'stride'), 1),
    padding: parsePair('padding', text(values, 'padding'), 0),
    outputPadding: parsePair('output padding', text(values, 'output-padding'), 0),
    outputSize: size === undefined ? undefined : typeof size === 'number' ? [size, size] : size,
    dilation: parsePair('dilation', text(values, 'dilation'), 1),
    groups: groups as number | undefined,
  }
}

function booleanWord(name: string, word: string | undefined): boolean | undefined {
  if (word === undefined) return undefined
  if (word === 'true') return true
  if (word === 'false') return false
  throw new ConvolabError('boolean-value', { name, value: word })
}

function wholeNumber(name: string, word: string | undefined): number | undefined {
  if (word === undefined) return undefined
  const value = Number(word.trim())
  if (word.trim() === '' || !Number.isInteger(value)) {
    throw new ConvolabError('whole-number', { name, value: word })
  }
  return value
}

export function poolOptions(values: OptionValues): Pool2dOptions {
  const kernelSize = parsePair('kernel size', text(values, 'kernel-size'), 1)
  if (kernelSize === undefined) throw new ConvolabError('flag-required', { flag: '--kernel-size' })
  return {
    kernelSize,
    stride: parsePair('stride', text(values, 'stride'), 1),
    padding: parsePair('padding', text(values, 'padding'), 0),
    dilation: parsePair('dilation', text(values, 'dilation'), 1),
    ceilMode: Boolean(values['ceil-mode']),
    countIncludePad: booleanWord('--count-include-pad', text(values, 'count-include-pad')),
    divisorOverride: wholeNumber('--divisor-override', text(values, 'divisor-override')) ?? null,
  }
}
