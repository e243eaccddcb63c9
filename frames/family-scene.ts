// What a frame of the family (ConvTranspose2d, MaxPool2d, AvgPool2d) is drawn from: the layer's
// geometry, the engine's exact tensors of a one-layer stack, the animation and its plan. The
// transposed views that are a Conv2d's own animations carry that Conv2d's scene (`inner`).

import type { AnimationPlan, Granularity } from '../core/animation'
import { currentUnit, unitsDone } from '../core/animation'
import type { ConvTranspose2dGeometry } from '../core/conv-transpose2d-geometry'
import type { PoolGeometry } from '../core/pool-geometry'
import type { ColourScale } from './colours'
import { divergingScale, extent, maxAbs, sequentialScale } from './colours'
import type { FrameOptions, Scene } from './scene'
import { makeScene } from './scene'

/** The animations of the family, by layer. */
export type FamilyAnimation =
  /** ConvTranspose2d forward: every input cell stamps x·w into the output. */
  | 'transposed-scatter'
  /** ConvTranspose2d forward as the Conv2d dE/dx frames (zeros inserted, padded, rot180(w)). */
  | 'transposed-correlation'
  /** ConvTranspose2d dE/dx as the Conv2d forward frames of dE/dy. */
  | 'transposed-grad-input'
  /** ConvTranspose2d dE/dw as the Conv2d dE/dw frames, x and dE/dy swapped. */
  | 'transposed-grad-weight'
  /** Conv2d down and ConvTranspose2d up with the same w: one's forward is the other's dE/dx. */
  | 'conv-vs-transposed'
  | 'max-forward'
  | 'max-backward'
  | 'avg-forward'
  | 'avg-backward'

export const FAMILY_ANIMATIONS: Readonly<Record<FamilyLayerType, readonly FamilyAnimation[]>> = {
  'conv-transpose2d': ['transposed-scatter', 'transposed-correlation', 'transposed-grad-input', 'transposed-grad-weight', 'conv-vs-transposed'],
  'max-pool2d': ['max-forward', 'max-backward'],
  'avg-pool2d': ['avg-forward', 'avg-backward'],
}

/** Animations that start from dE/dy (they need the backward pass). */
export function isBackwardAnimation(animation: FamilyAnimation): boolean {
  return ['transposed-grad-input', 'transposed-grad-weight', 'max-backward', 'avg-backward'].includes(animation)
}

export type FamilyLayer =
  | { type: 'conv-transpose2d'; geometry: ConvTranspose2dGeometry; weight: Float64Array; bias: Float64Array | null }
  | { type: 'max-pool2d'; geometry: PoolGeometry }
  | { type: 'avg-pool2d'; geometry: PoolGeometry }
export type FamilyLayerType = FamilyLayer['type']

/** The engine's exact tensors of the one-layer stack (row-major NCHW). */
export interface FamilyValues {
  input: Float64Array
  output: Float64Array
  /** dE/dy, dE/dx, dE/dw, dE/db when the backward pass ran. */
  gradOutput: Float64Array | null
  gradInput: Float64Array | null
  gradWeight: Float64Array | null
  gradBias: Float64Array | null
  /** MaxPool2d: the argmax of each output, flat h·W + w in its input plane. */
  indices: ArrayLike<number> | null
  /**
   * Conv2d ↔ ConvTranspose2d: the Conv2d of the same w run on the transposed output (down) and
   * its dE/dx at dE/dy = x (back up), from a second one-layer stack.
   */
  pair?: { convOutput: Float64Array; convGradInput: Float64Array }
  /**
   * A transposed layer's window on a region of a large input: the rows and columns of `input`
   * that are the input's cells (the rest are zeros past its border, drawn as padding).
   */
  inputCells?: { top: number; left: number; height: number; width: number }
}

export interface FamilyPlan {
  kind: FamilyAnimation
  granularity: Granularity
  units: number
  unitsPerStep: number
  steps: number
  shape: [number, number, number, number]
}

export interface FamilyScales {
  input: ColourScale
  output: ColourScale
  weight: ColourScale
  gradOutput: ColourScale
  gradInput: ColourScale
  products: ColourScale
}

export interface FamilyScene {
  kind: 'family'
  layer: FamilyLayer
  values: FamilyValues
  plan: FamilyPlan
  options: FrameOptions
  scales: FamilyScales
  /** The Conv2d scene whose frames the correlation, dE/dx and dE/dw views of ConvTranspose2d are. */
  inner: Scene | null
}

export function isFamilyScene(scene: object): scene is FamilyScene {
  return (scene as { kind?: unknown }).kind === 'family'
}

function planOf(kind: FamilyAnimation, shape: [number, number, number, number], granularity: Granularity): FamilyPlan {
  const units = shape[0] * shape[1] * shape[2] * shape[3]
  const unitsPerStep = granularity === 'cell' ? 1 : granularity === 'row' ? shape[3] : shape[2] * shape[3]
  return { kind, granularity, units, unitsPerStep, steps: units / unitsPerStep, shape }
}

