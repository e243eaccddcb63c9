// The numbers the Matrix view shows beside its matrix, for one batch item: x from the document,
// y, dE/dy and dE/dx as the engine computed them (the exact values the explorer read with `probe`
// or `probeStack`), and MaxPool2d's argmax indices. The page multiplies nothing: every number
// here is the engine's or the document's.

import type { TensorPayload } from '../../../../contract'
import type { SessionLayer } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import type { Shown } from '../state/explorer.svelte'

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

/**
 * The part of the explorer's result for a layer other than Conv2d (a stack of one, read with
 * probeStack) that the view reads: its layer, input, exact tensors and MaxPool2d's indices.
 */
export interface LayerResultValues {
  layer: SessionLayer
  input: Tensor
  exact: { output: Float64Array; gradOutput: Float64Array | null; gradInput: Float64Array | null } | null
  result: { requestId: number; layers: { indices?: TensorPayload }[] }
}

const NONE: MatrixValues = { x: null, y: null, gradOutput: null, gradInput: null, indices: null, requestId: null }

/** Batch item n of a whole (N, ...) tensor, when the tensor has N·size values. */
function item(data: Float64Array | null | undefined, n: number, size: number): Float64Array | null {
  if (!data || !Number.isInteger(size) || size < 1 || data.length % size !== 0 || (n + 1) * size > data.length) return null
  return data.subarray(n * size, (n + 1) * size)
}

/** MaxPool2d's argmax indices of batch item n from the layer's latest result, when it is the current layer's. */
export function poolIndices(layer: SessionLayer, layerShown: LayerResultValues | null, inputShape: readonly number[], n: number): Float64Array | null {
  if (layer.type !== 'max-pool2d' || !layerShown || layerShown.layer !== layer) return null
  // the argmaxes of an input of another shape (resized since) are not this matrix's
  if (layerShown.input.shape.some((dim, axis) => dim !== inputShape[axis])) return null
  const batch = inputShape[0]
  const indices = layerShown.result.layers[0]?.indices?.data
  return indices ? item(indices, n, indices.length / batch) : null
}

/**
 * The values of batch item n for a matrix with `outputs` rows and `inputs` columns: Conv2d's from
 * the explorer's latest result, the other layers' from their stack-of-one result; while there is
 * none for these settings, the input alone.
 */
export function matrixValues(
  layer: SessionLayer,
  shown: Shown | null,
  layerShown: LayerResultValues | null,
  input: Float64Array,
  n: number,
  sizes: { inputs: number; outputs: number },
): MatrixValues {
  const x = item(input, n, sizes.inputs)
  if (layer.type !== 'conv2d') {
    const exact = layerShown?.exact
    // a result of another layer or options (computed before the last edit) is not this matrix's
    if (!layerShown || !exact || layerShown.layer !== layer || layerShown.input.data.length !== input.length) return { ...NONE, x }
    return {
      x: item(layerShown.input.data, n, sizes.inputs),
      y: item(exact.output, n, sizes.outputs),
      gradOutput: item(exact.gradOutput, n, sizes.outputs),
      gradInput: item(exact.gradInput, n, sizes.inputs),
      indices: poolIndices(layer, layerShown, layerShown.input.shape, n),
      requestId: layerShown.result.requestId,
    }
  }
  if (!shown) return { ...NONE, x }
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
