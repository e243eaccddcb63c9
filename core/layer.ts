// One layer of a stack (nn.Sequential's building blocks) as data: which layer, its options in
// PyTorch's meaning (camelCase of its keyword arguments), and its weights. A single-layer
// explorer is a stack of one of these.

import type { ActivationKind } from './activations'
import type { ConvTranspose2dOptions } from './conv-transpose2d-geometry'
import type { Conv2dOptions } from './geometry'
import type { Pool2dOptions } from './pool-geometry'
import type { Tensor } from './tensor'

export interface Conv2dLayer extends Conv2dOptions {
  type: 'conv2d'
  /** (C_out, C_in / groups, KH, KW) */
  weight: Tensor
  /** (C_out,) or none */
  bias: Tensor | null
}

export interface ConvTranspose2dLayer extends ConvTranspose2dOptions {
  type: 'conv-transpose2d'
  /** (C_in, C_out / groups, KH, KW): in channels first, as in PyTorch */
  weight: Tensor
  bias: Tensor | null
}

/** stride defaults to the kernel size, as in PyTorch. */
export interface MaxPool2dLayer extends Omit<Pool2dOptions, 'countIncludePad' | 'divisorOverride'> {
  type: 'max-pool2d'
}

export interface AvgPool2dLayer extends Omit<Pool2dOptions, 'dilation'> {
  type: 'avg-pool2d'
}

export interface ActivationLayer {
  type: Exclude<ActivationKind, 'leaky-relu'>
}

export interface LeakyReluLayer {
  type: 'leaky-relu'
  /** PyTorch's default 0.01 */
  negativeSlope?: number
}

export type Layer = Conv2dLayer | ConvTranspose2dLayer | MaxPool2dLayer | AvgPool2dLayer | ActivationLayer | LeakyReluLayer

export type LayerType = Layer['type']

export const LAYER_TYPES: readonly LayerType[] = ['conv2d', 'conv-transpose2d', 'max-pool2d', 'avg-pool2d', 'relu', 'leaky-relu', 'tanh', 'sigmoid']

/** Layers with a weight and (optionally) a bias: the ones that have dE/dw and dE/db. */
export function hasWeights(layer: Layer): layer is Conv2dLayer | ConvTranspose2dLayer {
  return layer.type === 'conv2d' || layer.type === 'conv-transpose2d'
}

/** PyTorch's class name of each layer type, for messages and "Show as PyTorch". */
export const TORCH_CLASS: Record<LayerType, string> = {
  conv2d: 'Conv2d',
  'conv-transpose2d': 'ConvTranspose2d',
  'max-pool2d': 'MaxPool2d',
  'avg-pool2d': 'AvgPool2d',
  relu: 'ReLU',
  'leaky-relu': 'LeakyReLU',
  tanh: 'Tanh',
  sigmoid: 'Sigmoid',
}
