// The exact float64 values of a small stack-of-one result (a ConvTranspose2d or a pool), read
// from the engine with probeStack right after it answers; large results are read cell by cell
// on demand (the hovered cell).

import type { StackComputeResult, StackProbeRequest, Transport } from '../../../../contract'
import { EXACT_VALUES } from './exact-values'

export interface LayerExactValues {
  output: Float64Array
  /** dE/dy at the layer's output, when the backward pass ran. */
  gradOutput: Float64Array | null
  /** dE/dx at the input, when the backward pass ran. */
  gradInput: Float64Array | null
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1)

/** Which tensor of a stack-of-one result, in the words of the single-layer panels. */
export type LayerTensor = 'output' | 'gradOutput' | 'gradInput' | 'indices'

/** The probeStack address of one of the layer's tensors: dE/dx is the gradient at the stack input (layer −1). */
export function probeAddress(which: LayerTensor): Pick<StackProbeRequest, 'layer' | 'which'> {
  return which === 'gradInput' ? { layer: -1, which: 'gradOutput' } : { layer: 0, which }
}

/** Whether every map of this result is small enough to come whole. */
export function isSmallLayerResult(result: StackComputeResult): boolean {
  const layer = result.layers[0]
  return [layer?.output, layer?.gradOutput, result.gradInput].every((stack) => !stack || sizeOf(stack.shape) <= EXACT_VALUES)
}

/** Exact values of a range of one tensor of the latest stack result (null when superseded). */
export async function probeLayerValues(
  transport: Transport,
  requestId: number,
  which: LayerTensor,
  start: number,
  count: number,
): Promise<Float64Array | null> {
  const answer = await transport.invoke('probeStack', { requestId, ...probeAddress(which), start, count })
  return answer.ok ? answer.value : null
}

/** The exact tensors of the engine's latest stack-of-one result, or null when large or superseded. */
export async function layerExactValuesOf(transport: Transport, result: StackComputeResult): Promise<LayerExactValues | null> {
  const layer = result.layers[0]
  if (!layer || !isSmallLayerResult(result)) return null
  const read = async (which: LayerTensor, shape: readonly number[] | undefined) => {
    if (!shape) return null
    return (await probeLayerValues(transport, result.requestId, which, 0, sizeOf(shape))) ?? undefined
  }
  const [output, gradOutput, gradInput] = await Promise.all([
    read('output', layer.output.shape),
    read('gradOutput', layer.gradOutput?.shape),
    read('gradInput', result.gradInput?.shape),
  ])
  if (!output || gradOutput === undefined || gradInput === undefined) return null
  return { output, gradOutput, gradInput }
}
