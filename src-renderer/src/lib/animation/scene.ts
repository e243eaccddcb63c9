// The frames scene of the player: the stage's tensors (the whole setting, or a region of the
// output), the chosen dE/dy and the view options, so the canvas, the hover values and the
// exported frames all draw from one Scene.

import type { AnimationKind, Granularity } from '../../../../core/animation'
import type { Language } from '../../../../core/errors'
import type { FrameTheme } from '../../../../frames/panel'
import type { FrameOptions, Scene } from '../../../../frames/scene'
import { makeScene } from '../../../../frames/scene'
import type { ColourMap } from '../colour/scales'
import type { StageSource } from '../state/stage.svelte'

export interface SceneChoice {
  kind: AnimationKind
  granularity: Granularity
  trueConvolution: boolean
  colourMap: ColourMap
  language: Language
  decimals?: number
  /** The page's theme; exports leave it out and get the light frame. */
  theme?: FrameTheme
}

export function frameOptions(choice: SceneChoice): FrameOptions {
  return {
    trueConvolution: choice.kind === 'forward' && choice.trueConvolution,
    // Inputs look the same in every view: grayscale, as on the input grid (viridis only when chosen).
    colourMap: choice.colourMap === 'viridis' ? 'viridis' : 'grayscale',
    diverging: 'RdBu',
    language: choice.language,
    decimals: choice.decimals ?? 2,
    theme: choice.theme,
  }
}

/** null when a backward animation has no dE/dy yet. */
export function sceneOf(source: StageSource, choice: SceneChoice): Scene | null {
  const backward = choice.kind !== 'forward'
  if (backward && !source.gradOutput) return null
  return makeScene(
    source.geometry,
    { input: source.input, weight: source.weight, bias: source.bias, gradOutput: backward ? source.gradOutput : null },
    source.output,
    choice.kind,
    choice.granularity,
    frameOptions(choice),
  )
}

/** Where a unit of the forward plan (an output cell of the scene) sits in the whole output. */
export function wholeOutputIndex(source: StageSource, unit: [number, number, number, number]): [number, number, number, number] {
  const [n, m, i, j] = unit
  return source.region ? [source.n, m, source.region.i + i, source.region.j + j] : [n, m, i, j]
}
