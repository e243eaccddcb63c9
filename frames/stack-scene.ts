// Frames of a stack, layer by layer: forward (each layer's input, what it does, its output) and
// backward (dE/dy at a layer's output, what its backward does with it — ReLU's mask, the pool's
// routing, the convolution's rot180(w) — and the dE/dx it hands to the layer before, with dE/dw
// for layers with weights). Drawn from the maps the engine returned for the stack (display maps:
// box means when a map is larger than they are), so the frames of a photo show its maps.

import type { Layer } from '../core/layer'
import { TORCH_CLASS } from '../core/layer'
import type { Tensor } from '../core/tensor'
import type { ColourScale } from './colours'
import { divergingScale, maxAbs, sequentialScale } from './colours'
import type { FrameModel, Panel, PanelColumn } from './panel'
import type { FrameOptions } from './scene'
import { stackWords } from './stack-words'
import { indexText } from './text'

/** Longest side of the maps a stack's strip and frames draw (the engine box-averages larger ones): the page and `convolab export` alike. */
export const STACK_MAP_SIDE = 128

/** A stack of maps as the engine sends them (contract's MapStack): N·C planes of displayH × displayW. */
export interface StackMaps {
  shape: readonly [number, number, number, number]
  displayH: number
  displayW: number
  data: ArrayLike<number>
  min: ArrayLike<number>
  max: ArrayLike<number>
}

export interface StackSceneData {
  /** The computed layers (a refused layer and those after it are left out). */
  layers: readonly Layer[]
  input: StackMaps
  /** Each computed layer's output. */
  outputs: readonly StackMaps[]
  /** dE/d(output) of each layer; absent: forward only. */
  gradOutputs?: ReadonlyArray<StackMaps | null>
  /** dE/dx of the stack input. */
  gradInput?: StackMaps | null
  /** dE/dw of each layer with weights (exact, small). */
  gradWeights?: ReadonlyArray<Tensor | null>
}

export type StackDirection = 'forward' | 'backward'

export interface StackScene {
  kind: 'stack'
  direction: StackDirection
  data: StackSceneData
  /** The sample shown and the channel of each map: index 0 the input, k + 1 layer k's output. */
  sample: number
  channels: readonly number[]
  plan: { kind: 'stack-forward' | 'stack-backward'; steps: number }
  options: FrameOptions
  scales: { maps: ColourScale[]; grads: Array<ColourScale | null>; weights: Array<ColourScale | null>; gradWeights: Array<ColourScale | null> }
}

export function isStackScene(scene: object): scene is StackScene {
  return (scene as { kind?: unknown }).kind === 'stack'
}

function largest(values: ArrayLike<number>): number {
  let limit = 0
  for (let k = 0; k < values.length; k++) if (Number.isFinite(values[k])) limit = Math.max(limit, Math.abs(values[k]))
  return limit
}

function smallest(values: ArrayLike<number>): number {
  let low = Infinity
  for (let k = 0; k < values.length; k++) if (Number.isFinite(values[k])) low = Math.min(low, values[k])
  return Number.isFinite(low) ? low : 0
}

/** Signed maps get the diverging scale, the others the input's sequential one; one scale per tensor for the whole animation. */
function mapScale(maps: StackMaps, options: FrameOptions): ColourScale {
  const low = smallest(maps.min)
  const high = Math.max(...Array.from(maps.max, (v) => (Number.isFinite(v) ? v : -Infinity)), low)
  return low < 0 ? divergingScale(Math.max(largest(maps.min), largest(maps.max)), options.diverging) : sequentialScale(low, high, options.colourMap)
}

export function makeStackScene(
  data: StackSceneData,
  direction: StackDirection,
  sample: number,
  channels: readonly number[],
  options: FrameOptions,
): StackScene {
  const count = data.outputs.length
  const grads = data.gradOutputs ?? []
  return {
    kind: 'stack',
    direction,
    data,
    sample,
    channels,
    plan: { kind: direction === 'forward' ? 'stack-forward' : 'stack-backward', steps: count },
    options,
    scales: {
      maps: [data.input, ...data.outputs].map((maps) => mapScale(maps, options)),
      // index 0: dE/dx of the input; k + 1: dE/dy of layer k
      grads: [data.gradInput ?? null, ...data.outputs.map((_, k) => grads[k] ?? null)].map((g) =>
        g ? divergingScale(Math.max(largest(g.min), largest(g.max)), options.diverging) : null,
      ),
      weights: data.layers.map((layer) =>
        layer.type === 'conv2d' || layer.type === 'conv-transpose2d' ? divergingScale(maxAbs(layer.weight.data), options.diverging) : null,
      ),
      gradWeights: data.layers.map((_, k) => {
        const g = data.gradWeights?.[k]
        return g ? divergingScale(maxAbs(g.data), options.diverging) : null
      }),
    },
  }
}

