// The .convolab session document: the input, the kernels, the settings, the upstream gradient,
// the explorer's layer, the stack, the view and the learning set-up, as versioned JSON. The file
// around it is format 2, a zip (core/session-file.ts): this JSON as `session.json` and every
// tensor as an .npy member.
//
// session.json (version 3):
// {
//   "format": "convolab-session", "version": 3,
//   "input":  { "npy": "input.npy", "divisor": 255 },   (a tensor: see below)
//   "inputName": "photo.jpg",                       (optional: the file the input came from)
//   "weight": { "npy": "weight.npy" },
//   "bias":   { "npy": "bias.npy" } | null,
//   "options": { "stride": 1 | [h, w], "padding": 1 | [h, w] | "same" | "valid",
//                "dilation": 1 | [h, w], "groups": 1, "paddingMode": "zeros" },
//   "layer": { "type": "conv2d" }                   (the explorer's layer; the Conv2d reads "options")
//          | { "type": "conv-transpose2d", "options": { "stride", "padding", "outputPadding",
//                "outputSize": [h, w], "dilation", "groups" } }   ("weight" is (C_in, C_out/groups, KH, KW))
//          | { "type": "max-pool2d", "options": { "kernelSize", "stride", "padding", "dilation", "ceilMode" } }
//          | { "type": "avg-pool2d", "options": { "kernelSize", "stride", "padding", "ceilMode",
//                "countIncludePad", "divisorOverride": 3 | null } },
//   "stack": {                                      (optional: the stack of layers the user built)
//     "layers": [                                   (nn.Sequential's layers in order, at most MAX_STACK_LAYERS)
//       { "type": "conv2d", "weight": { "npy": "stack-0-weight.npy" }, "bias": { "npy": "stack-0-bias.npy" } | null,
//         "stride", "padding", "dilation", "groups", "paddingMode" },
//       { "type": "conv-transpose2d", "weight": {...}, "bias": {...} | null, "stride", "padding",
//         "outputPadding", "outputSize", "dilation", "groups" },
//       { "type": "max-pool2d", "kernelSize", ... }, { "type": "avg-pool2d", "kernelSize", ... },
//       { "type": "relu" }, { "type": "leaky-relu", "negativeSlope": 0.01 }, { "type": "tanh" }, { "type": "sigmoid" }
//     ],
//     "selected": 0,                                (the layer open in the editor)
//     "active": true                                (the stack view is shown; false: the single layer)
//   },
//   "gradOutput": { "kind": "ones" } | { "kind": "random", "seed": 1 }
//               | { "kind": "tensor", "tensor": {...} } | { "kind": "mse", "target": {...} },
//   "view": { ...free-form view state the app restores (colour map, zoom, language...) },
//   "learning": {                                   (optional)
//     "target": { "kind": "preset", "preset": "sobel-x" } | { "kind": "tensor", "tensor": {...} },
//     "learningRate": 0.1, "steps": 50,
//     "start": "random" | "current",   (optional, "random": a seeded N(0,1) kernel; both start at bias 0)
//     "seed": 7                         (optional, 7)
//   }
// }
// Options mean what PyTorch's keyword arguments of the same name (in camelCase) mean, with the
// same defaults when left out; a pair is an int or [h, w].
// A tensor is either a zip member, { "npy": "name.npy" } (the shape is the .npy's own), or inline,
// { "shape": [N, C, H, W], "data": "<base64 of float64 little-endian>" | [numbers, null for NaN] }.
// A member is float64 ('<f8'), or, when every value is exactly k/255 (an 8-bit image, as
// torchvision's to_tensor makes it) or k/65535, the integers k as uint8 / uint16 with
// "divisor": 255 / 65535: the value is k / divisor, bit for bit, and the file is 8 times smaller.
// "learning" is what `convolab export --animation learning` replays: the preset target is the
// input filtered by that preset (centred in a kernel of the weight's size), a tensor target has
// the output's shape.
// Settings that cannot be computed (a layer that cannot take its input, a stack that stops at
// layer 3) are the user's work: they are saved and opened as they are.
//
// Older versions open through MIGRATIONS below: version 1 was this document alone as the whole
// file (UTF-8 JSON, tensors inline in base64); version 2 had no "layer" (a Conv2d) and no
// "stack". serializeSession writes the single-text form of the current version, every tensor
// inline (handy for tests and hand-made files); the app writes format 2.

