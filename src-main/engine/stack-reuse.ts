// The forward pass of the last stack, used again by the next one where it cannot have changed:
// the same stored input and the same first layers (options and weights) give the same outputs.
// Hovering units for their effective receptive field, changing the upstream gradient, or editing
// a late layer then runs only what changed (and the kept maps are copied, not made again).

import type { Layer, LayerForward, Tensor } from '../../core'
import type { MapStack } from '../../contract'

/** What the next stack may take from the last one's forward pass. */
export interface KeptForward {
  input: Tensor
  layers: readonly Layer[]
  outputs: LayerForward[]
  /** The outputs' display maps (copies: the sent ones moved to the other thread), at maxSide. */
  maxSide: number
  maps: MapStack[]
}

function sameTensor(a: Tensor | null | undefined, b: Tensor | null | undefined): boolean {
  if (!a || !b) return !a && !b
  if (a.shape.length !== b.shape.length || a.shape.some((d, i) => d !== b.shape[i]) || a.data.length !== b.data.length) return false
  for (let k = 0; k < a.data.length; k++) if (a.data[k] !== b.data[k]) return false
  return true
}

/** A layer's options as one string, keys sorted, without its tensors. */
function optionsKey(layer: Layer): string {
  const options = Object.entries(layer).filter(([key, value]) => key !== 'weight' && key !== 'bias' && value !== undefined)
  return JSON.stringify(options.sort(([a], [b]) => (a < b ? -1 : 1)))
}

function sameLayer(a: Layer, b: Layer): boolean {
  if (optionsKey(a) !== optionsKey(b)) return false
  const tensors = (layer: Layer) => (layer.type === 'conv2d' || layer.type === 'conv-transpose2d' ? [layer.weight, layer.bias] : [null, null])
  const [wa, ba] = tensors(a)
  const [wb, bb] = tensors(b)
  return sameTensor(wa, wb) && sameTensor(ba, bb)
}

/** How many first layers' outputs of `kept` this stack (on `input`) can take as they are, at most `most`. */
export function reusableLayers(kept: KeptForward | null, input: Tensor, layers: readonly Layer[], most: number): number {
  if (!kept || kept.input !== input) return 0
  let count = 0
  while (count < Math.min(most, kept.outputs.length) && sameLayer(kept.layers[count], layers[count])) count++
  return count
}

/**
 * A copy of maps, into `into`'s arrays when they have the same lengths (an earlier kept copy no
 * one reads any more: no fresh 4-16 MB arrays to fault in and collect on every change).
 */
export function copyMaps(maps: MapStack, into?: MapStack): MapStack {
  const fits = into && into.data.length === maps.data.length && into.min.length === maps.min.length
  if (!fits) {
    return { ...maps, shape: [...maps.shape], data: maps.data.slice(), min: maps.min.slice(), max: maps.max.slice(), nonFinite: maps.nonFinite.slice() }
  }
  into.data.set(maps.data)
  into.min.set(maps.min)
  into.max.set(maps.max)
  into.nonFinite.set(maps.nonFinite)
  return { ...maps, shape: [...maps.shape], data: into.data, min: into.min, max: into.max, nonFinite: into.nonFinite }
}

/** Kept map copies no one reads any more, handed out by length of their values. */
export function spareMaps(copies: readonly MapStack[]): (length: number) => MapStack | undefined {
  const byLength = new Map<number, MapStack[]>()
  for (const copy of copies) byLength.set(copy.data.length, [...(byLength.get(copy.data.length) ?? []), copy])
  return (length) => byLength.get(length)?.pop()
}