/** Map `on` (−1: the input, k: layer k's output) or its gradient. */
function mapsOf(scene: StackScene, on: number, gradient: boolean): StackMaps | null {
  const { data } = scene
  if (gradient) return on < 0 ? (data.gradInput ?? null) : (data.gradOutputs?.[on] ?? null)
  return on < 0 ? data.input : data.outputs[on]
}

function channelOf(scene: StackScene, on: number): number {
  const maps = mapsOf(scene, on, false)
  const count = maps ? maps.shape[1] : 1
  return Math.max(0, Math.min(count - 1, scene.channels[on + 1] ?? 0))
}

function mapPanel(scene: StackScene, on: number, gradient: boolean, title: string, extra: Partial<Panel> = {}): Panel | null {
  const maps = mapsOf(scene, on, gradient)
  const scale = gradient ? scene.scales.grads[on + 1] : scene.scales.maps[on + 1]
  if (!maps || !scale) return null
  const channel = channelOf(scene, on)
  const n = Math.min(scene.sample, maps.shape[0] - 1)
  const rows = maps.displayH
  const cols = maps.displayW
  const offset = (n * maps.shape[1] + channel) * rows * cols
  return { title: `${title}${indexText(n, channel)}`, rows, cols, scale, value: (r, c) => maps.data[offset + r * cols + c], ...extra }
}

/** "Conv2d 3×3, dilation 2" */
export function layerName(layer: Layer): string {
  const name = TORCH_CLASS[layer.type]
  if (layer.type === 'conv2d' || layer.type === 'conv-transpose2d') {
    const [, , kh, kw] = layer.weight.shape
    const dilation = layer.dilation ?? 1
    const stride = layer.stride ?? 1
    const extras = [stride !== 1 ? `stride ${String(stride)}` : '', dilation !== 1 ? `dilation ${String(dilation)}` : ''].filter(Boolean)
    return `${name} ${kh}×${kw}${extras.length ? `, ${extras.join(', ')}` : ''}`
  }
  if (layer.type === 'max-pool2d' || layer.type === 'avg-pool2d') {
    const k = typeof layer.kernelSize === 'number' ? `${layer.kernelSize}×${layer.kernelSize}` : `${layer.kernelSize[0]}×${layer.kernelSize[1]}`
    return `${name} ${k}`
  }
  if (layer.type === 'leaky-relu') return `${name} (${layer.negativeSlope ?? 0.01})`
  return name
}

const shapeText = (maps: StackMaps) => `(${maps.shape.join(', ')})`

/** The local derivative of an element-wise layer as a map (ReLU's mask, tanh's 1 − y², …). */
function localDerivative(scene: StackScene, layer: Layer, k: number, title: string): Panel | null {
  const input = mapsOf(scene, k - 1, false)
  const output = mapsOf(scene, k, false)
  if (!input || !output) return null
  const channel = channelOf(scene, k)
  const n = Math.min(scene.sample, output.shape[0] - 1)
  const rows = output.displayH
  const cols = output.displayW
  const offset = (n * output.shape[1] + channel) * rows * cols
  const slope = layer.type === 'leaky-relu' ? (layer.negativeSlope ?? 0.01) : 0
  const derivative = (r: number, c: number): number => {
    const x = input.data[offset + r * cols + c]
    const y = output.data[offset + r * cols + c]
    switch (layer.type) {
      case 'relu':
        return x > 0 ? 1 : 0
      case 'leaky-relu':
        return x > 0 ? 1 : slope
      case 'tanh':
        return 1 - y * y
      default:
        return y * (1 - y)
    }
  }
  return { title: `${title}${indexText(n, channel)}`, rows, cols, scale: sequentialScale(0, 1, 'grayscale'), value: derivative }
}

function forwardModel(scene: StackScene, step: number): FrameModel {
  const words = stackWords(scene.options.language)
  const { layers, outputs } = scene.data
  const count = outputs.length
  const k = Math.max(-1, Math.min(count - 1, step))
  const counter = `${words.layer} ${k + 1} / ${count}`
  if (k < 0) {
    const input = mapPanel(scene, -1, false, 'x')
    return {
      title: `${words.forward}: ${words.theInput}`,
      counter,
      columns: input ? [{ panels: [input] }] : [],
      formula: [`x ${shapeText(scene.data.input)}`],
      legend: words.legend,
    }
  }
  const layer = layers[k]
  const before = mapPanel(scene, k - 1, false, k === 0 ? 'x' : `a${k - 1}`)
  const after = mapPanel(scene, k, false, `a${k}`, { current: true })
  const columns: PanelColumn[] = []
  if (before) columns.push({ panels: [before] })
  if (layer.type === 'conv2d' || layer.type === 'conv-transpose2d') {
    const scale = scene.scales.weights[k]!
    const [, B, kh, kw] = layer.weight.shape
    const m = channelOf(scene, k)
    const c = channelOf(scene, k - 1)
    // the slice that connects the channels shown (conv: w[m, c]; transposed: w[c, m])
    const [a, b] = layer.type === 'conv2d' ? [m, c % B] : [c, m % B]
    const offset = (a * B + b) * kh * kw
    columns.push({
      panels: [{ title: `w${k}${indexText(a, b)}`, rows: kh, cols: kw, scale, value: (r, col) => layer.weight.data[offset + r * kw + col] }],
      joiner: layer.type === 'conv2d' ? '⋆' : '⋆ᵀ',
      grow: 3,
    })
  }
  if (after) columns.push({ panels: [after], joiner: '→' })
  const input = mapsOf(scene, k - 1, false)!
  return {
    title: `${words.forward}: ${words.layer} ${k} · ${layerName(layer)}`,
    counter,
    columns,
    formula: [`${shapeText(input)} → ${TORCH_CLASS[layer.type]} → ${shapeText(outputs[k])}`, words.forwardRule[layer.type]],
    legend: words.legend,
  }
}

