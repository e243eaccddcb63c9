// Receptive fields of a stack's units: the theoretical box (Araujo, Norris and Sim, Distill
// 2019), the exact set of input cells that reach a unit (which transposed layers need: their
// jump is fractional), and the effective receptive field (Luo et al. 2016: |dE/dx| for
// dE/dy = 1 at the unit).

import type { Layer } from './layer'
import type { LayerPlan } from './layer-compute'
import { sourceIndex } from './geometry'
import type { PaddingMode } from './geometry'
import type { StackForward, StackPlan } from './stack'
import { stackBackward } from './stack'
import type { Tensor } from './tensor'
import type { FastKernels } from './fast/kernels'

/** How one layer maps positions on one axis (H or W). */
export interface AxisStep {
  kernel: number
  stride: number
  /** Padding before the first cell (top or left). */
  padBefore: number
  dilation: number
  /** Input size on this axis, for the exact set. */
  inSize: number
  transposed: boolean
  /** Padding mode of a Conv2d (reflect/replicate/circular read real cells from the padding). */
  paddingMode: PaddingMode
}

export interface ReceptiveField {
  layer: number
  type: Layer['type']
  outputShape: number[]
  /** Per axis [h, w]: the receptive field's size in input cells, its jump and its start. */
  size: [number, number]
  jump: [number, number]
  start: [number, number]
  /**
   * False once a transposed layer is on the way: the box is then the envelope of the cells
   * that reach a unit (fractional jump), and reachingCells gives the exact set.
   */
  box: boolean
}

/** One layer's steps along H and W, or null for element-wise layers (which change nothing). */
export function axisSteps(plan: LayerPlan): [AxisStep, AxisStep] | null {
  switch (plan.type) {
    case 'conv2d': {
      const g = plan.geometry
      return [
        { kernel: g.kernelH, stride: g.strideH, padBefore: g.padTop, dilation: g.dilationH, inSize: g.inH, transposed: false, paddingMode: g.paddingMode },
        { kernel: g.kernelW, stride: g.strideW, padBefore: g.padLeft, dilation: g.dilationW, inSize: g.inW, transposed: false, paddingMode: g.paddingMode },
      ]
    }
    case 'conv-transpose2d': {
      const g = plan.geometry
      return [
        { kernel: g.kernelH, stride: g.strideH, padBefore: g.padH, dilation: g.dilationH, inSize: g.inH, transposed: true, paddingMode: 'zeros' },
        { kernel: g.kernelW, stride: g.strideW, padBefore: g.padW, dilation: g.dilationW, inSize: g.inW, transposed: true, paddingMode: 'zeros' },
      ]
    }
    case 'max-pool2d':
    case 'avg-pool2d': {
      // pooling counts like a conv; its padding (−∞ or zeros) reads no input cell
      const g = plan.geometry
      return [
        { kernel: g.kernelH, stride: g.strideH, padBefore: g.padH, dilation: g.dilationH, inSize: g.inH, transposed: false, paddingMode: 'zeros' },
        { kernel: g.kernelW, stride: g.strideW, padBefore: g.padW, dilation: g.dilationW, inSize: g.inW, transposed: false, paddingMode: 'zeros' },
      ]
    }
    default:
      return null
  }
}

interface AxisField {
  size: number
  jump: number
  start: number
}

/** One step of the recurrences: r += D·(K−1)·j, j *= S, start −= P·j; transposed: j/S. */
function grow(field: AxisField, step: AxisStep): AxisField {
  const { size, jump, start } = field
  const span = step.dilation * (step.kernel - 1)
  if (!step.transposed) {
    return { size: size + span * jump, jump: jump * step.stride, start: start - step.padBefore * jump }
  }
  // output o of a transposed layer reads inputs i with i·S = o + P − a·D: the positions
  // (o + P − D·(K−1))/S … (o + P)/S of its input, a continuous envelope
  return {
    size: size + (span * jump) / step.stride,
    jump: jump / step.stride,
    start: start + ((step.padBefore - span) * jump) / step.stride,
  }
}

/**
 * The theoretical receptive field of every computed layer's units, in cells of the input, or
 * with `on` = k in cells of layer k's output (the fields of layers after k; for outlining a
 * unit's view on every layer between the input and it).
 */
export function receptiveFields(layers: readonly Layer[], plan: StackPlan, on = -1): ReceptiveField[] {
  let fields: [AxisField, AxisField] = [
    { size: 1, jump: 1, start: 0 },
    { size: 1, jump: 1, start: 0 },
  ]
  let box = true
  return plan.plans.slice(on + 1).map((layerPlan, after) => {
    const layer = on + 1 + after
    const steps = axisSteps(layerPlan)
    if (steps) {
      fields = [grow(fields[0], steps[0]), grow(fields[1], steps[1])]
      if (steps[0].transposed) box = false
    }
    return {
      layer,
      type: layers[layer].type,
      outputShape: [...layerPlan.outputShape],
      size: [fields[0].size, fields[1].size],
      jump: [fields[0].jump, fields[1].jump],
      start: [fields[0].start, fields[1].start],
      box,
    }
  })
}