import { fromByteArray, toByteArray } from 'base64-js'
import { z } from 'zod'
import { ConvolabError } from './errors'
import type { Conv2dOptions, ConvGeometry } from './geometry'
import { PADDING_MODES, convGeometry } from './geometry'
import type { PresetId } from './presets'
import { PRESET_IDS } from './presets'
import type { Tensor } from './tensor'
import type { ConvTranspose2dOptions } from './conv-transpose2d-geometry'
import { fieldIssue, sessionCorrupt } from './session-corrupt'
import type { Layer } from './layer'
import { hasWeights } from './layer'
import { planLayer } from './layer-compute'
import type { Pool2dOptions } from './pool-geometry'
import { formatShape, sizeOf } from './tensor'

export const SESSION_FORMAT = 'convolab-session'
/** The version of session.json this code writes. */
export const SESSION_VERSION = 3
/** The version of the single-text form serializeSession writes (the same document, tensors inline). */
export const SESSION_TEXT_VERSION = SESSION_VERSION
/** Most layers in a stack (contract's LIMITS.maxStackLayers is this number). */
export const MAX_STACK_LAYERS = 32

export type SessionGradOutput = { kind: 'ones' } | { kind: 'random'; seed: number } | { kind: 'tensor'; tensor: Tensor } | { kind: 'mse'; target: Tensor }

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

/**
 * The explorer's layer (version 3). Conv2d reads `options` and `weight` as before; a transposed
 * layer reads `weight` as (C_in, C_out/groups, KH, KW) and its own options; pools have no weight
 * (the session's `weight` then keeps the Conv2d kernel the user had, to switch back to).
 */
export type SessionLayer =
  | { type: 'conv2d' }
  | { type: 'conv-transpose2d'; options: ConvTranspose2dOptions }
  | { type: 'max-pool2d'; options: Omit<Pool2dOptions, 'countIncludePad' | 'divisorOverride'> }
  | { type: 'avg-pool2d'; options: Omit<Pool2dOptions, 'dilation'> }

/** A stack of layers (version 3): nn.Sequential's layers in order, which one is open, and whether the app shows the stack. */
export interface SessionStack {
  layers: Layer[]
  selected: number
  /** The stack view is open (false: the single-layer explorer, with the stack kept). */
  active: boolean
}

export interface Session {
  /** Version 3; absent in older files: Conv2d. */
  layer?: SessionLayer
  /** Version 3; absent: no stack. */
  stack?: SessionStack
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

const inlineTensorJson = z.object({
  shape: z
    .array(
      z
        .number()
        .int()
        .min(1)
        .max(1 << 16),
    )
    .min(1)
    .max(4),
  data: z.union([z.string(), z.array(z.number().nullable())]),
})
/** Member names are plain file names ending in .npy, no folders. */
const memberTensorJson = z.object({
  npy: z.string().regex(/^[A-Za-z0-9_.-]{1,64}\.npy$/),
  divisor: z.union([z.literal(255), z.literal(65535)]).optional(),
})
const tensorJson = z.union([inlineTensorJson, memberTensorJson])
const pair = z.union([z.number().int(), z.tuple([z.number().int(), z.number().int()])])
// Options are checked for their kind only (whole numbers, pairs, flags): values no layer can
// take are the user's settings, opened as saved and explained by the app.
const optionsShape = {
  stride: pair.optional(),
  padding: z.union([pair, z.literal('same'), z.literal('valid')]).optional(),
  dilation: pair.optional(),
  groups: z.number().int().optional(),
  paddingMode: z.enum(PADDING_MODES as [string, ...string[]]).optional(),
}
const optionsJson = z.object(optionsShape)
const transposedShape = {
  stride: pair.optional(),
  padding: pair.optional(),
  outputPadding: pair.optional(),
  outputSize: z.tuple([z.number().int(), z.number().int()]).optional(),
  dilation: pair.optional(),
  groups: z.number().int().optional(),
}
const maxPoolShape = {
  kernelSize: pair,
  stride: pair.optional(),
  padding: pair.optional(),
  dilation: pair.optional(),
  ceilMode: z.boolean().optional(),
}
const avgPoolShape = {
  kernelSize: pair,
  stride: pair.optional(),
  padding: pair.optional(),
  ceilMode: z.boolean().optional(),
  countIncludePad: z.boolean().optional(),
  divisorOverride: z.number().int().nullable().optional(),
}
const layerJson = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conv2d') }),
  z.object({ type: z.literal('conv-transpose2d'), options: z.object(transposedShape) }),
  z.object({ type: z.literal('max-pool2d'), options: z.object(maxPoolShape) }),
  z.object({ type: z.literal('avg-pool2d'), options: z.object(avgPoolShape) }),
])
const weightsShape = { weight: tensorJson, bias: tensorJson.nullable().optional() }
const stackLayerJson = z.discriminatedUnion('type', [
  z.object({ type: z.literal('conv2d'), ...weightsShape, ...optionsShape }),
  z.object({ type: z.literal('conv-transpose2d'), ...weightsShape, ...transposedShape }),
  z.object({ type: z.literal('max-pool2d'), ...maxPoolShape }),
  z.object({ type: z.literal('avg-pool2d'), ...avgPoolShape }),
  z.object({ type: z.literal('relu') }),
  z.object({ type: z.literal('leaky-relu'), negativeSlope: z.number().finite().optional() }),
  z.object({ type: z.literal('tanh') }),
  z.object({ type: z.literal('sigmoid') }),
])
const stackJson = z
  .object({
    layers: z.array(stackLayerJson).max(MAX_STACK_LAYERS),
    selected: z.number().int().min(0),
    active: z.boolean(),
  })
  .refine((stack) => stack.selected < Math.max(1, stack.layers.length), {
    // a rule word, worded by messages/ (session-corrupt's 'field' reason)
    params: { rule: 'selected-in-stack' },
    path: ['selected'],
  })
