// The exact tensors of a family layer's animation, from the engine: each layer run as a one-layer
// stack (computeStack) and read back with probeStack. What is cropped, the region's dE/dy and the
// Conv2d ↔ ConvTranspose2d pair are frames/family-source.ts's, shared with `convolab export`.
// The page never convolves: it only crops and reads.

import type { Result, StackComputeRequest, StackGradientSeed, TensorPayload, Transport, WireLayer } from '../../../../contract'
import type { Layer } from '../../../../core/layer'
import type { Tensor } from '../../../../core/tensor'
import { sizeOf } from '../../../../core/tensor'
import type { FamilyRequest, FamilySource } from '../../../../frames/family-source'
import { buildFamilySource } from '../../../../frames/family-source'

export type { FamilyRequest, FamilySessionLayer, FamilySource } from '../../../../frames/family-source'
export { coreLayerOf } from '../../../../frames/family-source'

const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data })

export function wireLayerOf(layer: Layer): WireLayer {
  if (layer.type === 'conv2d' || layer.type === 'conv-transpose2d')
    return { ...layer, weight: payload(layer.weight), bias: layer.bias ? payload(layer.bias) : null } as WireLayer
  // A pool's stride null is PyTorch's "the kernel size", which the wire says by leaving it out.
  if ('stride' in layer && (layer.stride === null || layer.stride === undefined)) {
    const { stride: _kernelSize, ...rest } = layer
    void _kernelSize
    return rest as WireLayer
  }
  return layer
}

let requests = 0

async function probe(
  transport: Transport,
  requestId: number,
  layer: number,
  which: 'output' | 'gradOutput' | 'indices',
  count: number,
): Promise<Result<Float64Array>> {
  return transport.invoke('probeStack', { requestId, layer, which, start: 0, count })
}

/** One layer on one input through the engine; its output, dE/dy, dE/dx and argmaxes read exactly. */
async function runStack(transport: Transport, layer: Layer, input: Tensor, gradient: StackGradientSeed | undefined) {
  const stored = await transport.invoke('setInput', payload(input))
  if (!stored.ok) return stored
  const requestId = 1_000_000_000 + ++requests
  const request: StackComputeRequest = {
    requestId,
    inputId: stored.value.inputId,
    layers: [wireLayerOf(layer)],
    display: { maxSide: 1 },
    // its own lane: the explorer's maps and this animation never cancel each other
    lane: 'animation',
    ...(gradient ? { gradient } : {}),
  }
  const answer = await transport.invoke('computeStack', request)
  if (!answer.ok) return answer
  const result = answer.value
  if (result.refused) return { ok: false as const, code: result.refused.code, params: result.refused.params, message: result.refused.message }
  const layerResult = result.layers[0]
  const outputCount = sizeOf(layerResult.output.shape)
  const output = await probe(transport, requestId, 0, 'output', outputCount)
  if (!output.ok) return output
  let gradOutput: Float64Array | null = null
  let gradInput: Float64Array | null = null
  if (gradient) {
    const dy = await probe(transport, requestId, 0, 'gradOutput', outputCount)
    if (!dy.ok) return dy
    const dx = await probe(transport, requestId, -1, 'gradOutput', sizeOf(input.shape))
    if (!dx.ok) return dx
    gradOutput = dy.value
    gradInput = dx.value
  }
  let indices: ArrayLike<number> | null = null
  if (layer.type === 'max-pool2d') {
    if (layerResult.indices) indices = layerResult.indices.data
    else {
      const read = await probe(transport, requestId, 0, 'indices', outputCount)
      if (!read.ok) return read
      indices = read.value
    }
  }
  return {
    ok: true as const,
    value: {
      output: output.value,
      gradOutput,
      gradInput,
      gradWeight: layerResult.gradWeight?.data ?? null,
      gradBias: layerResult.gradBias?.data ?? null,
      indices,
    },
  }
}

/** The family layer's animation tensors, each layer run as a one-layer stack in the engine. */
export function loadFamilySource(transport: Transport, request: FamilyRequest): Promise<Result<FamilySource>> {
  return buildFamilySource(
    (layer, input, gradient) => runStack(transport, layer, input, gradient ? { kind: 'output', gradOutput: gradient } : undefined),
    request,
  )
}
