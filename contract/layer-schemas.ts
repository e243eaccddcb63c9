// zod schemas of the stack methods' requests: each layer's options in PyTorch's ranges, weights
// within the kernel and channel limits, at most LIMITS.maxStackLayers layers.

import { z } from 'zod'
import { biasSchema, conv2dOptionsSchema, displaySchema, gradOutputSchema, pair, requestId, weightSchema } from './compute-schemas'
import type { StackMethods } from './layers'
import { LIMITS } from './limits'
import type { RequestSchemas } from './methods'
import { count, divisorOverride } from './schema-parts'

const conv2dLayer = conv2dOptionsSchema.extend({ type: z.literal('conv2d'), weight: weightSchema, bias: biasSchema.nullable() })

const convTranspose2dLayer = z.object({
  type: z.literal('conv-transpose2d'),
  weight: weightSchema,
  bias: biasSchema.nullable(),
  stride: pair(1).optional(),
  padding: pair(0).optional(),
  outputPadding: pair(0).optional(),
  outputSize: z.tuple([count(1, 1 << 16), count(1, 1 << 16)]).optional(),
  dilation: pair(1).optional(),
  groups: count(1, LIMITS.maxChannels).optional(),
})

const poolOptions = {
  kernelSize: pair(1),
  stride: pair(1).optional(),
  padding: pair(0).optional(),
  ceilMode: z.boolean().optional(),
}

const maxPool2dLayer = z.object({ type: z.literal('max-pool2d'), ...poolOptions, dilation: pair(1).optional() })

const avgPool2dLayer = z.object({
  type: z.literal('avg-pool2d'),
  ...poolOptions,
  countIncludePad: z.boolean().optional(),
  divisorOverride: divisorOverride,
})

const activationLayer = z.object({ type: z.enum(['relu', 'tanh', 'sigmoid']) })
const leakyReluLayer = z.object({ type: z.literal('leaky-relu'), negativeSlope: z.number().finite().optional() })

export const wireLayerSchema = z.discriminatedUnion('type', [
  conv2dLayer,
  convTranspose2dLayer,
  maxPool2dLayer,
  avgPool2dLayer,
  activationLayer,
  leakyReluLayer,
])

const unit = z.tuple([count(0, LIMITS.maxBatch - 1), count(0, LIMITS.maxChannels - 1), count(0, 1 << 16), count(0, 1 << 16)])

const stackComputeRequestSchema = z.object({
  requestId,
  inputId: z.string().min(1).max(64),
  layers: z.array(wireLayerSchema).min(1).max(LIMITS.maxStackLayers),
  gradient: z
    .discriminatedUnion('kind', [
      z.object({ kind: z.literal('output'), gradOutput: gradOutputSchema }),
      z.object({ kind: z.literal('unit'), layer: count(0, LIMITS.maxStackLayers - 1), unit, weights: z.boolean().optional() }),
    ])
    .optional(),
  display: displaySchema,
  lane: z.enum(['view', 'animation']).optional(),
})

const stackProbeRequestSchema = z.object({
  requestId,
  layer: z
    .number()
    .int()
    .min(-1)
    .max(LIMITS.maxStackLayers - 1),
  which: z.enum(['output', 'gradOutput', 'indices']),
  start: z.number().int().min(0).max(LIMITS.maxTensorValues),
  count: count(1, 1 << 20),
})

/** One schema per stack method. */
export const stackSchemas: RequestSchemas<StackMethods> = {
  computeStack: stackComputeRequestSchema,
  probeStack: stackProbeRequestSchema,
}
