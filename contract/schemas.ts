// zod schemas for every request of the contract: main validates each payload with these
// before anything touches it (shapes, sizes, ranges), so a bad payload is an error result.

import { z } from 'zod'
import { ConvolabError } from '../core/errors'
import type { MethodName, RequestOf } from './index'
import { LIMITS } from './index'

const MAX_DIMENSION = 1 << 16

const count = (min: number, max: number) => z.number().int().min(min).max(max)
const dimension = count(1, MAX_DIMENSION)
const name = z.string().min(1).max(1024)

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1)
}

function tensorPayload(rankMin: number, rankMax: number) {
  return z
    .object({
      shape: z.array(dimension).min(rankMin).max(rankMax),
      data: z.instanceof(Float64Array),
    })
    .refine((t) => product(t.shape) <= LIMITS.maxTensorValues, {
      message: `a tensor may hold at most ${LIMITS.maxTensorValues} values`,
    })
    .refine((t) => product(t.shape) === t.data.length, { message: 'data length does not match shape' })
}

export const anyTensorSchema = tensorPayload(1, 4)

/** An input (N, C, H, W) within the batch and channel limits. */
export const inputTensorSchema = tensorPayload(4, 4).refine(
  (t) => t.shape[0] <= LIMITS.maxBatch && t.shape[1] <= LIMITS.maxChannels,
  { message: `batch at most ${LIMITS.maxBatch}, channels at most ${LIMITS.maxChannels}` },
)

/** A weight (C_out, C_in/groups, KH, KW) within the kernel and channel limits. */
export const weightSchema = tensorPayload(4, 4).refine(
  (t) =>
    t.shape[0] <= LIMITS.maxChannels &&
    t.shape[1] <= LIMITS.maxChannels &&
    t.shape[2] <= LIMITS.maxKernelSide &&
    t.shape[3] <= LIMITS.maxKernelSide,
  { message: `kernel sides at most ${LIMITS.maxKernelSide}, channels at most ${LIMITS.maxChannels}` },
)

export const biasSchema = tensorPayload(1, 1).refine((t) => t.shape[0] <= LIMITS.maxChannels, {
  message: `at most ${LIMITS.maxChannels} bias values`,
})

const pair = (min: number) => z.union([count(min, MAX_DIMENSION), z.tuple([count(min, MAX_DIMENSION), count(min, MAX_DIMENSION)])])

export const conv2dOptionsSchema = z.object({
  stride: pair(1).optional(),
  padding: z.union([pair(0), z.literal('same'), z.literal('valid')]).optional(),
  dilation: pair(1).optional(),
  groups: count(1, LIMITS.maxChannels).optional(),
  paddingMode: z.enum(['zeros', 'reflect', 'replicate', 'circular']).optional(),
})

export const gradOutputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('ones') }),
  z.object({ kind: z.literal('random'), seed: z.number().int() }),
  z.object({ kind: z.literal('tensor'), tensor: inputTensorSchema }),
  z.object({ kind: z.literal('mse'), target: inputTensorSchema }),
  z.object({ kind: z.literal('mse-stored'), targetId: z.string().min(1).max(64) }),
])

const displaySchema = z.object({ maxSide: count(0, 1 << 14) })

const requestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

export const computeRequestSchema = z.object({
  requestId,
  inputId: z.string().min(1).max(64),
  weight: weightSchema,
  bias: biasSchema.nullable(),
  options: conv2dOptionsSchema,
  gradOutput: gradOutputSchema.optional(),
  display: displaySchema,
})

const bytes = z.instanceof(Uint8Array).refine((b) => b.length <= LIMITS.maxFileBytes, {
  message: `files of at most ${LIMITS.maxFileBytes} bytes`,
})

export const imageDecodeRequestSchema = z.object({
  bytes,
  name,
  grayscale: z.boolean(),
  maxSide: count(0, LIMITS.maxImageSide),
})

export const tensorFileRequestSchema = z.object({ bytes, name })

export const probeRequestSchema = z.object({
  requestId,
  which: z.enum(['input', 'output', 'gradInput', 'gradOutput']),
  start: z.number().int().min(0).max(LIMITS.maxTensorValues),
  count: count(1, 1 << 20),
})

export const gradcheckRequestSchema = z.object({
  inputShape: z.tuple([count(1, LIMITS.maxBatch), count(1, LIMITS.maxChannels), count(1, 256), count(1, 256)]),
  outChannels: count(1, LIMITS.maxChannels),
  kernelSize: z.tuple([count(1, LIMITS.maxKernelSide), count(1, LIMITS.maxKernelSide)]),
  options: conv2dOptionsSchema,
  bias: z.boolean(),
  samples: count(1, 10_000),
  tolerance: z.number().positive().finite(),
  seed: z.number().int(),
})

export const exportRequestSchema = z.object({
  name,
  format: z.enum(['npy', 'csv']),
  tensor: anyTensorSchema,
})

