// One layer of a stack computed: its shape check (a plan), its forward and its backward, for
// every layer kind, on core's scalar kernels or on the fast (WebAssembly) ones when given.

import { activationBackward, activationForward, DEFAULT_NEGATIVE_SLOPE } from './activations'
import { avgPool2d, avgPool2dBackward, avgPoolGeometry } from './avg-pool2d'
import { conv2d, conv2dForward } from './conv2d'
import { conv2dBackward, conv2dBackwardKernel } from './conv2d-backward'
import { padInput, unpadGradient } from './padding'
import { convTranspose2d, convTranspose2dBackward } from './conv-transpose2d'
import type { ConvTranspose2dGeometry } from './conv-transpose2d-geometry'
import { convTranspose2dGeometry, transposedOutputShape } from './conv-transpose2d-geometry'
import type { ConvGeometry } from './geometry'
import { convGeometry, outputShape } from './geometry'
import type { Layer } from './layer'
import { maxPool2d, maxPool2dBackward } from './max-pool2d'
import type { Pool2dOptions, PoolGeometry } from './pool-geometry'
import { poolGeometry, poolOutputShape } from './pool-geometry'
import type { Tensor } from './tensor'
import { sizeOf } from './tensor'
import type { FastKernels } from './fast/kernels'

/** The shape rules of one layer for one input shape; made once, read by forward and backward. */
export type LayerPlan =
  | { type: 'conv2d'; inputShape: number[]; outputShape: number[]; geometry: ConvGeometry }
  | { type: 'conv-transpose2d'; inputShape: number[]; outputShape: number[]; geometry: ConvTranspose2dGeometry }
  | { type: 'max-pool2d'; inputShape: number[]; outputShape: number[]; geometry: PoolGeometry }
  | { type: 'avg-pool2d'; inputShape: number[]; outputShape: number[]; geometry: PoolGeometry }
  | { type: 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid'; inputShape: number[]; outputShape: number[] }

/** A layer's forward result: its output, and max-pool's argmax indices that its backward routes by. */
export interface LayerForward {
  output: Tensor
  indices?: Int32Array
}

export interface LayerGradients {
  gradInput: Tensor
  gradWeight: Tensor | null
  gradBias: Tensor | null
}

type PlanOf<T extends LayerPlan['type']> = Extract<LayerPlan, { type: T }>

/**
 * Where a result may go instead of a fresh array: an array of that length no one reads any more
 * (the engine's arrays of its previous stack), or undefined for a new one. Fresh large arrays
 * cost their page faults on every run; Conv2d and the activations take them from here.
 */
export type Scratch = (length: number) => Float64Array | undefined

/** Conv2d forward (no bias) of an unpadded input on core's loops. */
function conv2dForwardPadded(x: Float64Array, weight: Float64Array, geometry: ConvGeometry): Float64Array {
  const output = new Float64Array(geometry.batch * geometry.outChannels * geometry.outH * geometry.outW)
  conv2dForward(padInput(x, geometry), weight, null, output, geometry)
  return output
}

function poolOptions(layer: Layer & Pool2dOptions): Pool2dOptions {
  // stride: null is PyTorch's "the kernel size", like no stride at all
  return { ...layer, stride: layer.stride ?? undefined }
}

/** Checks that the layer can take inputs of this shape; throws the ConvolabError saying why not. */
export function planLayer(layer: Layer, inputShape: readonly number[]): LayerPlan {
  const shape = [...inputShape]
  switch (layer.type) {
    case 'conv2d': {
      const geometry = convGeometry(shape, layer.weight.shape, layer, layer.bias ? layer.bias.data.length : undefined)
      return { type: layer.type, inputShape: shape, outputShape: outputShape(geometry), geometry }
    }
    case 'conv-transpose2d': {
      const geometry = convTranspose2dGeometry(shape, layer.weight.shape, layer, layer.bias ? layer.bias.data.length : undefined)
      return { type: layer.type, inputShape: shape, outputShape: transposedOutputShape(geometry), geometry }
    }
    case 'max-pool2d':
    case 'avg-pool2d': {
      const geometry = layer.type === 'avg-pool2d' ? avgPoolGeometry(shape, poolOptions(layer)) : poolGeometry(shape, poolOptions(layer))
      return { type: layer.type, inputShape: shape, outputShape: poolOutputShape(geometry), geometry }
    }
    case 'relu':
    case 'leaky-relu':
    case 'tanh':
    case 'sigmoid':
      return { type: layer.type, inputShape: shape, outputShape: shape }
  }
  throw new Error(`unknown layer type ${(layer as Layer).type}`)
}

export function layerForward(layer: Layer, plan: LayerPlan, x: Tensor, kernels?: FastKernels, scratch?: Scratch): LayerForward {
  const shape = plan.outputShape
  const into = (): Float64Array | undefined => scratch?.(sizeOf(shape))
  switch (layer.type) {
    case 'conv2d': {
      const { geometry } = plan as PlanOf<'conv2d'>
      if (kernels) {
        const data = kernels.forward(x.data, layer.weight.data, layer.bias?.data ?? null, geometry, 'f64', { output: into() }) as Float64Array
        return { output: { shape, data } }
      }
      return { output: conv2d(x, layer.weight, layer.bias, layer).output }
    }
    case 'conv-transpose2d': {
      const { geometry } = plan as PlanOf<'conv-transpose2d'>
      return { output: convTranspose2d(x, layer.weight, layer.bias, geometry, kernels).output }
    }
    case 'max-pool2d': {
      const { output, indices } = maxPool2d(x, (plan as PlanOf<'max-pool2d'>).geometry, kernels, into())
      return { output, indices }
    }
    case 'avg-pool2d':
      return { output: avgPool2d(x, (plan as PlanOf<'avg-pool2d'>).geometry, kernels, into()).output }
    case 'relu':
    case 'tanh':
    case 'sigmoid':
      return { output: { shape, data: activationForward(layer.type, x.data, undefined, into()) } }
    case 'leaky-relu':
      return { output: { shape, data: activationForward('leaky-relu', x.data, layer.negativeSlope ?? DEFAULT_NEGATIVE_SLOPE, into()) } }
  }
  throw new Error(`unknown layer type ${(layer as Layer).type}`)
}

/**
 * dE/dx, dE/dw, dE/db of one layer from its dE/dy (weights' gradients only for layers with
 * weights, and only when `withWeights`: an effective receptive field needs dE/dx alone).
 */
export function layerBackward(
  layer: Layer,
  plan: LayerPlan,
  x: Tensor,
  forward: LayerForward,
  gradOutput: Tensor,
  kernels?: FastKernels,
  withWeights = true,
  scratch?: Scratch,
): LayerGradients {
  const inputShape = plan.inputShape
  const into = (): Float64Array | undefined => scratch?.(sizeOf(inputShape))
  switch (layer.type) {
    case 'conv2d': {
      const { geometry } = plan as PlanOf<'conv2d'>
      if (kernels) {
        const wants = { input: true, weight: withWeights, bias: withWeights }
        const grads = kernels.backward(x.data, layer.weight.data, gradOutput.data, geometry, 'f64', wants, { gradInput: into() })
        return {
          gradInput: { shape: inputShape, data: grads.gradInput as Float64Array },
          gradWeight: grads.gradWeight ? { shape: [...layer.weight.shape], data: grads.gradWeight as Float64Array } : null,
          gradBias: grads.gradBias ? { shape: [geometry.outChannels], data: grads.gradBias as Float64Array } : null,
        }
      }
      if (!withWeights) {
        const gradPadded = new Float64Array(geometry.batch * geometry.inChannels * geometry.paddedH * geometry.paddedW)
        conv2dBackwardKernel(padInput(x.data, geometry), layer.weight.data, gradOutput.data, gradPadded, null, geometry)
        return { gradInput: { shape: inputShape, data: unpadGradient(gradPadded, geometry) }, gradWeight: null, gradBias: null }
      }
      const grads = conv2dBackward(x, layer.weight, layer.bias, gradOutput, layer)
      return { gradInput: grads.gradInput, gradWeight: grads.gradWeight, gradBias: grads.gradBias }
    }
    case 'conv-transpose2d': {
      const { geometry } = plan as PlanOf<'conv-transpose2d'>
      if (!withWeights) {
        // its dE/dx is the forward of the Conv2d it transposes, applied to dE/dy
        const conv = geometry.conv
        const data = kernels
          ? (kernels.forward(gradOutput.data, layer.weight.data, null, conv, 'f64') as Float64Array)
          : conv2dForwardPadded(gradOutput.data, layer.weight.data, conv)
        return { gradInput: { shape: inputShape, data }, gradWeight: null, gradBias: null }
      }
      return convTranspose2dBackward(x, layer.weight, gradOutput, geometry, layer.bias !== null, kernels)
    }
    case 'max-pool2d': {
      const { geometry } = plan as PlanOf<'max-pool2d'>
      const gradInput = maxPool2dBackward(gradOutput, forward.indices as Int32Array, geometry, kernels, into())
      return { gradInput, gradWeight: null, gradBias: null }
    }
    case 'avg-pool2d':
      return { gradInput: avgPool2dBackward(gradOutput, (plan as PlanOf<'avg-pool2d'>).geometry, kernels, into()), gradWeight: null, gradBias: null }
    case 'relu':
    case 'tanh':
    case 'sigmoid':
    case 'leaky-relu': {
      const slope = layer.type === 'leaky-relu' ? (layer.negativeSlope ?? DEFAULT_NEGATIVE_SLOPE) : 0
      const data = activationBackward(layer.type, gradOutput.data, x.data, forward.output.data, slope, into())
      return { gradInput: { shape: inputShape, data }, gradWeight: null, gradBias: null }
    }
  }
  throw new Error(`unknown layer type ${(layer as Layer).type}`)
}
