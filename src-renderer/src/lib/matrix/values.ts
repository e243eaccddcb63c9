// The numbers the Matrix view shows beside its matrix, for one batch item: x from the document,
// y, dE/dy and dE/dx as the engine computed them (the exact values the explorer read with `probe`).
// The page multiplies nothing: every number here is the engine's or the document's.

import type { Shown } from '../state/explorer.svelte'
import type { SessionLayer } from '../../../../core/session'

export interface MatrixValues {
  x: Float64Array | null
  y: Float64Array | null
  gradOutput: Float64Array | null
  gradInput: Float64Array | null
  /** MaxPool2d's argmax of each output (flat positions in each input plane). */
  indices: ArrayLike<number> | null
  /** The engine result the values come from (null: none yet). */
  requestId: number | null
}

const NONE: MatrixValues = { x: null, y: null, gradOutput: null, gradInput: null, indices: null, requestId: null }

/** Batch item n of a whole (N, ...) tensor, when the tensor has N·size values. */
function item(data: Float64Array | null | undefined, n: number, size: number): Float64Array | null {
  if (!data || data.length % size !== 0 || (n + 1) * size > data.length) return null
  return data.subarray(n * size, (n + 1) * size)
}

/**
 * The values of batch item n for a matrix with `rows` outputs and `cols` inputs. Conv2d reads the
 * explorer's latest result; the other layers' values come with the family results (not computed
 * by the explorer yet), so their matrix is shown with the input alone.
 */
export function matrixValues(
  layer: SessionLayer,
  shown: Shown | null,
  input: Float64Array,
  n: number,
  sizes: { inputs: number; outputs: number },
): MatrixValues {
  const x = item(input, n, sizes.inputs)
  if (layer.type !== 'conv2d' || !shown) return { ...NONE, x }
  const exact = shown.exact
  const g = shown.result.geometry
  // a result of other settings (computed before the last edit) is not this matrix's
  const same = g.outChannels * g.outH * g.outW === sizes.outputs && g.inChannels * g.inH * g.inW === sizes.inputs && shown.input.data.length === input.length
  if (!exact || !same) return { ...NONE, x }
  return {
    x: item(shown.input.data, n, sizes.inputs),
    y: item(exact.output, n, sizes.outputs),
    gradOutput: item(exact.gradOutput, n, sizes.outputs),
    gradInput: item(exact.gradInput, n, sizes.inputs),
    indices: null,
    requestId: shown.result.requestId,
  }
}
