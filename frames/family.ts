// The frame model of any family scene: which layer's animation draws it.

import { avgBackwardModel, avgForwardModel, maxBackwardModel, maxForwardModel } from './family-pool'
import { pairModel } from './family-pair'
import type { FamilyScene } from './family-scene'
import { transposedCorrelationModel, transposedGradInputModel, transposedGradWeightModel, transposedScatterModel } from './family-transposed'
import type { FrameModel } from './panel'

type Of<T extends FamilyScene['layer']['type']> = FamilyScene & { layer: Extract<FamilyScene['layer'], { type: T }> }

export function familyModel(scene: FamilyScene, step: number): FrameModel {
  switch (scene.plan.kind) {
    case 'transposed-scatter':
      return transposedScatterModel(scene as Of<'conv-transpose2d'>, step)
    case 'transposed-correlation':
      return transposedCorrelationModel(scene as Of<'conv-transpose2d'>, step)
    case 'transposed-grad-input':
      return transposedGradInputModel(scene as Of<'conv-transpose2d'>, step)
    case 'transposed-grad-weight':
      return transposedGradWeightModel(scene as Of<'conv-transpose2d'>, step)
    case 'conv-vs-transposed':
      return pairModel(scene as Of<'conv-transpose2d'>, step)
    case 'max-forward':
      return maxForwardModel(scene as Of<'max-pool2d'>, step)
    case 'max-backward':
      return maxBackwardModel(scene as Of<'max-pool2d'>, step)
    case 'avg-forward':
      return avgForwardModel(scene as Of<'avg-pool2d'>, step)
    case 'avg-backward':
      return avgBackwardModel(scene as Of<'avg-pool2d'>, step)
  }
}
