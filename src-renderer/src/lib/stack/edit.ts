// Editing a stack of layers as immutable data: every edit returns a new SessionStack (the one
// document is replaced, never changed in place, so undo and redo see each edit).

import type { Conv2dLayer, ConvTranspose2dLayer, Layer, LayerType } from '../../../../core/layer'
import { hasWeights } from '../../../../core/layer'
import type { Pair } from '../../../../core/geometry'
import { seededSource, uniformTensor } from '../../../../core/random'
import type { SessionStack } from '../../../../core/session'
import type { StackPresetId } from '../../../../core/stack-presets'
import { stackPreset } from '../../../../core/stack-presets'
import type { Tensor } from '../../../../core/tensor'

export type WeightedLayer = Conv2dLayer | ConvTranspose2dLayer

/** Output channels a new convolution gets when it is added (a small, readable strip). */
export const NEW_LAYER_CHANNELS = 4

/** A pair option as [h, w], with its default. */
export function pairOf(value: Pair | undefined | null, fallback: number): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback]
  return typeof value === 'number' ? [value, value] : [value[0], value[1]]
}

/** A pair written back: one number when both axes agree (as PyTorch users write it). */
export function pairValue([h, w]: readonly [number, number]): Pair {
  return h === w ? h : [h, w]
}

/** Out channels of a layer with weights: C_out of Conv2d, (C_out / groups)·groups of ConvTranspose2d. */
export function outChannelsOf(layer: WeightedLayer): number {
  return layer.type === 'conv2d' ? layer.weight.shape[0] : layer.weight.shape[1] * (layer.groups ?? 1)
}

/** In channels a layer with weights expects. */
export function inChannelsOf(layer: WeightedLayer): number {
  return layer.type === 'conv2d' ? layer.weight.shape[1] * (layer.groups ?? 1) : layer.weight.shape[0]
}

/** PyTorch's default initialisation (uniform ±1/√fan_in), from a seed so edits can be replayed. */
function initialWeights(shape: [number, number, number, number], fanIn: number, biasLength: number, seed: number): { weight: Tensor; bias: Tensor } {
  const source = seededSource(seed)
  const bound = 1 / Math.sqrt(Math.max(1, fanIn))
  return { weight: uniformTensor(shape, source, -bound, bound), bias: uniformTensor([biasLength], source, -bound, bound) }
}

/** A new layer of a kind, sized for an input of `inChannels` channels. */
export function newLayer(type: LayerType, inChannels: number, seed = 1): Layer {
  const channels = Math.max(1, inChannels)
  switch (type) {
    case 'conv2d': {
      const out = NEW_LAYER_CHANNELS
      const { weight, bias } = initialWeights([out, channels, 3, 3], channels * 9, out, seed)
      // padding 1 keeps the size, so a stack of them can grow long
      return { type, weight, bias, padding: 1 }
    }
    case 'conv-transpose2d': {
      const out = NEW_LAYER_CHANNELS
      const { weight, bias } = initialWeights([channels, out, 2, 2], out * 4, out, seed)
      return { type, weight, bias, stride: 2 }
    }
    case 'max-pool2d':
    case 'avg-pool2d':
      return { type, kernelSize: 2 }
    case 'leaky-relu':
      return { type, negativeSlope: 0.01 }
    default:
      return { type }
  }
}

/** The weight's shape for new channel counts or kernel size (conv: (C_out, C_in/g, KH, KW); transposed: (C_in, C_out/g, KH, KW)). */
function weightShapeFor(layer: WeightedLayer, inChannels: number, outChannels: number, kernel: [number, number]): [number, number, number, number] {
  const groups = layer.groups ?? 1
  return layer.type === 'conv2d'
    ? [outChannels, Math.max(1, Math.floor(inChannels / groups)), kernel[0], kernel[1]]
    : [inChannels, Math.max(1, Math.floor(outChannels / groups)), kernel[0], kernel[1]]
}

/**
 * A layer with weights resized: values whose index exists in both shapes are kept, new ones are
 * drawn as PyTorch initialises them (so a new filter is not all zeros).
 */
export function resizeWeights(layer: WeightedLayer, change: { inChannels?: number; outChannels?: number; kernel?: [number, number] }, seed = 7): WeightedLayer {
  const inChannels = change.inChannels ?? inChannelsOf(layer)
  const outChannels = change.outChannels ?? outChannelsOf(layer)
  const kernel = change.kernel ?? [layer.weight.shape[2], layer.weight.shape[3]]
  const shape = weightShapeFor(layer, inChannels, outChannels, kernel)
  const [a, b, kh, kw] = shape
  const [oa, ob, okh, okw] = layer.weight.shape
  // fan_in is dim 1 onward in both layouts (PyTorch's rule)
  const fanIn = b * kh * kw
  const fresh = initialWeights(shape, fanIn, outChannels, seed)
  const data = fresh.weight.data
  for (let i = 0; i < Math.min(a, oa); i++)
    for (let j = 0; j < Math.min(b, ob); j++)
      for (let r = 0; r < Math.min(kh, okh); r++)
        for (let c = 0; c < Math.min(kw, okw); c++) data[((i * b + j) * kh + r) * kw + c] = layer.weight.data[((i * ob + j) * okh + r) * okw + c]
  let bias: Tensor | null = null
  if (layer.bias) {
    const values = fresh.bias.data
    values.set(layer.bias.data.subarray(0, Math.min(outChannels, layer.bias.data.length)))
    bias = { shape: [outChannels], data: values }
  }
  return { ...layer, weight: { shape, data }, bias }
}

