// The .convolab session file: a versioned JSON document with the input, the kernels, the settings,
// the upstream gradient and the view. The app saves and opens it; `convolab export` reads it.
//
// Format (version 1):
// {
//   "format": "convolab-session", "version": 1,
//   "input":  { "shape": [N, C, H, W], "data": "<base64 of float64 little-endian>" },
//   "inputName": "photo.jpg",                       (optional)
//   "weight": { "shape": [M, C/groups, KH, KW], "data": "..." },
//   "bias":   { "shape": [M], "data": "..." } | null,
//   "options": { "stride": 1 | [h, w], "padding": 1 | [h, w] | "same" | "valid",
//                "dilation": 1 | [h, w], "groups": 1, "paddingMode": "zeros" },
//   "gradOutput": { "kind": "ones" } | { "kind": "random", "seed": 1 }
//               | { "kind": "tensor", "tensor": {...} } | { "kind": "mse", "target": {...} },
//   "view": { ...free-form view state the app restores (colour map, zoom, language...) },
//   "learning": {                                   (optional; older files have none)
//     "target": { "kind": "preset", "preset": "sobel-x" } | { "kind": "tensor", "tensor": {...} },
//     "learningRate": 0.1, "steps": 50,
//     "start": "random" | "current",   (optional, "random": a seeded N(0,1) kernel; both start at bias 0)
//     "seed": 7                         (optional, 7)
//   }
// }
// "learning" is what `convolab export --animation learning` replays: the preset target is the
// input filtered by that preset (centred in a kernel of the weight's size), a tensor target has
// the output's shape. Adding it kept version 1: a file without it reads as before.
// "data" may also be a plain JSON array of numbers, for hand-written sessions.

import { fromByteArray, toByteArray } from 'base64-js'
import { z } from 'zod'
import { ConvolabError } from './errors'
import type { Conv2dOptions, ConvGeometry } from './geometry'
import { PADDING_MODES, convGeometry } from './geometry'
import type { PresetId } from './presets'
import { PRESET_IDS } from './presets'
import type { Tensor } from './tensor'
import { formatShape, sizeOf } from './tensor'

export const SESSION_FORMAT = 'convolab-session'
export const SESSION_VERSION = 1

export type SessionGradOutput =
  | { kind: 'ones' }
  | { kind: 'random'; seed: number }
  | { kind: 'tensor'; tensor: Tensor }
  | { kind: 'mse'; target: Tensor }

export type SessionLearningTarget = { kind: 'preset'; preset: PresetId } | { kind: 'tensor'; tensor: Tensor }

export interface SessionLearning {
  target: SessionLearningTarget
  learningRate: number
  steps: number
  start: 'random' | 'current'
  seed: number
}

/** Longest learning run a session may ask for (each step is a forward and a backward pass). */
export const MAX_LEARNING_STEPS = 10000

export interface Session {
  input: Tensor
  inputName?: string
  weight: Tensor
  bias: Tensor | null
  options: Conv2dOptions
  gradOutput: SessionGradOutput
  view: Record<string, unknown>
  learning?: SessionLearning
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/
const MAX_VALUES = 64 * 1024 * 1024

const tensorJson = z.object({
  shape: z.array(z.number().int().min(1).max(1 << 16)).min(1).max(4),
  data: z.union([z.string(), z.array(z.number().nullable())]),
})
const pair = z.union([z.number().int(), z.tuple([z.number().int(), z.number().int()])])
const optionsJson = z.object({
  stride: pair.optional(),
  padding: z.union([pair, z.literal('same'), z.literal('valid')]).optional(),
  dilation: pair.optional(),
  groups: z.number().int().optional(),
  paddingMode: z.enum(PADDING_MODES as [string, ...string[]]).optional(),
})
const sessionJson = z.object({
  format: z.literal(SESSION_FORMAT),
  version: z.literal(SESSION_VERSION),
  input: tensorJson,
  inputName: z.string().max(1024).optional(),
  weight: tensorJson,
  bias: tensorJson.nullable(),
  options: optionsJson,
  gradOutput: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('ones') }),
    z.object({ kind: z.literal('random'), seed: z.number().int() }),
    z.object({ kind: z.literal('tensor'), tensor: tensorJson }),
    z.object({ kind: z.literal('mse'), target: tensorJson }),
  ]),
  view: z.record(z.string(), z.unknown()).default({}),
  learning: z
    .object({
      target: z.discriminatedUnion('kind', [
        z.object({ kind: z.literal('preset'), preset: z.enum(PRESET_IDS as [PresetId, ...PresetId[]]) }),
        z.object({ kind: z.literal('tensor'), tensor: tensorJson }),
      ]),
      learningRate: z.number().positive().finite(),
      steps: z.number().int().min(0).max(MAX_LEARNING_STEPS),
      start: z.enum(['random', 'current']).default('random'),
      seed: z.number().int().default(7),
    })
    .optional(),
})

/**
 * Migrations from older versions, each to the next one. Version 1 is the first format, so there
 * is none yet; a version-2 change adds `1: (doc) => ({ ...doc, version: 2, ... })` here.
 */
const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {}

function encodeTensor(tensor: Tensor, cache?: WeakMap<Float64Array, string>): { shape: number[]; data: string } {
  const cached = cache?.get(tensor.data)
  if (cached !== undefined) return { shape: [...tensor.shape], data: cached }
  const bytes = new Uint8Array(tensor.data.length * 8)
  const view = new DataView(bytes.buffer)
  tensor.data.forEach((value, k) => view.setFloat64(k * 8, value, true))
  const data = fromByteArray(bytes)
  cache?.set(tensor.data, data)
  return { shape: [...tensor.shape], data }
}

