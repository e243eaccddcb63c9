// The explorer's layer of the family (Conv2d, ConvTranspose2d, MaxPool2d, AvgPool2d): picking
// another one (what carries over), the core layer and the wire layer it stands for, whether it
// can take the input (core's plan, or core's reason), and its output-size formula.

import type { WireLayer } from '../../../../contract'
import type { ConvTranspose2dOptions } from '../../../../core/conv-transpose2d-geometry'
import { describeTransposedOutputSize } from '../../../../core/conv-transpose2d-geometry'
import { ConvolabError } from '../../../../core/errors'
import type { Conv2dOptions, ConvGeometry, Pair } from '../../../../core/geometry'
import { convGeometry } from '../../../../core/geometry'
import type { PoolGeometry } from '../../../../core/pool-geometry'
import type { Layer } from '../../../../core/layer'
import type { LayerPlan } from '../../../../core/layer-compute'
import { planLayer } from '../../../../core/layer-compute'
import { describePoolOutputSize } from '../../../../core/pool-geometry'
import type { SessionLayer } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import type { WeightLayout } from '../kernels/layout'
import { convToTransposed, transposedToConv } from '../kernels/layout'
import type { SettingsForm } from './options'

export type FamilyType = SessionLayer['type']
export const FAMILY_TYPES: readonly FamilyType[] = ['conv2d', 'conv-transpose2d', 'max-pool2d', 'avg-pool2d']

export type PoolLayer = Extract<SessionLayer, { type: 'max-pool2d' | 'avg-pool2d' }>
export type TransposedLayer = Extract<SessionLayer, { type: 'conv-transpose2d' }>

export const isPool = (layer: SessionLayer): layer is PoolLayer => layer.type === 'max-pool2d' || layer.type === 'avg-pool2d'

/** How the explorer's weight is laid out for this layer (pools keep the Conv2d kernel, unused). */
export function layoutOf(layer: SessionLayer): WeightLayout {
  return layer.type === 'conv-transpose2d' ? 'transposed' : 'conv'
}

/** The groups the weight's layout is read with: the transposed layer's own, else the Conv2d settings'. */
export function groupsOf(layer: SessionLayer, settings: Pick<SettingsForm, 'groups'>): number {
  return layer.type === 'conv-transpose2d' ? (layer.options.groups ?? 1) : settings.groups
}

/** An (h, w) pair of a layer option as two numbers. */
export function pairOf(value: Pair | null | undefined, fallback: number): [number, number] {
  if (value === undefined || value === null) return [fallback, fallback]
  return typeof value === 'number' ? [value, value] : [value[0], value[1]]
}

export interface LayerSwitch {
  layer: SessionLayer
  weight: Tensor
  /** Conv2d settings that change with the switch (groups follow the weight; stride, padding, dilation carry over). */
  settings: Partial<SettingsForm>
}

/**
 * The document after the user picks another layer: stride, padding, dilation and groups carry
 * over between Conv2d and ConvTranspose2d (one's forward is the other's backward with the same
 * numbers), the weight changes layout keeping each channel pair's kernel, a pool's window starts
 * at the kernel's size, and max ↔ avg pools keep their common options. Pools keep the weight in
 * the Conv2d layout, to switch back to.
 */
export function switchLayer(current: SessionLayer, type: FamilyType, settings: SettingsForm, weight: Tensor): LayerSwitch {
  if (current.type === type) return { layer: current, weight, settings: {} }
  // The weight and the Conv2d-side numbers, whichever layer we leave
  let convWeight = weight
  let conv: Partial<SettingsForm> = {}
  if (current.type === 'conv-transpose2d') {
    const o = current.options
    const groups = o.groups ?? 1
    convWeight = transposedToConv(weight, groups)
    const [strideH, strideW] = pairOf(o.stride, 1)
    const [paddingH, paddingW] = pairOf(o.padding, 0)
    const [dilationH, dilationW] = pairOf(o.dilation, 1)
    conv = { strideH, strideW, paddingKind: 'number', paddingH, paddingW, dilationH, dilationW, groups }
  }
  const form = { ...settings, ...conv }
  switch (type) {
    case 'conv2d':
      return { layer: { type: 'conv2d' }, weight: convWeight, settings: conv }
    case 'conv-transpose2d': {
      const numeric = form.paddingKind === 'number'
      const options: ConvTranspose2dOptions = {
        stride: [form.strideH, form.strideW],
        padding: numeric ? [form.paddingH, form.paddingW] : [0, 0],
        outputPadding: [0, 0],
        dilation: [form.dilationH, form.dilationW],
        groups: form.groups,
      }
      return { layer: { type, options }, weight: convToTransposed(convWeight, form.groups), settings: conv }
    }
    case 'max-pool2d':
    case 'avg-pool2d': {
      const common = isPool(current)
        ? {
            kernelSize: current.options.kernelSize,
            stride: current.options.stride,
            padding: current.options.padding,
            ceilMode: current.options.ceilMode ?? false,
          }
        : { kernelSize: [convWeight.shape[2], convWeight.shape[3]] as Pair, padding: [0, 0] as Pair, ceilMode: false }
      const layer: SessionLayer =
        type === 'max-pool2d'
          ? { type, options: { ...common, dilation: current.type === 'max-pool2d' ? current.options.dilation : [1, 1] } }
          : { type, options: { ...common, countIncludePad: true, divisorOverride: null } }
      return { layer, weight: convWeight, settings: conv }
    }
  }
}