/** The unit's theoretical box on the input, first and last row and column, unclipped. */
export function unitBox(field: ReceptiveField, row: number, col: number): { rows: [number, number]; cols: [number, number] } {
  const first = (axis: 0 | 1, index: number): number => field.start[axis] + index * field.jump[axis]
  return {
    rows: [first(0, row), first(0, row) + field.size[0] - 1],
    cols: [first(1, col), first(1, col) + field.size[1] - 1],
  }
}

/** The input cells of one axis that reach any of `outputs` through one layer. */
function reachAxis(outputs: Iterable<number>, step: AxisStep): Set<number> {
  const reached = new Set<number>()
  for (const o of outputs) {
    for (let a = 0; a < step.kernel; a++) {
      if (step.transposed) {
        const t = o + step.padBefore - a * step.dilation
        if (t % step.stride !== 0) continue
        const i = t / step.stride
        if (i >= 0 && i < step.inSize) reached.add(i)
      } else {
        const padded = o * step.stride + a * step.dilation
        const i = sourceIndex(padded, step.padBefore, step.inSize, step.paddingMode)
        if (i >= 0) reached.add(i)
      }
    }
  }
  return reached
}

/** The input channels that output channel set `channels` of a layer reads. */
function reachChannels(channels: Set<number>, layerPlan: LayerPlan): Set<number> {
  if (layerPlan.type !== 'conv2d' && layerPlan.type !== 'conv-transpose2d') return channels
  // both: output channel m belongs to group ⌊m / (C_out/groups)⌋ and reads that group's inputs
  const g = layerPlan.geometry
  const reached = new Set<number>()
  for (const m of channels) {
    const group = Math.floor(m / g.outChannelsPerGroup)
    for (let c = 0; c < g.inChannelsPerGroup; c++) reached.add(group * g.inChannelsPerGroup + c)
  }
  return reached
}

export interface ReachingCells {
  sample: number
  /** Sorted input channels, rows and columns; the cells are every (channel, row, col) of them. */
  channels: number[]
  rows: number[]
  cols: number[]
}

/**
 * The exact set of input cells connected to unit (n, c, h, w) of `layer`, whatever the
 * weights' values (every kernel tap and pooling window cell counts): spatially a product of
 * a row set and a column set, since every layer acts on H and W separately. With `on` = k < layer:
 * the cells of layer k's output instead of the input's.
 */
export function reachingCells(plan: StackPlan, layer: number, unit: readonly [number, number, number, number], on = -1): ReachingCells {
  let channels = new Set([unit[1]])
  let rows = new Set([unit[2]])
  let cols = new Set([unit[3]])
  for (let index = layer; index > on; index--) {
    const layerPlan = plan.plans[index]
    const steps = axisSteps(layerPlan)
    if (steps) {
      rows = reachAxis(rows, steps[0])
      cols = reachAxis(cols, steps[1])
    }
    channels = reachChannels(channels, layerPlan)
  }
  const sorted = (set: Set<number>): number[] => [...set].sort((a, b) => a - b)
  return { sample: unit[0], channels: sorted(channels), rows: sorted(rows), cols: sorted(cols) }
}

export interface EffectiveReceptiveField {
  /** dE/dx of the stack's input for dE/dy = 1 at the unit, 0 elsewhere. */
  gradInput: Tensor
  /** (H, W) of the unit's sample: Σ over channels of |dE/dx|, the heat map to show. */
  magnitude: Float64Array
  height: number
  width: number
  /** Largest value of `magnitude` (0 when nothing reaches the unit, e.g. a ReLU that is off). */
  peak: number
}

/** Luo et al.'s effective receptive field of unit (n, c, h, w) of `layer`. */
export function effectiveReceptiveField(
  layers: readonly Layer[],
  forward: StackForward,
  layer: number,
  unit: readonly [number, number, number, number],
  kernels?: FastKernels,
): EffectiveReceptiveField {
  // dE/dx alone: no weight gradients, about half the work of a full backward pass
  const { gradInput } = stackBackward(layers, forward, { kind: 'unit', layer, unit }, kernels, { weights: false })
  const [, channels, height, width] = gradInput.shape
  const plane = height * width
  const magnitude = new Float64Array(plane)
  for (let c = 0; c < channels; c++) {
    const offset = (unit[0] * channels + c) * plane
    for (let k = 0; k < plane; k++) magnitude[k] += Math.abs(gradInput.data[offset + k])
  }
  let peak = 0
  for (let k = 0; k < plane; k++) if (magnitude[k] > peak) peak = magnitude[k]
  return { gradInput, magnitude, height, width, peak }
}