const sessionJson = z.object({
  format: z.literal(SESSION_FORMAT),
  version: z.literal(SESSION_VERSION),
  input: tensorJson,
  inputName: z.string().max(1024).optional(),
  weight: tensorJson,
  bias: tensorJson.nullable(),
  options: optionsJson,
  layer: layerJson.default({ type: 'conv2d' }),
  stack: stackJson.nullable().optional(),
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
 * Migrations from older versions, each to the next one. Version 1 → 2: version 2 moved the
 * tensors into zip members but still reads inline ones, so a version-1 document is a version-2
 * one with inline tensors. Version 2 → 3: the explorer was always a Conv2d and there was no
 * stack (whatever "layer" or "stack" an older file carries was not written by Convolab).
 */
export const MIGRATIONS: Record<number, (doc: Record<string, unknown>) => Record<string, unknown>> = {
  1: (doc) => ({ ...doc, version: 2 }),
  2: (doc) => {
    const { stack: _ignored, ...rest } = doc
    return { ...rest, version: 3, layer: { type: 'conv2d' } }
  },
}

/** A tensor member of a session file, read: its .npy shape and values. */
export interface MemberArray {
  shape: number[]
  data: Float64Array
  /** NumPy's dtype name ('float64', 'uint8', ...). */
  dtype: string
}

/** Reads a member of the file by name; null when the file has no such member. */
export type MemberReader = (name: string) => MemberArray | null

const noMembers: MemberReader = () => null

function encodeTensor(tensor: Tensor): { shape: number[]; data: string } {
  const bytes = new Uint8Array(tensor.data.length * 8)
  const view = new DataView(bytes.buffer)
  tensor.data.forEach((value, k) => view.setFloat64(k * 8, value, true))
  const data = fromByteArray(bytes)
  return { shape: [...tensor.shape], data }
}

function decodeTensor(json: z.infer<typeof tensorJson>, name: string, members: MemberReader): Tensor {
  if ('npy' in json) return memberTensor(json, name, members)
  const size = sizeOf(json.shape)
  if (size > MAX_VALUES) throw new ConvolabError('too-large', { name, value: size, limit: MAX_VALUES })
  let data: Float64Array
  if (typeof json.data === 'string') {
    if (!BASE64.test(json.data) || json.data.length % 4 !== 0) {
      throw sessionCorrupt('not-base64', { path: name })
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

function memberTensor(json: z.infer<typeof memberTensorJson>, name: string, members: MemberReader): Tensor {
  const member = members(json.npy)
  if (!member) throw sessionCorrupt('member-missing', { path: name, member: json.npy })
  const { shape, data } = member
  if (shape.length < 1 || shape.length > 4 || shape.some((v) => v < 1)) {
    throw sessionCorrupt('member-shape', { path: name, member: json.npy, shape: `(${shape.join(', ')})` })
  }
  if (data.length > MAX_VALUES) throw new ConvolabError('too-large', { name, value: data.length, limit: MAX_VALUES })
  if (json.divisor !== undefined) {
    const dtype = json.divisor === 255 ? 'uint8' : 'uint16'
    if (member.dtype !== dtype) throw sessionCorrupt('member-dtype', { path: name, member: json.npy, got: member.dtype, expected: dtype })
    const divisor = json.divisor
    for (let k = 0; k < data.length; k++) data[k] = data[k] / divisor
  } else if (member.dtype !== 'float64') {
    throw sessionCorrupt('member-dtype', { path: name, member: json.npy, got: member.dtype, expected: 'float64' })
  }
  return { shape: [...shape], data }
}

/** The member names of a session's tensors in a format-2 file (and stackMember's for the stack). */
export const TENSOR_MEMBERS = {
  input: 'input.npy',
  weight: 'weight.npy',
  bias: 'bias.npy',
  gradOutput: 'grad-output.npy',
  target: 'target.npy',
  learningTarget: 'learning-target.npy',
} as const
export type TensorMemberName = (typeof TENSOR_MEMBERS)[keyof typeof TENSOR_MEMBERS] | `stack-${number}-${'weight' | 'bias'}.npy`

/** The member of layer `index`'s weight or bias in a stack: stack-0-weight.npy, stack-0-bias.npy. */
export function stackMember(index: number, which: 'weight' | 'bias'): TensorMemberName {
  return `stack-${index}-${which}.npy`
}

/** The stack as JSON: each layer's options as they are, its tensors written by `tensor`. */
function stackDocument(stack: SessionStack, tensor: (t: Tensor, member: TensorMemberName) => unknown): Record<string, unknown> {
  const layers = stack.layers.map((layer, index) =>
    hasWeights(layer)
      ? { ...layer, weight: tensor(layer.weight, stackMember(index, 'weight')), bias: layer.bias ? tensor(layer.bias, stackMember(index, 'bias')) : null }
      : { ...layer },
  )
  return { layers, selected: stack.selected, active: stack.active }
}

/**
 * The session as a JSON document of the given version, each tensor written by `tensor` (inline
 * base64 for the text form, a member reference for format 2).
 */
export function sessionDocument(session: Session, version: number, tensor: (t: Tensor, member: TensorMemberName) => unknown): Record<string, unknown> {
  const gradOutput =
    session.gradOutput.kind === 'tensor'
      ? { kind: 'tensor', tensor: tensor(session.gradOutput.tensor, TENSOR_MEMBERS.gradOutput) }
      : session.gradOutput.kind === 'mse'
        ? { kind: 'mse', target: tensor(session.gradOutput.target, TENSOR_MEMBERS.target) }
        : session.gradOutput
  const learning = session.learning
  return {
    format: SESSION_FORMAT,
    version,
    input: tensor(session.input, TENSOR_MEMBERS.input),
    ...(session.inputName ? { inputName: session.inputName } : {}),
    weight: tensor(session.weight, TENSOR_MEMBERS.weight),
    bias: session.bias ? tensor(session.bias, TENSOR_MEMBERS.bias) : null,
    options: session.options,
    layer: session.layer ?? { type: 'conv2d' },
    ...(session.stack ? { stack: stackDocument(session.stack, tensor) } : {}),
    gradOutput,
    view: session.view,
    ...(learning
      ? {
          learning: {
            ...learning,
            target:
              learning.target.kind === 'tensor' ? { kind: 'tensor', tensor: tensor(learning.target.tensor, TENSOR_MEMBERS.learningTarget) } : learning.target,
          },
        }
      : {}),
  }
}

/** The single-text form: one JSON document with every tensor inline in base64. */
export function serializeSession(session: Session): string {
  const document = sessionDocument(session, SESSION_TEXT_VERSION, (t) => encodeTensor(t))
  return JSON.stringify(document, null, 1) + '\n'
}

/** The explorer's single layer as core's Layer: the session's kernel and bias with the layer's options. */
export function explorerLayer(session: Session): Layer {
  const layer = session.layer ?? { type: 'conv2d' }
  switch (layer.type) {
    case 'conv2d':
      return { type: 'conv2d', weight: session.weight, bias: session.bias, ...session.options }
    case 'conv-transpose2d':
      return { type: 'conv-transpose2d', weight: session.weight, bias: session.bias, ...layer.options }
    case 'max-pool2d':
      return { type: 'max-pool2d', ...layer.options }
    case 'avg-pool2d':
      return { type: 'avg-pool2d', ...layer.options }
  }
}

/** The shape of the explorer layer's output, or null when its settings cannot be computed. */
function computableOutputShape(session: Session): number[] | null {
  try {
    if ((session.layer ?? { type: 'conv2d' }).type === 'conv2d') {
      const geometry: ConvGeometry = convGeometry(session.input.shape, session.weight.shape, session.options, session.bias?.data.length)
      return [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW]
    }
    return planLayer(explorerLayer(session), session.input.shape).outputShape
  } catch (error) {
    if (error instanceof ConvolabError) return null
    throw error
  }
}

/** Keys whose value is undefined left out, so a layer read back equals the layer written. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

function sessionLayerOf(json: z.infer<typeof layerJson>): SessionLayer {
  return json.type === 'conv2d' ? { type: 'conv2d' } : ({ type: json.type, options: defined(json.options) } as SessionLayer)
}

function stackOf(json: z.infer<typeof stackJson>, members: MemberReader): SessionStack {
  const layers = json.layers.map((entry, index): Layer => {
    if (entry.type !== 'conv2d' && entry.type !== 'conv-transpose2d') return defined(entry) as Layer
    const { weight, bias, ...options } = entry
    return defined({
      ...options,
      weight: decodeTensor(weight, `stack.layers.${index}.weight`, members),
      bias: bias ? decodeTensor(bias, `stack.layers.${index}.bias`, members) : null,
    }) as Layer
  })
  return { layers, selected: json.selected, active: json.active }
}

/** Parses, migrates and validates a session text (session.json, or a whole version-1 file); a ConvolabError says what is wrong. */
export function parseSession(text: string, members: MemberReader = noMembers): Session {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch {
    throw sessionCorrupt('not-json')
  }
  return sessionFromDocument(document, members)
}

/** Migrates and validates a parsed session document; tensors in zip members come from `members`. */
export function sessionFromDocument(document: unknown, members: MemberReader = noMembers): Session {
  if (typeof document !== 'object' || document === null || (document as { format?: unknown }).format !== SESSION_FORMAT) {
    throw sessionCorrupt('wrong-format', { expected: SESSION_FORMAT })
  }
  let doc = document as Record<string, unknown>
  const version = doc.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw sessionCorrupt('bad-version', { value: JSON.stringify(version) ?? 'undefined' })
  }
  if (version > SESSION_VERSION) throw new ConvolabError('session-newer', { version, supported: SESSION_VERSION })
  for (let v = version; v < SESSION_VERSION; v++) {
    const migrate = MIGRATIONS[v]
    if (!migrate) throw sessionCorrupt('no-migration', { version: v })
    doc = migrate(doc)
  }
  const parsed = sessionJson.safeParse(doc)
  if (!parsed.success) {
    throw fieldIssue(parsed.error.issues[0])
  }
  const json = parsed.data
  const session: Session = {
    input: decodeTensor(json.input, 'input', members),
    inputName: json.inputName,
    weight: decodeTensor(json.weight, 'weight', members),
    bias: json.bias ? decodeTensor(json.bias, 'bias', members) : null,
    options: json.options as Conv2dOptions,
    layer: sessionLayerOf(json.layer),
    ...(json.stack ? { stack: stackOf(json.stack, members) } : {}),
    gradOutput:
      json.gradOutput.kind === 'tensor'
        ? { kind: 'tensor', tensor: decodeTensor(json.gradOutput.tensor, 'gradOutput', members) }
        : json.gradOutput.kind === 'mse'
          ? { kind: 'mse', target: decodeTensor(json.gradOutput.target, 'target', members) }
          : json.gradOutput,
    view: json.view,
  }
  if (json.learning) {
    const target = json.learning.target
    session.learning = {
      ...json.learning,
      target: target.kind === 'tensor' ? { kind: 'tensor', tensor: decodeTensor(target.tensor, 'learning.target', members) } : target,
    }
  }
  // Settings that cannot be computed (dilation 5 on a 7×7 input, a stack whose layer 3 cannot
  // take its input) are part of the document the user was editing: saved and opened as they are,
  // so no work is lost; the app says why it cannot compute them. A learning target is checked
  // against the explorer layer's output only when there is one.
  const expected = session.learning?.target.kind === 'tensor' ? computableOutputShape(session) : null
  if (expected && session.learning?.target.kind === 'tensor') {
    const got = session.learning.target.tensor.shape
    if (got.length !== 4 || got.some((v, k) => v !== expected[k])) {
      throw new ConvolabError('grad-output-shape', { got: formatShape(got), expected: formatShape(expected) })
    }
  }
  return session
}
