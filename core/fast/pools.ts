// The pooling kernels of core/wasm/pool.as laid out in memory: the planes, the window tables
// (first real cell and end per output row and column, from core's own window rules) and which
// columns have whole windows, so the kernels give core's TypeScript loops' numbers exactly.

import type { AvgPoolAxisWindows } from '../avg-pool2d'
import { avgPoolAxisWindows } from '../avg-pool2d'
import { maxPoolWindowRange } from '../max-pool2d'
import type { PoolGeometry } from '../pool-geometry'
import { MemoryLayout } from './memory-layout'
import type { KernelCall } from './plans'

/** One pool run: the bytes it needs, how its inputs go in, its one call, how its results come out. */
export interface PoolPlan<Result> {
  bytes: number
  pack(buffer: ArrayBufferLike): void
  call: KernelCall
  unpack(buffer: ArrayBufferLike): Result
}

/** [start, end) pairs as interleaved i32, the layout the kernels read. */
function pairs(start: Int32Array, end: Int32Array): Int32Array {
  const table = new Int32Array(2 * start.length)
  for (let k = 0; k < start.length; k++) {
    table[2 * k] = start[k]
    table[2 * k + 1] = end[k]
  }
  return table
}

/** Output columns j0..j1−1: windows from j·S − P whose span D·(K−1)+1 lies inside the input. */
function wholeColumns(g: PoolGeometry, span: number): [number, number] {
  const j0 = Math.ceil(g.padW / g.strideW)
  const j1 = Math.min(g.outW, Math.floor((g.inW - span + g.padW) / g.strideW) + 1)
  return [j0, Math.max(j0, j1)]
}

/**
 * A copy of kernel memory: into `into` when it has the length (an array no one reads any more,
 * which spares a fresh one's page faults), else a fresh one (new + set measured about twice as
 * fast as slice() of the view).
 */
function copyOut<T extends Float64Array | Int32Array>(view: T, make: (length: number) => T, into?: T): T {
  const copy = into?.length === view.length ? into : make(view.length)
  copy.set(view)
  return copy
}

const newFloat64 = (length: number) => new Float64Array(length)

/**
 * A whole window's cells as offsets from its first cell, row-major (the loops' order), and the
 * output rows i0..i1−1 whose windows lie inside the input (start i·S − P, span D·(K−1)+1).
 */
function wholeWindows(g: PoolGeometry): { taps: Int32Array; i0: number; i1: number } {
  const taps = new Int32Array(g.kernelH * g.kernelW)
  for (let a = 0; a < g.kernelH; a++) for (let b = 0; b < g.kernelW; b++) taps[a * g.kernelW + b] = a * g.dilationH * g.inW + b * g.dilationW
  const i0 = Math.ceil(g.padH / g.strideH)
  const i1 = Math.min(g.outH, Math.floor((g.inH - (g.dilationH * (g.kernelH - 1) + 1) + g.padH) / g.strideH) + 1)
  return { taps, i0, i1: Math.max(i0, i1) }
}

function planeCount(g: PoolGeometry): number {
  return g.batch * g.channels
}

export function planMaxPool(x: Float64Array, g: PoolGeometry, into?: Float64Array): PoolPlan<{ output: Float64Array; indices: Int32Array }> {
  const planes = planeCount(g)
  const outLength = planes * g.outH * g.outW
  const rowStart = new Int32Array(g.outH)
  const rowEnd = new Int32Array(g.outH)
  const colStart = new Int32Array(g.outW)
  const colEnd = new Int32Array(g.outW)
  maxPoolWindowRange(g.outH, g.strideH, g.padH, g.dilationH, g.kernelH, g.inH, rowStart, rowEnd)
  maxPoolWindowRange(g.outW, g.strideW, g.padW, g.dilationW, g.kernelW, g.inW, colStart, colEnd)
  const rows = pairs(rowStart, rowEnd)
  const cols = pairs(colStart, colEnd)
  const memory = new MemoryLayout()
  const xAt = memory.take(x.length * 8)
  const yAt = memory.take(outLength * 8)
  const idxAt = memory.take(outLength * 4)
  const rowsAt = memory.take(rows.length * 4)
  const colsAt = memory.take(cols.length * 4)
  const whole = wholeWindows(g)
  const tapsAt = memory.take(whole.taps.length * 4)
  const [j0, j1] = wholeColumns(g, g.dilationW * (g.kernelW - 1) + 1)
  return {
    bytes: memory.bytes,
    pack(buffer) {
      new Float64Array(buffer, xAt, x.length).set(x)
      new Int32Array(buffer, rowsAt, rows.length).set(rows)
      new Int32Array(buffer, colsAt, cols.length).set(cols)
      new Int32Array(buffer, tapsAt, whole.taps.length).set(whole.taps)
    },
    call: {
      kernel: 'maxPool_f64',
      args: [
        ...[xAt, yAt, idxAt, planes, g.inH, g.inW, g.outH, g.outW, g.kernelW, g.strideW, g.dilationH, g.dilationW, rowsAt, colsAt, j0, j1],
        ...[tapsAt, whole.taps.length, whole.i0, whole.i1],
      ],
    },
    unpack: (buffer) => ({
      output: copyOut(new Float64Array(buffer, yAt, outLength), newFloat64, into),
      indices: copyOut(new Int32Array(buffer, idxAt, outLength), (length) => new Int32Array(length)),
    }),
  }
}

