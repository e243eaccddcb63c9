// The pooling kernels of core/wasm/pool.as laid out in memory: the planes, the window tables
// (first real cell and end per output row and column, from core's own window rules) and which
// columns have whole windows, so the kernels give core's TypeScript loops' numbers exactly.

import type { AvgPoolAxisWindows } from '../avg-pool2d'
import { avgPoolAxisWindows } from '../avg-pool2d'
import { maxPoolWindowRange } from '../max-pool2d'
import type { PoolGeometry } from '../pool-geometry'
import { MemoryLayout } from './memory-layout'
import type { KernelCall, KernelName } from './plans'

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

/** A plan's buffers in kernel memory: the arrays copied in by pack, then results and scratch. */
class Placement {
  private readonly memory = new MemoryLayout()
  private readonly inputs: Array<{ at: number; array: Float64Array | Int32Array }> = []

  /** Room for `array`, copied in at pack; its address. */
  put(array: Float64Array | Int32Array): number {
    const at = this.memory.take(array.byteLength)
    this.inputs.push({ at, array })
    return at
  }

  /** Room for `bytes` the kernel writes; its address. */
  take(bytes: number): number {
    return this.memory.take(bytes)
  }

  get bytes(): number {
    return this.memory.bytes
  }

  pack(buffer: ArrayBufferLike): void {
    for (const { at, array } of this.inputs) {
      if (array instanceof Float64Array) new Float64Array(buffer, at, array.length).set(array)
      else new Int32Array(buffer, at, array.length).set(array)
    }
  }
}