export const learnStepRequestSchema = z.object({
  inputId: z.string().min(1).max(64),
  targetId: z.string().min(1).max(64),
  weight: weightSchema,
  bias: biasSchema.nullable(),
  options: conv2dOptionsSchema,
  learningRate: z.number().positive().finite(),
  steps: count(1, 10_000),
})

export const filteredTargetRequestSchema = z.object({
  inputId: z.string().min(1).max(64),
  weight: weightSchema,
  options: conv2dOptionsSchema,
})

// ─── Documents and settings ───

/** An absolute path of any platform (main checks it further against the paths it handed out). */
export const absolutePathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), { message: 'a path has no NUL characters' })
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), { message: 'an absolute path' })

const sessionText = z.string().min(1).max(LIMITS.maxFileBytes)
const fileName = name.refine((n) => !/[\\/\0]/.test(n), { message: 'a file name, without folders' })

export const saveSessionRequestSchema = z.object({
  text: sessionText,
  path: absolutePathSchema.optional(),
  suggestedName: fileName.optional(),
})

export const openSessionRequestSchema = z.union([
  z.object({ bytes, name: fileName, path: absolutePathSchema.optional() }),
  z.object({ path: absolutePathSchema }),
])

export const autosaveRequestSchema = z.object({
  text: sessionText,
  name: fileName.optional(),
  path: absolutePathSchema.optional(),
})

export const documentStateSchema = z.object({ name: z.string().max(1024), dirty: z.boolean() })

const folderPurposes = ['session', 'image', 'kernel', 'tensor', 'export'] as const
const windowBoundsSchema = z.object({
  x: z.number().int().min(-100_000).max(100_000),
  y: z.number().int().min(-100_000).max(100_000),
  width: count(100, 100_000),
  height: count(100, 100_000),
  maximized: z.boolean(),
})

/** Each setting's schema: the settings file is checked key by key, so one bad value costs only itself. */
export const settingSchemas = {
  language: z.enum(['system', 'en', 'es']),
  theme: z.enum(['system', 'light', 'dark']),
  colourMap: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  decimals: count(0, 12),
  animationSpeed: z.number().min(0.1).max(10),
  lastFolders: z.object(Object.fromEntries(folderPurposes.map((p) => [p, absolutePathSchema.optional()])) as Record<(typeof folderPurposes)[number], z.ZodOptional<typeof absolutePathSchema>>),
  window: windowBoundsSchema.nullable(),
} as const

/** A partial change: unknown keys are dropped (zod strips them); a bad value refuses the whole change. */
export const settingsPatchSchema = z.object({
  language: settingSchemas.language.optional(),
  theme: settingSchemas.theme.optional(),
  colourMap: settingSchemas.colourMap.optional(),
  decimals: settingSchemas.decimals.optional(),
  animationSpeed: settingSchemas.animationSpeed.optional(),
  lastFolders: settingSchemas.lastFolders.optional(),
  window: settingSchemas.window.optional(),
})

/** For methods that take no parameter: only `undefined` (what an omitted argument arrives as). */
const nothing = z.undefined()

/** One schema per method; `about` takes nothing, so anything passed is ignored. */
export const requestSchemas: { [M in MethodName]: z.ZodType<RequestOf<M>> } = {
  setInput: inputTensorSchema,
  decodeImage: imageDecodeRequestSchema,
  readTensorFile: tensorFileRequestSchema,
  compute: computeRequestSchema as z.ZodType<RequestOf<'compute'>>,
  probe: probeRequestSchema,
  gradcheck: gradcheckRequestSchema as z.ZodType<RequestOf<'gradcheck'>>,
  encodeTensor: exportRequestSchema,
  learnStep: learnStepRequestSchema as z.ZodType<RequestOf<'learnStep'>>,
  filteredTarget: filteredTargetRequestSchema as z.ZodType<RequestOf<'filteredTarget'>>,
  cancel: z.enum(['gradcheck', 'compute']),
  about: z.unknown() as z.ZodType<RequestOf<'about'>>,
  saveSession: saveSessionRequestSchema,
  openSession: openSessionRequestSchema,
  autosave: autosaveRequestSchema,
  recovery: nothing,
  discardRecovery: nothing,
  getSettings: nothing,
  setSettings: settingsPatchSchema,
  recentFiles: nothing,
  addRecentFile: absolutePathSchema,
  setDocumentState: documentStateSchema,
}

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value)
}

/** The validated request, or a ConvolabError 'bad-request' naming the first problem. */
export function parseRequest<M extends MethodName>(method: unknown, payload: unknown): { method: M; request: RequestOf<M> } {
  if (!isMethodName(method)) {
    throw new ConvolabError('bad-request', { detail: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` })
  }
  const parsed = requestSchemas[method].safeParse(payload)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length ? issue.path.join('.') : 'payload'
    throw new ConvolabError('bad-request', { detail: `${method}: ${where}: ${issue.message}` })
  }
  return { method: method as M, request: parsed.data as RequestOf<M> }
}