export function planMaxPoolBackward(gradOutput: Float64Array, indices: Int32Array, g: PoolGeometry, into?: Float64Array): PoolPlan<Float64Array> {
  const planes = planeCount(g)
  const inLength = planes * g.inH * g.inW
  const memory = new MemoryLayout()
  const gyAt = memory.take(gradOutput.length * 8)
  const idxAt = memory.take(indices.length * 4)
  const gxAt = memory.take(inLength * 8)
  return {
    bytes: memory.bytes,
    pack(buffer) {
      new Float64Array(buffer, gyAt, gradOutput.length).set(gradOutput)
      new Int32Array(buffer, idxAt, indices.length).set(indices)
    },
    call: { kernel: 'maxPoolBackward_f64', args: [gyAt, idxAt, gxAt, planes, g.inH * g.inW, g.outH * g.outW] },
    unpack: (buffer) => copyOut(new Float64Array(buffer, gxAt, inLength), newFloat64, into),
  }
}

/**
 * Each axis's factor of the divisor (avgPoolDivisors' rule: the window's span inside input +
 * padding with count_include_pad, else its real cells), and divisor_override or 0.
 */
function divisorFactors(
  g: PoolGeometry,
  rows: AvgPoolAxisWindows,
  cols: AvgPoolAxisWindows,
): { rowCounts: Float64Array; colCounts: Float64Array; override: number } {
  const factor = (w: AvgPoolAxisWindows) => Float64Array.from(w.padded, (padded, k) => (g.countIncludePad ? padded : w.end[k] - w.start[k]))
  return { rowCounts: factor(rows), colCounts: factor(cols), override: g.divisorOverride ?? 0 }
}

export function planAvgPool(x: Float64Array, g: PoolGeometry, into?: Float64Array): PoolPlan<Float64Array> {
  const planes = planeCount(g)
  const outLength = planes * g.outH * g.outW
  const rowWindows = avgPoolAxisWindows(g.outH, g.strideH, g.padH, g.kernelH, g.inH)
  const colWindows = avgPoolAxisWindows(g.outW, g.strideW, g.padW, g.kernelW, g.inW)
  const rows = pairs(rowWindows.start, rowWindows.end)
  const cols = pairs(colWindows.start, colWindows.end)
  const { rowCounts, colCounts, override } = divisorFactors(g, rowWindows, colWindows)
  const memory = new MemoryLayout()
  const xAt = memory.take(x.length * 8)
  const yAt = memory.take(outLength * 8)
  const rowsAt = memory.take(rows.length * 4)
  const colsAt = memory.take(cols.length * 4)
  const rowCountsAt = memory.take(rowCounts.length * 8)
  const colCountsAt = memory.take(colCounts.length * 8)
  const whole = wholeWindows(g)
  const tapsAt = memory.take(whole.taps.length * 4)
  const [j0, j1] = wholeColumns(g, g.kernelW)
  return {
    bytes: memory.bytes,
    pack(buffer) {
      new Float64Array(buffer, xAt, x.length).set(x)
      new Int32Array(buffer, rowsAt, rows.length).set(rows)
      new Int32Array(buffer, colsAt, cols.length).set(cols)
      new Float64Array(buffer, rowCountsAt, rowCounts.length).set(rowCounts)
      new Float64Array(buffer, colCountsAt, colCounts.length).set(colCounts)
      new Int32Array(buffer, tapsAt, whole.taps.length).set(whole.taps)
    },
    call: {
      kernel: 'avgPool_f64',
      args: [
        ...[xAt, yAt, planes, g.inH, g.inW, g.outH, g.outW, g.kernelW, g.strideW, rowsAt, colsAt, rowCountsAt, colCountsAt, override, j0, j1],
        ...[tapsAt, whole.taps.length, whole.i0, whole.i1],
      ],
    },
    unpack: (buffer) => copyOut(new Float64Array(buffer, yAt, outLength), newFloat64, into),
  }
}