/** A layer with weights given (or relieved of) its bias. */
export function withBias(layer: WeightedLayer, on: boolean): WeightedLayer {
  if (on === !!layer.bias) return layer
  if (!on) return { ...layer, bias: null }
  const out = outChannelsOf(layer)
  // a new bias starts at zero: the layer's output is unchanged until the user edits it
  return { ...layer, bias: { shape: [out], data: new Float64Array(out) } }
}

/** One weight value changed (the weight is (A, B, KH, KW) in its own layout). */
export function withWeightCell(layer: WeightedLayer, a: number, b: number, r: number, c: number, value: number): WeightedLayer {
  const [, B, KH, KW] = layer.weight.shape
  const data = Float64Array.from(layer.weight.data)
  data[((a * B + b) * KH + r) * KW + c] = value
  return { ...layer, weight: { shape: [...layer.weight.shape], data } }
}

export function withBiasValue(layer: WeightedLayer, m: number, value: number): WeightedLayer {
  if (!layer.bias) return layer
  const data = Float64Array.from(layer.bias.data)
  data[m] = value
  return { ...layer, bias: { shape: [data.length], data } }
}

const clampIndex = (index: number, count: number): number => Math.max(0, Math.min(count - 1, index))

function stackOf(layers: Layer[], selected: number, active = true): SessionStack {
  return { layers, selected: layers.length ? clampIndex(selected, layers.length) : 0, active }
}

/** An empty stack, open. */
export function emptyStack(): SessionStack {
  return stackOf([], 0)
}

/** Adds a layer after `after` (the end when omitted) and selects it. */
export function addLayer(stack: SessionStack, layer: Layer, after = stack.layers.length - 1): SessionStack {
  const at = Math.max(0, Math.min(stack.layers.length, after + 1))
  const layers = [...stack.layers.slice(0, at), layer, ...stack.layers.slice(at)]
  return stackOf(layers, at, stack.active)
}

export function removeLayer(stack: SessionStack, index: number): SessionStack {
  if (index < 0 || index >= stack.layers.length) return stack
  const layers = stack.layers.filter((_, k) => k !== index)
  return stackOf(layers, index >= layers.length ? layers.length - 1 : index, stack.active)
}

/** Moves layer `index` by `by` places (−1 up, +1 down); the moved layer stays selected. */
export function moveLayer(stack: SessionStack, index: number, by: number): SessionStack {
  const to = index + by
  if (index < 0 || index >= stack.layers.length || to < 0 || to >= stack.layers.length || by === 0) return stack
  const layers = [...stack.layers]
  const [moved] = layers.splice(index, 1)
  layers.splice(to, 0, moved)
  return stackOf(layers, to, stack.active)
}

/** A copy of layer `index` right after it (its own copy of the weights), selected. */
export function duplicateLayer(stack: SessionStack, index: number): SessionStack {
  const layer = stack.layers[index]
  if (!layer) return stack
  const copy: Layer = hasWeights(layer)
    ? {
        ...layer,
        weight: { shape: [...layer.weight.shape], data: Float64Array.from(layer.weight.data) },
        bias: layer.bias ? { shape: [...layer.bias.shape], data: Float64Array.from(layer.bias.data) } : null,
      }
    : { ...layer }
  return addLayer(stack, copy, index)
}

export function replaceLayer(stack: SessionStack, index: number, layer: Layer): SessionStack {
  if (index < 0 || index >= stack.layers.length) return stack
  const layers = stack.layers.map((old, k) => (k === index ? layer : old))
  return stackOf(layers, stack.selected, stack.active)
}

export function selectLayer(stack: SessionStack, index: number): SessionStack {
  if (index === stack.selected || index < 0 || index >= stack.layers.length) return stack
  return { ...stack, selected: index }
}

export function setActive(stack: SessionStack, active: boolean): SessionStack {
  return stack.active === active ? stack : { ...stack, active }
}

/** A classic stack for inputs with `inChannels` channels, open, its first layer selected. */
export function presetStack(id: StackPresetId, inChannels: number): SessionStack {
  return stackOf(stackPreset(id, inChannels), 0)
}

/** The explorer's own Conv2d as a stack of one layer: today's app is a stack of one. */
export function stackFromConv(weight: Tensor, bias: Float64Array | null, options: Omit<Conv2dLayer, 'type' | 'weight' | 'bias'>): SessionStack {
  const layer: Conv2dLayer = {
    type: 'conv2d',
    weight: { shape: [...weight.shape], data: Float64Array.from(weight.data) },
    bias: bias ? { shape: [bias.length], data: Float64Array.from(bias) } : null,
    ...options,
  }
  return stackOf([layer], 0)
}
