// probeStack: exact values of one tensor of the last computeStack result, kept in the worker
// (a layer's output, the gradient at it, a max-pool's argmax; layer −1 is the stack input).

import type { Tensor } from '../../core'
import { ConvolabError } from '../../core'
import type { StackProbeRequest } from '../../contract'
import type { KeptStack } from './stack-compute'

function badRequest(detail: string): ConvolabError {
  return new ConvolabError('bad-request', { detail: `probeStack: ${detail}` })
}

/** The tensor a probe names, or why the last result has none. */
function probed(kept: KeptStack, layer: number, which: StackProbeRequest['which']): Float64Array | Int32Array {
  if (layer === -1) {
    if (which === 'indices') throw badRequest('the stack input has no indices')
    const tensor: Tensor | null = which === 'output' ? kept.input : kept.gradInput
    if (!tensor) throw badRequest('the last result has no dE/dx (no backward pass ran)')
    return tensor.data
  }
  if (layer >= kept.outputs.length) throw badRequest(`layer ${layer} was not computed (the last result has ${kept.outputs.length} layers)`)
  if (which === 'output') return kept.outputs[layer].data
  if (which === 'gradOutput') {
    const tensor = kept.gradOutputs[layer]
    if (!tensor) throw badRequest(`the backward pass did not reach layer ${layer}`)
    return tensor.data
  }
  const indices = kept.indices[layer]
  if (!indices) throw badRequest(`layer ${layer} is not a max-pool layer`)
  return indices
}

export function probeStack(kept: KeptStack | null, request: StackProbeRequest): Float64Array {
  if (!kept || kept.requestId !== request.requestId) {
    throw badRequest(`no result for request ${request.requestId} (the last is ${kept ? kept.requestId : 'none'})`)
  }
  const values = probed(kept, request.layer, request.which)
  const end = request.start + request.count
  if (end > values.length) throw badRequest(`values ${request.start}..${end - 1} are outside ${request.which} (${values.length} values)`)
  // indices are whole numbers, exact in float64
  return values instanceof Float64Array ? values.slice(request.start, end) : Float64Array.from(values.subarray(request.start, end))
}