/** core's step arithmetic, which reads only the counts and the shape of a plan. */
const asCorePlan = (plan: FamilyPlan): AnimationPlan => ({ ...plan, kind: 'forward' })
export const familyUnitsDone = (plan: FamilyPlan, step: number) => unitsDone(asCorePlan(plan), step)
export const familyCurrentUnit = (plan: FamilyPlan, step: number) => currentUnit(asCorePlan(plan), step)

/** The transposed layer's Conv2d scene for a reused view: its plan is the scene's plan. */
function innerScene(
  layer: Extract<FamilyLayer, { type: 'conv-transpose2d' }>,
  values: FamilyValues,
  kind: FamilyAnimation,
  granularity: Granularity,
  options: FrameOptions,
): Scene | null {
  const conv = layer.geometry.conv
  const { input: x, output: y, gradOutput, gradInput, gradWeight } = values
  switch (kind) {
    case 'transposed-correlation':
      // The Conv2d's input is the transposed output's shape, its dE/dy the transposed input x.
      return makeScene(conv, { input: y, weight: layer.weight, bias: null, gradOutput: x }, x, 'backward-input', granularity, options)
    case 'transposed-grad-input':
      // Its forward on dE/dy, whose output the engine's dE/dx is.
      if (!gradOutput || !gradInput) return null
      return makeScene(conv, { input: gradOutput, weight: layer.weight, bias: null, gradOutput: null }, gradInput, 'forward', granularity, options)
    case 'transposed-grad-weight': {
      if (!gradOutput || !gradWeight) return null
      const scene = makeScene(conv, { input: gradOutput, weight: layer.weight, bias: null, gradOutput: x }, x, 'backward-weight', granularity, options)
      // The kernel's cells fill in with the engine's dE/dw.
      scene.data.gradWeight = gradWeight
      return scene
    }
    default:
      return null
  }
}

function unitShape(layer: FamilyLayer, kind: FamilyAnimation, inner: Scene | null): [number, number, number, number] {
  if (inner) return inner.plan.shape
  if (kind === 'conv-vs-transposed') return [1, 1, 1, 3]
  const g = layer.geometry
  if (layer.type === 'conv-transpose2d') return [g.batch, layer.geometry.inChannels, g.inH, g.inW]
  const p = layer.geometry
  return [p.batch, p.channels, p.outH, p.outW]
}

function scalesFor(layer: FamilyLayer, values: FamilyValues, options: FrameOptions): FamilyScales {
  const diverging = (limit: number) => divergingScale(limit, options.diverging)
  const [low, high] = extent(values.input)
  const inputScale = low < 0 ? diverging(maxAbs(values.input)) : sequentialScale(Math.min(0, low), high, options.colourMap)
  const weight = layer.type === 'conv-transpose2d' ? layer.weight : null
  const gradLimit = values.gradOutput ? maxAbs(values.gradOutput) : 1
  const weightLimit = weight ? maxAbs(weight) : 1
  return {
    input: inputScale,
    // A pool's outputs are input values (or their averages): the input's colours, so they compare.
    output: layer.type === 'conv-transpose2d' ? diverging(maxAbs(values.output)) : inputScale,
    weight: diverging(weightLimit),
    gradOutput: diverging(gradLimit),
    gradInput: diverging(values.gradInput ? maxAbs(values.gradInput) : 1),
    products: diverging(weightLimit * maxAbs(values.input)),
  }
}

/**
 * Builds a scene of one family animation from the engine's tensors. Returns null when the
 * animation needs what the values lack (dE/dy for a backward view, the pair for the comparison).
 */
export function makeFamilyScene(
  layer: FamilyLayer,
  values: FamilyValues,
  kind: FamilyAnimation,
  granularity: Granularity,
  options: FrameOptions,
): FamilyScene | null {
  if (!FAMILY_ANIMATIONS[layer.type].includes(kind)) return null
  if (isBackwardAnimation(kind) && (!values.gradOutput || !values.gradInput)) return null
  if (kind === 'max-forward' || kind === 'max-backward') {
    if (!values.indices) return null
  }
  if (kind === 'conv-vs-transposed' && !values.pair) return null
  const inner = layer.type === 'conv-transpose2d' ? innerScene(layer, values, kind, granularity, options) : null
  if (layer.type === 'conv-transpose2d' && kind !== 'transposed-scatter' && kind !== 'conv-vs-transposed' && !inner) return null
  const plan = planOf(kind, unitShape(layer, kind, inner), kind === 'conv-vs-transposed' ? 'cell' : granularity)
  return { kind: 'family', layer, values, plan, options, scales: scalesFor(layer, values, options), inner }
}