function decodeTensor(json: z.infer<typeof tensorJson>, name: string): Tensor {
  const size = sizeOf(json.shape)
  if (size > MAX_VALUES) throw new ConvolabError('too-large', { name, value: size, limit: MAX_VALUES })
  let data: Float64Array
  if (typeof json.data === 'string') {
    if (!BASE64.test(json.data) || json.data.length % 4 !== 0) {
      throw new ConvolabError('session-corrupt', { detail: `${name}: data is not base64` })
    }
    const bytes = toByteArray(json.data)
    if (bytes.length !== size * 8) {
      throw new ConvolabError('data-size', { name, got: Math.floor(bytes.length / 8), expected: size, shape: `(${json.shape.join(', ')})` })
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    data = new Float64Array(size)
    for (let k = 0; k < size; k++) data[k] = view.getFloat64(k * 8, true)
  } else {
    if (json.data.length !== size) {
      throw new ConvolabError('data-size', { name, got: json.data.length, expected: size, shape: `(${json.shape.join(', ')})` })
    }
    // JSON has no NaN: a null stands for it.
    data = Float64Array.from(json.data, (v) => (v === null ? NaN : v))
  }
  return { shape: [...json.shape], data }
}

function learningJson(learning: SessionLearning) {
  const target = learning.target.kind === 'tensor' ? { kind: 'tensor', tensor: encodeTensor(learning.target.tensor) } : learning.target
  return { ...learning, target }
}

export interface SerializeOptions {
  /**
   * Base64 text of input arrays already encoded, by array: saves re-encoding a large photo on
   * every autosave. Only for arrays that are never changed in place once encoded.
   */
  inputCache?: WeakMap<Float64Array, string>
}

export function serializeSession(session: Session, serializeOptions: SerializeOptions = {}): string {
  const gradOutput =
    session.gradOutput.kind === 'tensor'
      ? { kind: 'tensor', tensor: encodeTensor(session.gradOutput.tensor) }
      : session.gradOutput.kind === 'mse'
        ? { kind: 'mse', target: encodeTensor(session.gradOutput.target) }
        : session.gradOutput
  const document = {
    format: SESSION_FORMAT,
    version: SESSION_VERSION,
    input: encodeTensor(session.input, serializeOptions.inputCache),
    ...(session.inputName ? { inputName: session.inputName } : {}),
    weight: encodeTensor(session.weight),
    bias: session.bias ? encodeTensor(session.bias) : null,
    options: session.options,
    gradOutput,
    view: session.view,
    ...(session.learning ? { learning: learningJson(session.learning) } : {}),
  }
  return JSON.stringify(document, null, 1) + '\n'
}

function computableGeometry(session: Session): ConvGeometry | null {
  try {
    return convGeometry(session.input.shape, session.weight.shape, session.options, session.bias?.data.length)
  } catch (error) {
    if (error instanceof ConvolabError) return null
    throw error
  }
}

/** Parses, migrates and validates a session; a ConvolabError says what is wrong. */
export function parseSession(text: string): Session {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new ConvolabError('session-corrupt', { detail: (error as Error).message })
  }
  if (typeof document !== 'object' || document === null || (document as { format?: unknown }).format !== SESSION_FORMAT) {
    throw new ConvolabError('session-corrupt', { detail: `"format" is not "${SESSION_FORMAT}"` })
  }
  let doc = document as Record<string, unknown>
  const version = doc.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw new ConvolabError('session-corrupt', { detail: `"version" is ${JSON.stringify(version)}` })
  }
  if (version > SESSION_VERSION) throw new ConvolabError('session-newer', { version, supported: SESSION_VERSION })
  for (let v = version; v < SESSION_VERSION; v++) {
    const migrate = MIGRATIONS[v]
    if (!migrate) throw new ConvolabError('session-corrupt', { detail: `no migration from version ${v}` })
    doc = migrate(doc)
  }
  const parsed = sessionJson.safeParse(doc)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new ConvolabError('session-corrupt', { detail: `${issue.path.join('.') || 'document'}: ${issue.message}` })
  }
  const json = parsed.data
  const session: Session = {
    input: decodeTensor(json.input, 'input'),
    inputName: json.inputName,
    weight: decodeTensor(json.weight, 'weight'),
    bias: json.bias ? decodeTensor(json.bias, 'bias') : null,
    options: json.options as Conv2dOptions,
    gradOutput:
      json.gradOutput.kind === 'tensor'
        ? { kind: 'tensor', tensor: decodeTensor(json.gradOutput.tensor, 'gradOutput') }
        : json.gradOutput.kind === 'mse'
          ? { kind: 'mse', target: decodeTensor(json.gradOutput.target, 'target') }
          : json.gradOutput,
    view: json.view,
  }
  if (json.learning) {
    const target = json.learning.target
    session.learning = {
      ...json.learning,
      target: target.kind === 'tensor' ? { kind: 'tensor', tensor: decodeTensor(target.tensor, 'learning.target') } : target,
    }
  }
  // Settings that cannot be computed (dilation 5 on a 7×7 input) are part of the document the user
  // was editing: saved and opened as they are, so no work is lost; the app says why it cannot
  // compute them. A learning target is checked against the output only when there is one.
  const geometry = computableGeometry(session)
  if (geometry && session.learning?.target.kind === 'tensor') {
    const expected = [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW]
    const got = session.learning.target.tensor.shape
    if (got.length !== 4 || got.some((v, k) => v !== expected[k])) {
      throw new ConvolabError('grad-output-shape', { got: formatShape(got), expected: formatShape(expected) })
    }
  }
  return session
}
