// STACK.json, a stack written with PyTorch's keyword names: read, validated layer by layer
// (a refusal names the layer index and the reason as a code; messages/ words it), and turned into
// core's Layers once its .npy files are read. Pure: the caller reads the files.
//
//   {"layers": [{"type": "conv2d", "weight": "w0.npy", "bias": "b0.npy", "stride": 1,
//                "padding": 1, "dilation": 1, "groups": 1, "padding_mode": "zeros"},
//               {"type": "relu"}, {"type": "max-pool2d", "kernel_size": 2}, ...]}

import { z } from 'zod'
import { ConvolabError, nestedParams, type ErrorCode, type Params } from './errors'
import type { Layer, LayerType } from './layer'
import { LAYER_TYPES } from './layer'
import type { Pair, Padding, PaddingMode } from './geometry'
import { PADDING_MODES } from './geometry'
import type { Tensor } from './tensor'
import { formatShape } from './tensor'

const whole = z.number().int()
const pair = z.union([whole, z.tuple([whole, whole])])
const path = z.string().min(1)
const flag = z.boolean()

const convShape = {
  weight: path,
  bias: z.union([path, z.null(), z.literal(false)]).optional(),
  in_channels: whole.optional(),
  out_channels: whole.optional(),
  kernel_size: pair.optional(),
}

const SCHEMAS: Record<LayerType, z.ZodObject> = {
  conv2d: z.strictObject({
    type: z.literal('conv2d'),
    ...convShape,
    stride: pair.optional(),
    padding: z.union([pair, z.literal('same'), z.literal('valid')]).optional(),
    dilation: pair.optional(),
    groups: whole.optional(),
    padding_mode: z.enum(PADDING_MODES as [PaddingMode, ...PaddingMode[]]).optional(),
  }),
  'conv-transpose2d': z.strictObject({
    type: z.literal('conv-transpose2d'),
    ...convShape,
    stride: pair.optional(),
    padding: pair.optional(),
    output_padding: pair.optional(),
    dilation: pair.optional(),
    groups: whole.optional(),
    padding_mode: z.literal('zeros').optional(),
  }),
  'max-pool2d': z.strictObject({
    type: z.literal('max-pool2d'),
    kernel_size: pair,
    stride: z.union([pair, z.null()]).optional(),
    padding: pair.optional(),
    dilation: pair.optional(),
    ceil_mode: flag.optional(),
  }),
  'avg-pool2d': z.strictObject({
    type: z.literal('avg-pool2d'),
    kernel_size: pair,
    stride: z.union([pair, z.null()]).optional(),
    padding: pair.optional(),
    ceil_mode: flag.optional(),
    count_include_pad: flag.optional(),
    divisor_override: z.union([whole, z.null()]).optional(),
  }),
  relu: z.strictObject({ type: z.literal('relu'), inplace: flag.optional() }),
  'leaky-relu': z.strictObject({
    type: z.literal('leaky-relu'),
    negative_slope: z.number().optional(),
    inplace: flag.optional(),
  }),
  tanh: z.strictObject({ type: z.literal('tanh') }),
  sigmoid: z.strictObject({ type: z.literal('sigmoid') }),
}

/** A layer of STACK.json, validated, with its .npy paths not yet read. */
export interface LayerEntry {
  index: number
  type: LayerType
  options: Record<string, unknown>
  weightPath: string | null
  biasPath: string | null
}

/** Why a layer was refused: a cause code (messages/ says it) and its values. */
type Refusal = { code: ErrorCode; params?: Params }

function layerRefusal(name: string, index: number, kind: string, reason: Refusal): ConvolabError {
  return new ConvolabError('stack-file-layer', { name, index, kind, ...nestedParams(reason.code, reason.params) })
}

function describeIssue(issue: z.core.$ZodIssue, entry: Record<string, unknown>, type: LayerType): Refusal {
  if (issue.code === 'unrecognized_keys') return { code: 'stack-file-option-unknown', params: { keys: issue.keys.join(', '), type } }
  const key = String(issue.path[0] ?? '')
  if (!(key in entry)) return { code: 'flag-required', params: { flag: key } }
  // messages/ says what each option must be, by its key
  return { code: 'stack-file-option-value', params: { key, got: JSON.stringify(entry[key]) } }
}

