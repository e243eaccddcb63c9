// Which channel a map of the stack shows before the user picks one: around a ReLU or LeakyReLU,
// a channel whose gate has both states (some units pass, some stop) — of those, the one whose
// drawn mask is nearest half on — so the backward frame's mask shows the gate at work rather
// than all white or all black; elsewhere channel 0. The stack view and `convolab export` both
// start a stack's maps on these channels.

import type { LayerType } from '../core/layer'

/** What the rule reads of a stack result: each layer's kind and its output's exact extremes per plane. */
export interface GateResult {
  layers: ReadonlyArray<{
    type: LayerType
    /** Exact extremes per plane; the display maps (box means of large maps) when sent. */
    output: { shape: readonly number[]; min: ArrayLike<number>; max: ArrayLike<number>; data?: ArrayLike<number>; displayH?: number; displayW?: number }
  }>
}

const GATES: readonly LayerType[] = ['relu', 'leaky-relu']

/**
 * The gate map `on` belongs to: `on` itself when it is a ReLU's output, `on + 1` when it is the
 * map a ReLU reads; −1 when neither. A gate keeps each channel where it is, so both maps share it.
 */
export function gateOf(result: GateResult, on: number): number {
  if (on >= 0 && GATES.includes(result.layers[on]?.type)) return on
  if (GATES.includes(result.layers[on + 1]?.type)) return on + 1
  return -1
}

/**
 * A ReLU's output is 0 exactly where x ≤ 0 (its mask is 0) and positive where x > 0; a
 * LeakyReLU's is ≤ 0 exactly where x ≤ 0. So the gate has both states on a plane exactly when
 * its output's minimum is ≤ 0 and its maximum > 0 (the engine's exact extremes, whatever the
 * map's display size).
 */
export function hasBothStates(min: number, max: number): boolean {
  return min <= 0 && max > 0
}

/** Cells of plane `plane` of a display map that are > 0 (the drawn mask's white cells), and how many cells it has; null without display data. */
function drawnOn(maps: GateResult['layers'][number]['output'], plane: number): { on: number; cells: number } | null {
  if (!maps.data || !maps.displayH || !maps.displayW) return null
  const cells = maps.displayH * maps.displayW
  let on = 0
  for (let at = plane * cells; at < (plane + 1) * cells; at++) if (maps.data[at] > 0) on++
  return { on, cells }
}

/** The default channel of map `on` for sample n. */
export function defaultChannel(result: GateResult | null, on: number, n: number): number {
  if (!result) return 0
  const gate = gateOf(result, on)
  if (gate < 0) return 0
  const output = result.layers[gate].output
  // The frames draw the mask from the map the gate reads (the stack's input is not in the result: then its own output).
  const read = gate > 0 ? result.layers[gate - 1].output : output
  const channels = output.shape[1]
  const sample = Math.min(n, output.shape[0] - 1)
  let best = -1
  let balance = -1
  for (let c = 0; c < channels; c++) {
    const plane = sample * channels + c
    if (!hasBothStates(output.min[plane], output.max[plane])) continue
    const drawn = drawnOn(read, plane)
    const score = drawn ? Math.min(drawn.on, drawn.cells - drawn.on) / drawn.cells : 0
    if (score > balance) [best, balance] = [c, score]
  }
  return Math.max(0, best)
}
