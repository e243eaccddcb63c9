// The layer family and stacks on the wire: one layer of any kind (Conv2d, ConvTranspose2d, the
// pools, the activations) or an ordered list of them, computed by the engine forward and backward.
// A single layer other than Conv2d is computed as a stack of one; Conv2d keeps `compute`.

import type { ActivationLayer, AvgPool2dLayer, Conv2dLayer, ConvTranspose2dLayer, LayerType, LeakyReluLayer, MaxPool2dLayer } from '../core/layer'
import type { DisplaySpec, GradOutputSpec, MapStack, TensorPayload } from './compute'
import type { Method } from './methods'

/** A layer with weights, its tensors as payloads. */
export type WireConv2dLayer = Omit<Conv2dLayer, 'weight' | 'bias'> & { weight: TensorPayload; bias: TensorPayload | null }
export type WireConvTranspose2dLayer = Omit<ConvTranspose2dLayer, 'weight' | 'bias'> & { weight: TensorPayload; bias: TensorPayload | null }

/** core's Layer with its tensors as payloads: what a stack request carries. */
export type WireLayer = WireConv2dLayer | WireConvTranspose2dLayer | MaxPool2dLayer | AvgPool2dLayer | ActivationLayer | LeakyReluLayer

/** Where the backward pass starts. */
export type StackGradientSeed =
  /** dE/dy at the stack's last output (ones, random, a tensor, or the MSE to a target). */
  | { kind: 'output'; gradOutput: GradOutputSpec }
  /**
   * dE/dy = 1 at one unit (n, c, h, w) of layer `layer`'s output, 0 elsewhere: its effective
   * receptive field. dE/dx alone unless `weights`: then also each layer's dE/dw and dE/db up to
   * the unit's layer (about twice the work, so hovering leaves it out).
   */
  | { kind: 'unit'; layer: number; unit: [number, number, number, number]; weights?: boolean }

export interface StackComputeRequest {
  /** Monotonic per sender, shared with `compute`: a newer request supersedes an older one. */
  requestId: number
  /** Id of an input stored with setInput / decodeImage. */
  inputId: string
  layers: WireLayer[]
  /** Omit for forward only. */
  gradient?: StackGradientSeed
  display: DisplaySpec
  /**
   * 'view' (the default): the explorer's and the stack view's maps, superseded by any newer
   * compute or 'view' stack. 'animation': the stage's own small computes for an animation, which
   * neither supersede nor are superseded by the maps' computes. Each lane keeps its last result
   * for probeStack, so the two never take each other's values away.
   */
  lane?: StackLane
}

export type StackLane = 'view' | 'animation'

/** One layer's theoretical receptive field on the stack input (Araujo et al. 2019), per axis [h, w]. */
export interface WireReceptiveField {
  size: [number, number]
  jump: [number, number]
  start: [number, number]
}

export interface StackLayerResult {
  type: LayerType
  /** The layer's output (its activations), display maps plus exact extremes. */
  output: MapStack
  /** dE/d(this layer's output), when the backward pass reached it. */
  gradOutput?: MapStack
  /** Small tensors travel exactly (as in ComputeResult); absent for a 'unit' seed unless it asks for `weights`. */
  gradWeight?: TensorPayload
  gradBias?: TensorPayload | null
  /** MaxPool2d: the argmax of each output, flat positions in each input plane (PyTorch's return_indices), when small. */
  indices?: TensorPayload
  /** null for layers whose field is not a box (see core/receptive-field.ts). */
  receptiveField: WireReceptiveField | null
}

/** The first layer that cannot take its input: the ones before it are computed. */
export interface StackRefusal {
  layer: number
  code: string
  params: Record<string, string | number>
  /** English message, for logs; the page words it from code and params. */
  message: string
}

export interface StackComputeResult {
  requestId: number
  /** Input shape (N, C, H, W). */
  inputShape: [number, number, number, number]
  /** One per computed layer, in order (fewer than requested when one is refused). */
  layers: StackLayerResult[]
  refused?: StackRefusal
  /** dE/dx at the stack input when the backward pass ran (for a unit seed, |dE/dx| is the effective receptive field). */
  gradInput?: MapStack
  loss?: number
  kernel: string
  timings: { computeMs: number }
}

/** Which exact tensor of the last stack result: a layer's output or the gradient at it, or dE/dx at the input (layer −1). */
export interface StackProbeRequest {
  requestId: number
  /** −1 = the stack input (which 'output' = x, 'gradOutput' = dE/dx). */
  layer: number
  which: 'output' | 'gradOutput' | 'indices'
  /** Flat NCHW index of the first value and how many values. */
  start: number
  count: number
}

export interface StackMethods {
  /** Forward through the layers (and backward from the seed); every layer's maps. */
  computeStack: Method<StackComputeRequest, StackComputeResult>
  /** Exact values of one tensor of the last computeStack result (hover, animation, export). */
  probeStack: Method<StackProbeRequest, Float64Array>
}
