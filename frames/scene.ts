// What a frame is drawn from: the geometry, core's animation data and plan, the inputs, and the
// viewer's options. The colour scales are fixed per scene, so colours do not flicker while playing.

import type { AnimationData, AnimationInputs, AnimationKind, AnimationPlan, Granularity } from '../core/animation'
import { animationData, animationPlan } from '../core/animation'
import type { Language } from '../core/errors'
import type { ConvGeometry } from '../core/geometry'
import type { ColourScale, DivergingMap, SequentialMap } from './colours'
import type { FrameTheme } from './panel'
import { divergingScale, extent, maxAbs, sequentialScale } from './colours'

export interface FrameOptions {
  /** Show the seed's TIP: true convolution with k is correlation with rot180(k) = w. */
  trueConvolution?: boolean
  /** For the input (images): viridis or grey. Signed values always use the diverging map. */
  colourMap: SequentialMap
  diverging?: DivergingMap
  language: Language
  /** Decimals of the numbers in cells and formulas. */
  decimals: number
  /** The frame's palette: light (the default, and exports') or dark for a dark page. */
  theme?: FrameTheme
}

export interface Scene {
  geometry: ConvGeometry
  data: AnimationData
  inputs: AnimationInputs
  plan: AnimationPlan
  options: FrameOptions
}

/** Builds a scene for one animation from the raw tensors; `output` is core's forward result. */
export function makeScene(
  geometry: ConvGeometry,
  inputs: AnimationInputs,
  output: Float64Array,
  kind: AnimationKind,
  granularity: Granularity,
  options: FrameOptions,
): Scene {
  return { geometry, inputs, data: animationData(geometry, inputs, output), plan: animationPlan(kind, geometry, granularity), options }
}

export interface SceneScales {
  input: ColourScale
  weight: ColourScale
  products: ColourScale
  output: ColourScale
  gradOutput: ColourScale
  gradPadded: ColourScale
  gradWeight: ColourScale
  /** rot180(w)·dE/dy, w·dE/dy. */
  gradProducts: ColourScale
  /** xpad·dE/dy. */
  weightProducts: ColourScale
}

const cache = new WeakMap<Scene, SceneScales>()

export function scalesOf(scene: Scene): SceneScales {
  const known = cache.get(scene)
  if (known) return known
  const map = scene.options.diverging
  const diverging = (limit: number) => divergingScale(limit, map)
  const [low, high] = extent(scene.data.paddedInput)
  const inputLimit = maxAbs(scene.data.paddedInput)
  const weightLimit = maxAbs(scene.inputs.weight)
  const gradLimit = scene.inputs.gradOutput ? maxAbs(scene.inputs.gradOutput) : 1
  const scales: SceneScales = {
    // Signed inputs read better on the diverging map; images on the chosen sequential one.
    input: low < 0 ? diverging(inputLimit) : sequentialScale(Math.min(0, low), high, scene.options.colourMap),
    weight: diverging(weightLimit),
    products: diverging(weightLimit * inputLimit),
    output: diverging(maxAbs(scene.data.output)),
    gradOutput: diverging(gradLimit),
    gradPadded: diverging(scene.data.gradPadded ? maxAbs(scene.data.gradPadded) : 1),
    gradWeight: diverging(scene.data.gradWeight ? maxAbs(scene.data.gradWeight) : 1),
    gradProducts: diverging(weightLimit * gradLimit),
    weightProducts: diverging(inputLimit * gradLimit),
  }
  cache.set(scene, scales)
  return scales
}
