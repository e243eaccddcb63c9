// zod schemas of the compute methods' requests (shapes, sizes, ranges), checked in main before
// anything touches a payload.

import { z } from 'zod'
import type { ComputeMethods } from './compute'
import { LIMITS } from './limits'
import type { RequestSchemas } from './methods'
import { bytes, count, divisorOverride, name } from './schema-parts'

const MAX_DIMENSION = 1 << 16

const dimension = count(1, MAX_DIMENSION)

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

/** An input (N, C, H, W) within the batch and channel limits. */
const inputTensorSchema = tensorPayload(4, 4).refine((t) => t.shape[0] <= LIMITS.maxBatch && t.shape[1] <= LIMITS.maxChannels, {
  message: `batch at most ${LIMITS.maxBatch}, channels at most ${LIMITS.maxChannels}`,
})

/** A weight (C_out, C_in/groups, KH, KW) within the kernel and channel limits. */
export const weightSchema = tensorPayload(4, 4).refine(
  (t) => t.shape[0] <= LIMITS.maxChannels && t.shape[1] <= LIMITS.maxChannels && t.shape[2] <= LIMITS.maxKernelSide && t.shape[3] <= LIMITS.maxKernelSide,
  { message: `kernel sides at most ${LIMITS.maxKernelSide}, channels at most ${LIMITS.maxChannels}` },
)

export const biasSchema = tensorPayload(1, 1).refine((t) => t.shape[0] <= LIMITS.maxChannels, {
  message: `at most ${LIMITS.maxChannels} bias values`,
})

export const pair = (min: number) => z.union([count(min, MAX_DIMENSION), z.tuple([count(min, MAX_DIMENSION), count(min, MAX_DIMENSION)])])

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

export const displaySchema = z.object({ maxSide: count(0, 1 << 14) })

export const requestId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)

const computeRequestSchema = z.object({
  requestId,
  inputId: z.string().min(1).max(64),
  weight: weightSchema,
  bias: biasSchema.nullable(),
  options: conv2dOptionsSchema,
  gradOutput: gradOutputSchema.optional(),
  display: displaySchema,
})

const imageDecodeRequestSchema = z.object({
  bytes,
  name,
  grayscale: z.boolean(),
  maxSide: count(0, LIMITS.maxImageSide),
})

const tensorFileRequestSchema = z.object({ bytes, name })

const probeRequestSchema = z.object({
  requestId,
  which: z.enum(['input', 'output', 'gradInput', 'gradOutput']),
  start: z.number().int().min(0).max(LIMITS.maxTensorValues),
  count: count(1, 1 << 20),
})

const gradcheckRequestSchema = z.object({
  inputShape: z.tuple([count(1, LIMITS.maxBatch), count(1, LIMITS.maxChannels), count(1, 256), count(1, 256)]),
  outChannels: count(1, LIMITS.maxChannels),
  kernelSize: z.tuple([count(1, LIMITS.maxKernelSide), count(1, LIMITS.maxKernelSide)]),
  options: conv2dOptionsSchema,
  bias: z.boolean(),
  samples: count(1, 10_000),
  tolerance: z.number().positive().finite(),
  seed: z.number().int(),
})

const poolBase = { kernelSize: pair(1), stride: pair(1).optional(), padding: pair(0).optional(), ceilMode: z.boolean().optional() }

/** FamilyLayerSpec: a transposed layer's or a pool's options. */
export const familyLayerSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('conv-transpose2d'),
    options: z.object({
      stride: pair(1).optional(),
      padding: pair(0).optional(),
      outputPadding: pair(0).optional(),
      outputSize: z.tuple([count(1, MAX_DIMENSION), count(1, MAX_DIMENSION)]).optional(),
      dilation: pair(1).optional(),
      groups: count(1, LIMITS.maxChannels).optional(),
    }),
  }),
  z.object({ type: z.literal('max-pool2d'), options: z.object({ ...poolBase, dilation: pair(1).optional() }) }),
  z.object({
    type: z.literal('avg-pool2d'),
    options: z.object({
      ...poolBase,
      countIncludePad: z.boolean().optional(),
      divisorOverride: divisorOverride,
    }),
  }),
])

const learnStepRequestSchema = z.object({
  inputId: z.string().min(1).max(64),
  targetId: z.string().min(1).max(64),
  weight: weightSchema,
  bias: biasSchema.nullable(),
  options: conv2dOptionsSchema,
  learningRate: z.number().positive().finite(),
  steps: count(1, 10_000),
  layer: familyLayerSchema.optional(),
})

const filteredTargetRequestSchema = z.object({
  inputId: z.string().min(1).max(64),
  weight: weightSchema,
  options: conv2dOptionsSchema,
  layer: familyLayerSchema.optional(),
})

const planeRect = z.object({ top: count(0, MAX_DIMENSION), left: count(0, MAX_DIMENSION), height: dimension, width: dimension })

const regionValuesRequestSchema = z.object({
  requestId,
  batch: count(0, LIMITS.maxBatch - 1),
  region: planeRect.refine((r) => r.height * r.width <= 64 * 64, { message: 'a region of at most 64×64 output cells' }),
})

const gradientCheckRequestSchema = z.object({
  inputId: z.string().min(1).max(64),
  weight: weightSchema,
  bias: biasSchema.nullable(),
  options: conv2dOptionsSchema,
  gradOutput: gradOutputSchema,
  elements: count(1, 100_000),
  tolerance: z.number().positive().finite(),
  seed: z.number().int(),
  layer: familyLayerSchema.optional(),
})

/** One schema per compute method. */
export const computeSchemas: RequestSchemas<ComputeMethods> = {
  setInput: inputTensorSchema,
  decodeImage: imageDecodeRequestSchema,
  readTensorFile: tensorFileRequestSchema,
  compute: computeRequestSchema,
  probe: probeRequestSchema,
  gradcheck: gradcheckRequestSchema,
  checkGradients: gradientCheckRequestSchema,
  regionValues: regionValuesRequestSchema,
  learnStep: learnStepRequestSchema,
  filteredTarget: filteredTargetRequestSchema,
  cancel: z.enum(['gradcheck', 'compute']),
  // takes nothing: anything passed is ignored
  about: z.unknown().transform(() => undefined),
}