/** The plan of one kernel call on the placed buffers. */
function poolPlan<Result>(place: Placement, kernel: KernelName, args: number[], unpack: (buffer: ArrayBufferLike) => Result): PoolPlan<Result> {
  return { bytes: place.bytes, pack: (buffer) => place.pack(buffer), call: { kernel, args }, unpack }
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

/** The float64 result of `length` values at `at`, copied out. */
function float64Result(at: number, length: number, into?: Float64Array): (buffer: ArrayBufferLike) => Float64Array {
  return (buffer) => copyOut(new Float64Array(buffer, at, length), newFloat64, into)
}

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

/** MaxPool2d's window tables: first real cell and end per output row and per output column. */
function maxPoolWindows(g: PoolGeometry): { rows: Int32Array; cols: Int32Array } {
  const table = (out: number, stride: number, padding: number, dilation: number, kernel: number, size: number) => {
    const start = new Int32Array(out)
    const end = new Int32Array(out)
    maxPoolWindowRange(out, stride, padding, dilation, kernel, size, start, end)
    return pairs(start, end)
  }
  return {
    rows: table(g.outH, g.strideH, g.padH, g.dilationH, g.kernelH, g.inH),
    cols: table(g.outW, g.strideW, g.padW, g.dilationW, g.kernelW, g.inW),
  }
}

/**
 * Bytes of the row-maxima cache of the stride-1 kernel: per slot (one of the rows a window
 * spans) each whole column's maximum and position (8 + 8 bytes), a tag per slot, and one
 * window's table of slots (4 bytes a row).
 */
function rowCacheBytes(g: PoolGeometry, span: number, wholeCount: number): number {
  return g.strideW === 1 ? span * (16 * wholeCount + 4) + 4 * g.kernelH : 0
}

export function planMaxPool(x: Float64Array, g: PoolGeometry, into?: Float64Array): PoolPlan<{ output: Float64Array; indices: Int32Array }> {
  const planes = planeCount(g)
  const outLength = planes * g.outH * g.outW
  const { rows, cols } = maxPoolWindows(g)
  const place = new Placement()
  const xAt = place.put(x)
  const rowsAt = place.put(rows)
  const colsAt = place.put(cols)
  const yAt = place.take(outLength * 8)
  const idxAt = place.take(outLength * 4)
  const [j0, j1] = wholeColumns(g, g.dilationW * (g.kernelW - 1) + 1)
  // the rows one window spans (each keeps its row maxima in a slot of the cache)
  const span = g.dilationH * (g.kernelH - 1) + 1
  const cacheAt = place.take(rowCacheBytes(g, span, j1 - j0))
  return poolPlan(
    place,
    'maxPool_f64',
    [xAt, yAt, idxAt, planes, g.inH, g.inW, g.outH, g.outW, g.kernelW, g.strideW, g.dilationH, g.dilationW, rowsAt, colsAt, j0, j1, cacheAt, span],
    (buffer) => ({
      output: float64Result(yAt, outLength, into)(buffer),
      indices: copyOut(new Int32Array(buffer, idxAt, outLength), (length) => new Int32Array(length)),
    }),
  )
}

export function planMaxPoolBackward(gradOutput: Float64Array, indices: Int32Array, g: PoolGeometry, into?: Float64Array): PoolPlan<Float64Array> {
  const planes = planeCount(g)
  const inLength = planes * g.inH * g.inW
  const place = new Placement()
  const gyAt = place.put(gradOutput)
  const idxAt = place.put(indices)
  const gxAt = place.take(inLength * 8)
  return poolPlan(place, 'maxPoolBackward_f64', [gyAt, idxAt, gxAt, planes, g.inH * g.inW, g.outH * g.outW], float64Result(gxAt, inLength, into))
}

/**
 * AvgPool2d's windows on both axes (avgPoolAxisWindows), each axis's factor of the divisor
 * (avgPoolDivisors' rule: the window's span inside input + padding with count_include_pad, else
 * its real cells), and divisor_override or 0.
 */
function avgPoolWindows(g: PoolGeometry): {
  rows: AvgPoolAxisWindows
  cols: AvgPoolAxisWindows
  rowCounts: Float64Array
  colCounts: Float64Array
  override: number
} {
  const rows = avgPoolAxisWindows(g.outH, g.strideH, g.padH, g.kernelH, g.inH)
  const cols = avgPoolAxisWindows(g.outW, g.strideW, g.padW, g.kernelW, g.inW)
  const factor = (w: AvgPoolAxisWindows) => Float64Array.from(w.padded, (padded, k) => (g.countIncludePad ? padded : w.end[k] - w.start[k]))
  return { rows, cols, rowCounts: factor(rows), colCounts: factor(cols), override: g.divisorOverride ?? 0 }
}

export function planAvgPool(x: Float64Array, g: PoolGeometry, into?: Float64Array): PoolPlan<Float64Array> {
  const planes = planeCount(g)
  const outLength = planes * g.outH * g.outW
  const windows = avgPoolWindows(g)
  const whole = wholeWindows(g)
  const place = new Placement()
  const xAt = place.put(x)
  const rowsAt = place.put(pairs(windows.rows.start, windows.rows.end))
  const colsAt = place.put(pairs(windows.cols.start, windows.cols.end))
  const rowCountsAt = place.put(windows.rowCounts)
  const colCountsAt = place.put(windows.colCounts)
  const tapsAt = place.put(whole.taps)
  const yAt = place.take(outLength * 8)
  const [j0, j1] = wholeColumns(g, g.kernelW)
  return poolPlan(
    place,
    'avgPool_f64',
    [
      ...[xAt, yAt, planes, g.inH, g.inW, g.outH, g.outW, g.kernelW, g.strideW, rowsAt, colsAt, rowCountsAt, colCountsAt, windows.override, j0, j1],
      ...[tapsAt, whole.taps.length, whole.i0, whole.i1],
    ],
    float64Result(yAt, outLength, into),
  )
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
  const windows = avgPoolWindows(g)
  // stride 1: input columns reached by K whole consecutive windows go two at a time
  const w0 = Math.max(0, g.kernelW - 1 - g.padW)
  const w1 = g.strideW === 1 ? Math.max(w0, Math.min(g.inW, g.outW - g.padW)) : w0
  // the shares a whole cell sums, as offsets from its first window's, row-major
  const taps = new Int32Array(g.kernelH * g.kernelW)
  for (let a = 0; a < g.kernelH; a++) for (let b = 0; b < g.kernelW; b++) taps[a * g.kernelW + b] = a * g.outW + b
  const place = new Placement()
  const gyAt = place.put(gradOutput)
  const rowsAt = place.put(reach(g.inH, g.outH, g.kernelH, g.strideH, g.padH))
  const colsAt = place.put(reach(g.inW, g.outW, g.kernelW, g.strideW, g.padW))
  const rowCountsAt = place.put(windows.rowCounts)
  const colCountsAt = place.put(windows.colCounts)
  const tapsAt = place.put(taps)
  const windowColsAt = place.put(pairs(windows.cols.start, windows.cols.end))
  const gxAt = place.take(inLength * 8)
  const shareAt = place.take(gradOutput.length * 8)
  return poolPlan(
    place,
    'avgPoolBackward_f64',
    [
      ...[gyAt, gxAt, shareAt, planes, g.inH, g.inW, g.outH, g.outW, g.kernelW, g.strideW, rowsAt, colsAt, rowCountsAt, colCountsAt, windows.override],
      ...[w0, w1, tapsAt, taps.length, g.kernelH, g.strideH, windowColsAt],
    ],
    float64Result(gxAt, inLength, into),
  )
}