/** core's Layer for the explorer's layer, its weight (in the layer's layout) and bias. */
export function coreLayerOf(layer: SessionLayer, convOptions: Conv2dOptions, weight: Tensor, bias: Float64Array | null): Layer {
  const biasTensor = bias ? { shape: [bias.length], data: bias } : null
  switch (layer.type) {
    case 'conv2d':
      return { type: 'conv2d', ...convOptions, weight, bias: biasTensor }
    case 'conv-transpose2d':
      return { type: 'conv-transpose2d', ...layer.options, weight, bias: biasTensor }
    case 'max-pool2d':
      return { type: 'max-pool2d', ...layer.options }
    case 'avg-pool2d':
      return { type: 'avg-pool2d', ...layer.options }
  }
}

/** The layer as computeStack takes it (tensors as payloads). */
export function wireLayerOf(layer: Exclude<SessionLayer, { type: 'conv2d' }>, weight: Tensor, bias: Float64Array | null): WireLayer {
  switch (layer.type) {
    case 'conv-transpose2d':
      return {
        type: 'conv-transpose2d',
        ...layer.options,
        weight: { shape: [...weight.shape], data: weight.data },
        bias: bias ? { shape: [bias.length], data: bias } : null,
      }
    case 'max-pool2d':
      return { type: 'max-pool2d', ...layer.options }
    case 'avg-pool2d':
      return { type: 'avg-pool2d', ...layer.options }
  }
}

export type LayerCheck = { ok: true; plan: LayerPlan } | { ok: false; error: ConvolabError }

/** Whether the layer can take inputs of this shape: core's plan, or core's reason why not (never throws). */
export function checkLayer(layer: Layer, inputShape: readonly number[]): LayerCheck {
  try {
    return { ok: true, plan: planLayer(layer, inputShape) }
  } catch (error) {
    if (error instanceof ConvolabError) return { ok: false, error }
    return { ok: false, error: new ConvolabError('bad-request', { detail: String(error) }) }
  }
}

/** The output-size formula of both axes with the layer's numbers (core's own wording). */
export function outputSizeLines(plan: LayerPlan): string[] {
  if (plan.type === 'conv-transpose2d') return [describeTransposedOutputSize(plan.geometry, 'H'), describeTransposedOutputSize(plan.geometry, 'W')]
  if (plan.type === 'max-pool2d' || plan.type === 'avg-pool2d') return [describePoolOutputSize(plan.geometry, 'H'), describePoolOutputSize(plan.geometry, 'W')]
  return []
}

/**
 * A pool's windows as the depthwise Conv2d geometry with the same window, stride, padding and
 * dilation, for the input view (its padding and the hovered cell's window); null when ceil mode
 * adds windows the Conv2d formula has not (those cells then show no window).
 */
export function poolWindowGeometry(g: PoolGeometry): ConvGeometry | null {
  try {
    const conv = convGeometry([g.batch, g.channels, g.inH, g.inW], [g.channels, 1, g.kernelH, g.kernelW], {
      stride: [g.strideH, g.strideW],
      padding: [g.padH, g.padW],
      dilation: [g.dilationH, g.dilationW],
      groups: g.channels,
    })
    return conv.outH === g.outH && conv.outW === g.outW ? conv : null
  } catch {
    return null
  }
}