/** Per input position on one axis, [first, last+1) of the output positions whose window holds it. */
function reach(size: number, out: number, kernel: number, stride: number, padding: number): Int32Array {
  const table = new Int32Array(2 * size)
  for (let i = 0; i < size; i++) {
    // windows j with j·S − P ≤ i < j·S − P + K
    table[2 * i] = Math.max(0, Math.ceil((i + padding - kernel + 1) / stride))
    table[2 * i + 1] = Math.max(table[2 * i], Math.min(out, Math.floor((i + padding) / stride) + 1))
  }
  return table
}

export function planAvgPoolBackward(gradOutput: Float64Array, g: PoolGeometry, into?: Float64Array): PoolPlan<Float64Array> {
  const planes = planeCount(g)
  const inLength = planes * g.inH * g.inW
  const rowReach = reach(g.inH, g.outH, g.kernelH, g.strideH, g.padH)
  const colReach = reach(g.inW, g.outW, g.kernelW, g.strideW, g.padW)
  const { rowCounts, colCounts, override } = divisorFactors(
    g,
    avgPoolAxisWindows(g.outH, g.strideH, g.padH, g.kernelH, g.inH),
    avgPoolAxisWindows(g.outW, g.strideW, g.padW, g.kernelW, g.inW),
  )
  // stride 1: input columns reached by K whole consecutive windows go two at a time
  const w0 = Math.max(0, g.kernelW - 1 - g.padW)
  const w1 = g.strideW === 1 ? Math.max(w0, Math.min(g.inW, g.outW - g.padW)) : w0
  const memory = new MemoryLayout()
  const gyAt = memory.take(gradOutput.length * 8)
  const gxAt = memory.take(inLength * 8)
  const shareAt = memory.take(gradOutput.length * 8)
  const rowsAt = memory.take(rowReach.length * 4)
  const colsAt = memory.take(colReach.length * 4)
  const rowCountsAt = memory.take(rowCounts.length * 8)
  const colCountsAt = memory.take(colCounts.length * 8)
  // the shares a whole cell sums, as offsets from its first window's, row-major
  const taps = new Int32Array(g.kernelH * g.kernelW)
  for (let a = 0; a < g.kernelH; a++) for (let b = 0; b < g.kernelW; b++) taps[a * g.kernelW + b] = a * g.outW + b
  const tapsAt = memory.take(taps.length * 4)
  return {
    bytes: memory.bytes,
    pack(buffer) {
      new Int32Array(buffer, tapsAt, taps.length).set(taps)
      new Float64Array(buffer, gyAt, gradOutput.length).set(gradOutput)
      new Int32Array(buffer, rowsAt, rowReach.length).set(rowReach)
      new Int32Array(buffer, colsAt, colReach.length).set(colReach)
      new Float64Array(buffer, rowCountsAt, rowCounts.length).set(rowCounts)
      new Float64Array(buffer, colCountsAt, colCounts.length).set(colCounts)
    },
    call: {
      kernel: 'avgPoolBackward_f64',
      args: [
        ...[gyAt, gxAt, shareAt, planes, g.inH, g.inW, g.outH, g.outW, g.kernelW, g.strideW, rowsAt, colsAt, rowCountsAt, colCountsAt, override],
        ...[w0, w1, tapsAt, taps.length, g.kernelH],
      ],
    },
    unpack: (buffer) => copyOut(new Float64Array(buffer, gxAt, inLength), newFloat64, into),
  }
}
