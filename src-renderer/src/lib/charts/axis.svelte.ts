// A d3 axis drawn into an SVG group as a Svelte attachment: drawn again when the scale it reads
// changes, emptied when the group goes. One helper for every chart's axes.

import type { Axis, AxisDomain } from 'd3'
import { select } from 'd3'

/** `{@attach axis(() => axisBottom(x).ticks(6))}`: the axis `make` returns, kept up to date. */
export function axis<Domain extends AxisDomain>(make: () => Axis<Domain>): (node: SVGGElement) => () => void {
  return (node) => {
    $effect(() => {
      select(node).call(make())
    })
    return () => select(node).selectAll('*').remove()
  }
}
