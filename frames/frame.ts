// paintFrame: one step of one animation drawn on any Canvas 2D context.

import type { FrameContext, FrameSize } from './context'
import { backwardInputModel } from './backward-input'
import { backwardScatterModel } from './backward-scatter'
import { backwardWeightModel } from './backward-weight'
import { forwardModel } from './forward'
import { drawFrameModel } from './paint'
import type { FrameModel } from './panel'
import { withPalette } from './panel'
import type { LearningScene } from './learning'
import { isLearningScene, learningModel } from './learning'
import type { Scene } from './scene'
import { familyModel } from './family'
import type { FamilyScene } from './family-scene'
import { isFamilyScene } from './family-scene'
import type { StackScene } from './stack-scene'
import { isStackScene, stackModel } from './stack-scene'

/** A scene of any animation: one of core's stepped animations, learning a kernel, a layer of the family, or a stack layer by layer. */
export type AnyScene = Scene | LearningScene | FamilyScene | StackScene

/** What the frame of `step` shows, before it is drawn (the SVG export reads the same model). */
export function frameModel(scene: AnyScene, step: number): FrameModel {
  if (isLearningScene(scene)) return learningModel(scene, step)
  if (isFamilyScene(scene)) return familyModel(scene, step)
  if (isStackScene(scene)) return stackModel(scene, step)
  switch (scene.plan.kind) {
    case 'forward':
      return forwardModel(scene, step)
    case 'backward-input':
      return backwardInputModel(scene, step)
    case 'backward-weight':
      return backwardWeightModel(scene, step)
    case 'backward-scatter':
      return backwardScatterModel(scene, step)
  }
}

/**
 * Draws the state after step `step` (0-based, as core's plan counts; −1 is the empty start) on
 * `ctx`, filling `size` from (0, 0). Draws in the context's pixel space: leave its transform as
 * the identity and size the canvas in device pixels (images are put with putImageData).
 */
export function paintFrame(ctx: FrameContext, scene: AnyScene, step: number, size: FrameSize): void {
  withPalette(scene.options.theme, () => drawFrameModel(ctx, frameModel(scene, step), size, scene.options.decimals))
}
