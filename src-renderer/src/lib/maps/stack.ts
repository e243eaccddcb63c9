// A tensor the page holds (a small exact gradient, a drawn dE/dy or target) as a map stack like
// the engine's: float32 planes, box means down to at most maxSide per side, exact ranges per plane.

import type { MapStack } from '../../../../contract'
import type { Tensor } from '../../../../core/tensor'

/** Cells of the exact tensor per display cell along each side (1 = full size). */
export function boxOf(height: number, width: number, maxSide: number): number {
  return maxSide <= 0 ? 1 : Math.max(1, Math.ceil(Math.max(height, width) / maxSide))
}

export function stackOf(tensor: Tensor, maxSide = 0): MapStack {
  const [n, c, h, w] = (tensor.shape.length === 4 ? tensor.shape : [1, 1, ...tensor.shape.slice(-2)]) as [number, number, number, number]
  const planes = n * c
  const box = boxOf(h, w, maxSide)
  const displayH = Math.ceil(h / box)
  const displayW = Math.ceil(w / box)
  const data = new Float32Array(planes * displayH * displayW)
  const min = new Float64Array(planes).fill(Infinity)
  const max = new Float64Array(planes).fill(-Infinity)
  const nonFinite = new Uint32Array(planes)
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < h; r++) {
      for (let col = 0; col < w; col++) {
        const v = tensor.data[(p * h + r) * w + col]
        if (!Number.isFinite(v)) nonFinite[p]++
        else {
          if (v < min[p]) min[p] = v
          if (v > max[p]) max[p] = v
        }
        data[(p * displayH + Math.floor(r / box)) * displayW + Math.floor(col / box)] += v
      }
    }
    if (min[p] > max[p]) min[p] = max[p] = 0
  }
  if (box > 1) {
    // Each display cell is the mean of the cells of its box (edge boxes may be smaller).
    for (let p = 0; p < planes; p++) {
      for (let r = 0; r < displayH; r++) {
        const rows = Math.min(h, (r + 1) * box) - r * box
        for (let col = 0; col < displayW; col++) data[(p * displayH + r) * displayW + col] /= rows * (Math.min(w, (col + 1) * box) - col * box)
      }
    }
  }
  return { shape: [n, c, h, w], displayH, displayW, data, min, max, nonFinite }
}

type Displayed = Pick<MapStack, 'shape' | 'displayH' | 'displayW'>

/** Box side of a displayed stack, as the engine and stackOf make it. */
function boxIn(stack: Displayed): number {
  return Math.max(1, Math.ceil(Math.max(stack.shape[2], stack.shape[3]) / Math.max(stack.displayH, stack.displayW)))
}

/** Rows top..bottom−1 and columns left..right−1 of a plane. */
export interface CellBox {
  top: number
  left: number
  bottom: number
  right: number
}

/** Every exact cell a display cell stands for (a box of cells when downsampled), end exclusive. */
export function exactBox(stack: Displayed, r: number, c: number): CellBox {
  const box = boxIn(stack)
  return { top: r * box, left: c * box, bottom: Math.min(stack.shape[2], (r + 1) * box), right: Math.min(stack.shape[3], (c + 1) * box) }
}

/** The display cell that shows an exact cell. */
export function displayCell(stack: Displayed, r: number, c: number): { r: number; c: number } {
  const box = boxIn(stack)
  return { r: Math.floor(r / box), c: Math.floor(c / box) }
}

/** One plane of a stack as a view shows it: its index, title and leading indices (e.g. [n, m]). */
export interface PlaneShown {
  plane: number
  title: string
  leading: number[]
}

/** Every value of the tensor is exactly zero (from the exact per-plane ranges, so at any size). */
export function allZero(stack: Pick<MapStack, 'min' | 'max' | 'nonFinite'>): boolean {
  for (let p = 0; p < stack.min.length; p++) if (stack.min[p] !== 0 || stack.max[p] !== 0 || stack.nonFinite[p] !== 0) return false
  return stack.min.length > 0
}