function backwardModel(scene: StackScene, step: number): FrameModel {
  const words = stackWords(scene.options.language)
  const { layers, outputs } = scene.data
  const count = outputs.length
  // step 0 is the first layer back from the output
  const k = count - 1 - Math.max(-1, Math.min(count - 1, step))
  const counter = `${words.layer} ${Math.max(0, step + 1)} / ${count}`
  if (k >= count) {
    const start = mapPanel(scene, count - 1, true, 'dE/dy')
    return {
      title: `${words.backward}: ${words.theSeed}`,
      counter,
      columns: start ? [{ panels: [start] }] : [],
      formula: [words.seedRule],
      legend: words.legend,
    }
  }
  const layer = layers[k]
  const columns: PanelColumn[] = []
  const gradOut = mapPanel(scene, k, true, `dE/da${k}`)
  if (gradOut) columns.push({ panels: [gradOut] })
  if (layer.type === 'conv2d' || layer.type === 'conv-transpose2d') {
    const scale = scene.scales.weights[k]!
    const [, B, kh, kw] = layer.weight.shape
    const m = channelOf(scene, k)
    const c = channelOf(scene, k - 1)
    const [a, b] = layer.type === 'conv2d' ? [m, c % B] : [c, m % B]
    const offset = (a * B + b) * kh * kw
    // Conv2d's dE/dx correlates with rot180(w); a transposed conv's dE/dx is a plain correlation with w
    const turned = layer.type === 'conv2d'
    columns.push({
      panels: [
        {
          title: `${turned ? `rot180(w${k})` : `w${k}`}${indexText(a, b)}`,
          rows: kh,
          cols: kw,
          scale,
          value: (r, col) => layer.weight.data[turned ? offset + (kh - 1 - r) * kw + (kw - 1 - col) : offset + r * kw + col],
        },
      ],
      joiner: '⋆',
      grow: 3,
    })
  } else if (layer.type === 'max-pool2d' || layer.type === 'avg-pool2d') {
    const input = mapPanel(scene, k - 1, false, k === 0 ? 'x' : `a${k - 1}`)
    if (input) columns.push({ panels: [input], joiner: layer.type === 'max-pool2d' ? words.routeJoiner : words.shareJoiner })
  } else {
    const mask = localDerivative(scene, layer, k, words.localTitle[layer.type] ?? '')
    if (mask) columns.push({ panels: [mask], joiner: '⊙' })
  }
  const gradIn = mapPanel(scene, k - 1, true, k === 0 ? 'dE/dx' : `dE/da${k - 1}`, { current: true })
  if (gradIn) columns.push({ panels: [gradIn], joiner: '→' })
  const gradWeight = scene.data.gradWeights?.[k]
  const gwScale = scene.scales.gradWeights[k]
  if ((layer.type === 'conv2d' || layer.type === 'conv-transpose2d') && gradWeight && gwScale) {
    const [, B, kh, kw] = gradWeight.shape
    const m = channelOf(scene, k)
    const c = channelOf(scene, k - 1)
    const [a, b] = layer.type === 'conv2d' ? [m, c % B] : [c, m % B]
    const offset = (a * B + b) * kh * kw
    columns.push({
      panels: [{ title: `dE/dw${k}${indexText(a, b)}`, rows: kh, cols: kw, scale: gwScale, value: (r, col) => gradWeight.data[offset + r * kw + col] }],
      joiner: '+',
      grow: 3,
    })
  }
  return {
    title: `${words.backward}: ${words.layer} ${k} · ${layerName(layer)}`,
    counter,
    columns,
    formula: words.backwardRule[layer.type],
    legend: words.legend,
  }
}

/** The frame of `step` (−1: the start; 0 … steps − 1: one layer each). */
export function stackModel(scene: StackScene, step: number): FrameModel {
  return scene.direction === 'forward' ? forwardModel(scene, step) : backwardModel(scene, step)
}