/** Reads the text of a STACK.json; `name` is how refusals name the file. */
export function parseStackFile(text: string, name: string): LayerEntry[] {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    // where the text stops being JSON, when the parser says (its sentence is English: only the number is passed on)
    const position = /at position (\d+)/.exec((error as Error).message)?.[1]
    const at: Params = position === undefined ? { end: (error as Error).message.includes('end of JSON') ? 1 : 0 } : { position: Number(position) }
    throw new ConvolabError('stack-file', { name, ...nestedParams('stack-file-json', at) })
  }
  const layers = (document as { layers?: unknown } | null)?.layers
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !Array.isArray(layers)) {
    throw new ConvolabError('stack-file', { name, ...nestedParams('stack-file-not-object') })
  }
  const extra = Object.keys(document).filter((key) => key !== 'layers')
  if (extra.length > 0) {
    throw new ConvolabError('stack-file', { name, ...nestedParams('stack-file-extra-key', { keys: extra.join(', ') }) })
  }
  return layers.map((raw, index) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw layerRefusal(name, index, '', { code: 'stack-file-layer-not-object' })
    }
    const entry = raw as Record<string, unknown>
    const type = entry.type
    if (type === undefined) {
      throw layerRefusal(name, index, '', { code: 'stack-file-type-required', params: { types: LAYER_TYPES.join(', ') } })
    }
    if (typeof type !== 'string' || !LAYER_TYPES.includes(type as LayerType)) {
      const params = { type: JSON.stringify(type), types: LAYER_TYPES.join(', ') }
      throw layerRefusal(name, index, '', { code: 'stack-file-type-unknown', params })
    }
    const parsed = SCHEMAS[type as LayerType].safeParse(entry)
    if (!parsed.success) throw layerRefusal(name, index, type, describeIssue(parsed.error.issues[0], entry, type as LayerType))
    const { weight, bias, ...options } = parsed.data as Record<string, unknown>
    delete options.type
    return {
      index,
      type: type as LayerType,
      options,
      weightPath: typeof weight === 'string' ? weight : null,
      biasPath: typeof bias === 'string' ? bias : null,
    }
  })
}

function pairOf(value: unknown): Pair | undefined {
  if (value === undefined || value === null) return undefined
  return (Array.isArray(value) ? [value[0], value[1]] : value) as Pair
}

function checkConvShape(name: string, entry: LayerEntry, weight: Tensor, transposed: boolean): void {
  const refuse = (reason: Refusal): never => {
    throw layerRefusal(name, entry.index, entry.type, reason)
  }
  if (weight.shape.length !== 4) {
    const layout = transposed ? '(C_in, C_out/groups, KH, KW)' : '(C_out, C_in/groups, KH, KW)'
    refuse({ code: 'stack-file-weight-rank', params: { layout, shape: formatShape(weight.shape) } })
  }
  const groups = (entry.options.groups as number | undefined) ?? 1
  const [first, second, kh, kw] = weight.shape
  const inChannels = transposed ? first : second * groups
  const outChannels = transposed ? second * groups : first
  const given: Array<[string, unknown, unknown]> = [
    ['in_channels', entry.options.in_channels, inChannels],
    ['out_channels', entry.options.out_channels, outChannels],
  ]
  const kernel = entry.options.kernel_size
  if (kernel !== undefined) {
    const [h, w] = Array.isArray(kernel) ? kernel : [kernel, kernel]
    given.push(['kernel_size', `[${h}, ${w}]`, `[${kh}, ${kw}]`])
  }
  for (const [key, value, fromWeight] of given) {
    if (value !== undefined && value !== fromWeight) {
      refuse({ code: 'stack-file-weight-mismatch', params: { key, value: String(value), shape: formatShape(weight.shape), fromWeight: String(fromWeight) } })
    }
  }
}

