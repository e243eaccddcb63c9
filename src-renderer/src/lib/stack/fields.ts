// What the stack view outlines when a unit is hovered: the unit's theoretical receptive field on
// the input and on every layer between (core's receptiveFields and unitBox; the exact reaching
// cells once a transposed layer is on the way), and the field's size at every layer for the chart.

import type { Layer } from '../../../../core/layer'
import { receptiveFields } from '../../../../core/receptive-field'
import type { StackPlan } from '../../../../core/stack'

// The unit and its outlines are the frames' own (the backward animation from a unit cuts its maps by them).
export { fieldOutlines, mapShape } from '../../../../frames/stack-field'
export type { FieldOutline, StackUnit } from '../../../../frames/stack-field'

/** One point of the chart: the theoretical receptive field's size (input cells) after each layer. */
export interface FieldGrowth {
  layer: number
  type: Layer['type']
  size: [number, number]
  jump: [number, number]
  box: boolean
}

export function fieldGrowth(layers: readonly Layer[], plan: StackPlan): FieldGrowth[] {
  return receptiveFields(layers, plan).map((f) => ({ layer: f.layer, type: f.type, size: [...f.size], jump: [...f.jump], box: f.box }))
}

/** The size text as the page shows it ("31×31"), with fractions of transposed layers kept short. */
export function sizeText(size: readonly [number, number]): string {
  const one = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(2).replace(/0+$/, ''))
  return `${one(size[0])}×${one(size[1])}`
}
