// The exact float64 values of a small result, read from the engine right after it answers, so
// the page shows every number of a small tensor exactly (large ones: display maps, and exact
// values on demand for the cell under the pointer or a region).

import type { ComputeResult, Transport } from '../../../../contract'

/** Tensors up to this many values come to the page whole. */
export const EXACT_VALUES = 1 << 16

export interface ExactValues {
  output: Float64Array
  gradOutput: Float64Array | null
  gradInput: Float64Array | null
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1)

/** Whether every tensor of this result is small enough to come whole. */
export function isSmall(result: ComputeResult): boolean {
  return [result.output, result.gradOutput, result.gradInput].every((stack) => !stack || sizeOf(stack.shape) <= EXACT_VALUES)
}

/** The exact tensors of the engine's latest result, or null when it is large or was superseded. */
export async function exactValuesOf(transport: Transport, result: ComputeResult): Promise<ExactValues | null> {
  if (!isSmall(result)) return null
  const read = async (which: 'output' | 'gradOutput' | 'gradInput', shape: readonly number[] | undefined) => {
    if (!shape) return null
    const answer = await transport.invoke('probe', { requestId: result.requestId, which, start: 0, count: sizeOf(shape) })
    return answer.ok ? answer.value : undefined
  }
  const [output, gradOutput, gradInput] = await Promise.all([
    read('output', result.output.shape),
    read('gradOutput', result.gradOutput?.shape),
    read('gradInput', result.gradInput?.shape),
  ])
  if (!output || gradOutput === undefined || gradInput === undefined) return null
  return { output, gradOutput, gradInput }
}

/** Exact values of a range of the latest result (the cell under the pointer, a region's row). */
export async function probeValues(
  transport: Transport,
  requestId: number,
  which: 'output' | 'gradOutput' | 'gradInput',
  start: number,
  count: number,
): Promise<Float64Array | null> {
  const answer = await transport.invoke('probe', { requestId, which, start, count })
  return answer.ok ? answer.value : null
}
