// One layer of a stack computed: its shape check (a plan), its forward and its backward, for
// every layer kind, on core's scalar kernels or on the fast (WebAssembly) ones when given.

import { activationBackward, activationForward, DEFAULT_NEGATIVE_SLOPE } from './activations'
import { conv2dBackward } from './conv2d-backward'
import { conv2d } from './conv2d'
import type { ConvGeometry } from './geometry'
import { convGeometry } from './geometry'
import type { Layer } from './layer'
import type { Tensor } from './tensor'
import type { FastKernels } from './fast/kernels'

/** The shape rules of one layer for one input shape; made once, read by forward and backward. */
export type LayerPlan =
  | { type: 'conv2d'; inputShape: number[]; outputShape: number[]; geometry: ConvGeometry }
  | { type: 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid'; inputShape: number[]; outputShape: number[] }

/** What forward keeps for backward besides input and output (max-pool's argmax). */
export interface LayerForward {
  output: Tensor
  indices?: unknown
}

export interface LayerGradients {
  gradInput: Tensor
  gradWeight: Tensor | null
  gradBias: Tensor | null
}

/** Checks that the layer can take inputs of this shape; throws the ConvolabError saying why not. */
export function planLayer(layer: Layer, inputShape: readonly number[]): LayerPlan {
  const shape = [...inputShape]
  switch (layer.type) {
    case 'conv2d': {
      const geometry = convGeometry(shape, layer.weight.shape, layer, layer.bias ? layer.bias.data.length : undefined)
      return { type: 'conv2d', inputShape: shape, outputShape: [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW], geometry }
    }
    case 'relu':
    case 'leaky-relu':
    case 'tanh':
    case 'sigmoid':
      return { type: layer.type, inputShape: shape, outputShape: shape }
  }
  throw new Error(`unknown layer type ${(layer as Layer).type}`)
}

export function layerForward(layer: Layer, plan: LayerPlan, x: Tensor, kernels?: FastKernels): LayerForward {
  const outputShape = plan.outputShape
  switch (layer.type) {
    case 'conv2d': {
      const geometry = (plan as Extract<LayerPlan, { type: 'conv2d' }>).geometry
      if (kernels) {
        const data = kernels.forward(x.data, layer.weight.data, layer.bias?.data ?? null, geometry, 'f64') as Float64Array
        return { output: { shape: outputShape, data } }
      }
      return { output: conv2d(x, layer.weight, layer.bias, layer).output }
    }
    case 'relu':
    case 'tanh':
    case 'sigmoid':
      return { output: { shape: outputShape, data: activationForward(layer.type, x.data) } }
    case 'leaky-relu':
      return { output: { shape: outputShape, data: activationForward('leaky-relu', x.data, layer.negativeSlope ?? DEFAULT_NEGATIVE_SLOPE) } }
  }
  throw new Error(`unknown layer type ${(layer as Layer).type}`)
}

/** dE/dx, dE/dw, dE/db of one layer from its dE/dy (weights' gradients only for layers with weights). */
export function layerBackward(
  layer: Layer,
  plan: LayerPlan,
  x: Tensor,
  forward: LayerForward,
  gradOutput: Tensor,
  kernels?: FastKernels,
): LayerGradients {
  const inputShape = plan.inputShape
  switch (layer.type) {
    case 'conv2d': {
      const geometry = (plan as Extract<LayerPlan, { type: 'conv2d' }>).geometry
      if (kernels) {
        const grads = kernels.backward(x.data, layer.weight.data, gradOutput.data, geometry, 'f64', {
          input: true,
          weight: true,
          bias: true,
        })
        return {
          gradInput: { shape: inputShape, data: grads.gradInput as Float64Array },
          gradWeight: { shape: [...layer.weight.shape], data: grads.gradWeight as Float64Array },
          gradBias: grads.gradBias ? { shape: [geometry.outChannels], data: grads.gradBias as Float64Array } : null,
        }
      }
      const grads = conv2dBackward(x, layer.weight, layer.bias, gradOutput, layer)
      return { gradInput: grads.gradInput, gradWeight: grads.gradWeight, gradBias: grads.gradBias }
    }
    case 'relu':
    case 'tanh':
    case 'sigmoid':
    case 'leaky-relu': {
      const slope = layer.type === 'leaky-relu' ? (layer.negativeSlope ?? DEFAULT_NEGATIVE_SLOPE) : 0
      const data = activationBackward(layer.type, gradOutput.data, x.data, forward.output.data, slope)
      return { gradInput: { shape: inputShape, data }, gradWeight: null, gradBias: null }
    }
  }
  throw new Error(`unknown layer type ${(layer as Layer).type}`)
}
