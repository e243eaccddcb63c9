// The stack's backward animation from one unit (dE/dy = 1 there, 0 elsewhere), as the stack
// view's player and `convolab export --unit` both make it: the layers up to the unit's, each map
// at the effective field's display size and cut to the region around the unit's receptive field.

import type { MapStack } from '../contract'
import type { Layer } from '../core/layer'
import type { StackPlan } from '../core/stack'
import type { Tensor } from '../core/tensor'
import type { StackUnit } from './stack-field'
import { fieldOutlines } from './stack-field'
import type { StackSceneData } from './stack-scene'
import { cropMaps, windowAround } from './stack-window'

/** Longest side of the effective receptive field's maps when the stack is too large for them to come whole. */
export const FIELD_MAP_SIDE = 256
/** Values (every layer's output and gradient) below which the effective field's maps come whole, so its frames show exact values. */
const FIELD_WHOLE_VALUES = 3_000_000
/** Cells each frame shows around the unit's field at least, a side (a 1×1 field alone would be one cell). */
const UNIT_WINDOW_LEAST = 12

/** The display side of the maps backward from a unit: 0 (whole) when the stack's maps are small enough, FIELD_MAP_SIDE otherwise. */
export function fieldSide(plan: StackPlan): number {
  const values = plan.plans.reduce((total, layer) => total + 2 * layer.outputShape.reduce((a, b) => a * b, 1), 0)
  return values <= FIELD_WHOLE_VALUES ? 0 : FIELD_MAP_SIDE
}

/** What a backward pass from a unit computed, as display maps (the input's at the strip's size, the rest at fieldSide). */
export interface UnitMaps {
  input: MapStack
  /** Every computed layer's output (those after the unit's are left out of the frames). */
  outputs: readonly MapStack[]
  /** dE/dy of each layer's output, up to the unit's layer. */
  gradOutputs: ReadonlyArray<MapStack | null>
  gradInput: MapStack | null
  /** dE/dw of each layer with weights (exact). */
  gradWeights: ReadonlyArray<Tensor | null>
}

/** The frames' data backward from `unit`: the layers up to its own, every map cut to the window around the unit's field there. */
export function unitSceneData(layers: readonly Layer[], plan: StackPlan, unit: StackUnit, maps: UnitMaps): StackSceneData {
  const count = Math.min(unit.layer + 1, maps.outputs.length)
  const outlines = fieldOutlines(layers, plan, unit)
  // a map the field misses entirely (all padding) has no outline and is shown whole
  const crop = (on: number, map: MapStack): MapStack => {
    const outline = outlines.find((o) => o.on === on)
    return outline ? cropMaps(map, windowAround(outline, map.shape[2], map.shape[3], UNIT_WINDOW_LEAST)) : map
  }
  return {
    layers: layers.slice(0, count),
    input: crop(-1, maps.input),
    outputs: maps.outputs.slice(0, count).map((map, k) => crop(k, map)),
    gradOutputs: maps.gradOutputs.slice(0, count).map((map, k) => (map ? crop(k, map) : null)),
    gradInput: maps.gradInput ? crop(-1, maps.gradInput) : null,
    gradWeights: maps.gradWeights.slice(0, count),
  }
}
