// The frames scene of the player: the explorer's setting, the chosen dE/dy and the view options,
// so the canvas, the hover values and the exported frames all draw from one Scene.

import type { AnimationKind, Granularity } from '../../../../core/animation'
import type { Language } from '../../../../core/errors'
import type { FrameTheme } from '../../../../frames/panel'
import type { FrameOptions, Scene } from '../../../../frames/scene'
import { makeScene } from '../../../../frames/scene'
import type { ColourMap } from '../colour/scales'
import type { PageForward } from './page-compute'

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
export function sceneOf(forward: PageForward, gradOutput: Float64Array | null, choice: SceneChoice): Scene | null {
  const backward = choice.kind !== 'forward'
  if (backward && !gradOutput) return null
  return makeScene(
    forward.geometry,
    { input: forward.input.data, weight: forward.weight.data, bias: forward.bias?.data ?? null, gradOutput: backward ? gradOutput : null },
    forward.output.data,
    choice.kind,
    choice.granularity,
    frameOptions(choice),
  )
}
