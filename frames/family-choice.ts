// The animation tab's choices for a layer of the family: which view (forward, dE/dx, dE/dw, the
// Conv2d ↔ ConvTranspose2d comparison), ConvTranspose2d's forward as scatter or as the Conv2d
// dE/dx frames, and the frames scene they make from the engine's tensors.

import type { Granularity } from '../core/animation'
import type { FamilyAnimation, FamilyLayerType, FamilyScene } from './family-scene'
import { makeFamilyScene } from './family-scene'
import type { FrameOptions } from './scene'
import type { FamilySource } from './family-source'

export type FamilyView = 'forward' | 'backward-input' | 'backward-weight' | 'pair'
export type TransposedForward = 'scatter' | 'correlation'

/** The views a layer has: pools have no weight (no dE/dw) and no Conv2d twin. */
export function familyViewsOf(layer: FamilyLayerType): FamilyView[] {
  return layer === 'conv-transpose2d' ? ['forward', 'backward-input', 'backward-weight', 'pair'] : ['forward', 'backward-input']
}

export function familyAnimationOf(layer: FamilyLayerType, view: FamilyView, transposedForward: TransposedForward): FamilyAnimation | null {
  if (!familyViewsOf(layer).includes(view)) return null
  if (layer === 'conv-transpose2d') {
    if (view === 'forward') return transposedForward === 'scatter' ? 'transposed-scatter' : 'transposed-correlation'
    if (view === 'backward-input') return 'transposed-grad-input'
    if (view === 'backward-weight') return 'transposed-grad-weight'
    return 'conv-vs-transposed'
  }
  const prefix = layer === 'max-pool2d' ? 'max' : 'avg'
  return view === 'forward' ? `${prefix}-forward` : `${prefix}-backward`
}

/** null while the view needs what the source lacks (dE/dy, or the Conv2d pair). */
export function familySceneOf(
  source: FamilySource,
  view: FamilyView,
  transposedForward: TransposedForward,
  granularity: Granularity,
  options: FrameOptions,
): FamilyScene | null {
  const animation = familyAnimationOf(source.layer.type, view, transposedForward)
  return animation ? makeFamilyScene(source.layer, source.values, animation, granularity, { ...options, trueConvolution: false }) : null
}