/** The options both poolings share, from PyTorch's keyword names. */
function poolOptionsOf(o: Record<string, unknown>) {
  return {
    kernelSize: pairOf(o.kernel_size) as Pair,
    stride: pairOf(o.stride),
    padding: pairOf(o.padding),
    ceilMode: o.ceil_mode as boolean | undefined,
  }
}

/** The Layers of validated entries, given each entry's weight and bias tensors (bias flattened). */
export function layersFromEntries(name: string, entries: readonly LayerEntry[], tensorOf: (path: string) => Tensor): Layer[] {
  return entries.map((entry): Layer => {
    const o = entry.options
    switch (entry.type) {
      case 'conv2d':
      case 'conv-transpose2d': {
        const weight = tensorOf(entry.weightPath as string)
        checkConvShape(name, entry, weight, entry.type === 'conv-transpose2d')
        const read = entry.biasPath ? tensorOf(entry.biasPath) : null
        const bias = read ? { shape: [read.data.length], data: read.data } : null
        if (entry.type === 'conv2d') {
          return {
            type: 'conv2d',
            weight,
            bias,
            stride: pairOf(o.stride),
            padding: (typeof o.padding === 'string' ? o.padding : pairOf(o.padding)) as Padding | undefined,
            dilation: pairOf(o.dilation),
            groups: o.groups as number | undefined,
            paddingMode: o.padding_mode as PaddingMode | undefined,
          }
        }
        return {
          type: 'conv-transpose2d',
          weight,
          bias,
          stride: pairOf(o.stride),
          padding: pairOf(o.padding),
          outputPadding: pairOf(o.output_padding),
          dilation: pairOf(o.dilation),
          groups: o.groups as number | undefined,
        }
      }
      case 'max-pool2d':
        return { type: 'max-pool2d', ...poolOptionsOf(o), dilation: pairOf(o.dilation) }
      case 'avg-pool2d':
        return {
          type: 'avg-pool2d',
          ...poolOptionsOf(o),
          countIncludePad: o.count_include_pad as boolean | undefined,
          divisorOverride: (o.divisor_override as number | null | undefined) ?? null,
        }
      case 'leaky-relu':
        return { type: 'leaky-relu', negativeSlope: o.negative_slope as number | undefined }
      default:
        return { type: entry.type } as Layer
    }
  })
}

/** Every .npy path a stack file names, in order, without repeats. */
export function stackFilePaths(entries: readonly LayerEntry[]): string[] {
  const paths = entries.flatMap((entry) => [entry.weightPath, entry.biasPath]).filter((p): p is string => p !== null)
  return [...new Set(paths)]
}

const FILE_NAMES: Record<string, string> = {
  kernelSize: 'kernel_size',
  outputPadding: 'output_padding',
  outputSize: 'output_size',
  paddingMode: 'padding_mode',
  ceilMode: 'ceil_mode',
  countIncludePad: 'count_include_pad',
  divisorOverride: 'divisor_override',
  negativeSlope: 'negative_slope',
}

/**
 * The other way: layers as a STACK.json text and the tensors it names (w{i}.npy, b{i}.npy),
 * for a caller to write beside it. Options left at their defaults are left out.
 */
export function stackToFile(layers: readonly Layer[]): { json: string; tensors: Map<string, Tensor> } {
  const tensors = new Map<string, Tensor>()
  const entries = layers.map((layer, i) => {
    const entry: Record<string, unknown> = { type: layer.type }
    for (const [key, value] of Object.entries(layer)) {
      if (key === 'type' || value === undefined || value === null) continue
      if (key === 'weight' || key === 'bias') {
        const name = `${key === 'weight' ? 'w' : 'b'}${i}.npy`
        tensors.set(name, value as Tensor)
        entry[key] = name
        continue
      }
      entry[FILE_NAMES[key] ?? key] = Array.isArray(value) ? [...value] : value
    }
    return entry
  })
  return { json: JSON.stringify({ layers: entries }, null, 2) + '\n', tensors }
}
