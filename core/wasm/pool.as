// Pooling kernels for WebAssembly SIMD (compiled with conv.as by scripts/build-wasm.mjs): MaxPool2d
// with indices and AvgPool2d, forward and backward, float64, with exactly the results of core's
// TypeScript loops (core/max-pool2d.ts, core/avg-pool2d.ts: PyTorch's order of operations), so
// every lane does the scalar loop's operations in the scalar loop's order.
//
// The caller (core/fast/pools.ts) lays out the planes unpadded and, per output row and column,
// the first real cell and the end of the window (tables of i32), which output rows and columns
// have whole windows inside the input, and a whole window's cells as a flat row-major tap list.
// Whole windows go one f64x2 lane per output column, several vectors at a time in independent
// chains (at stride 1: 12 avg columns over the tap list; else 4, then 2); MaxPool2d at stride 1
// goes in two passes (row maxima, then each window's rows: maxPoolRows); the edge columns go one
// at a time. The order-preserving reasoning of each path is at its function.

/** Two f64 at address and address + step·8 (adjacent when step is 1). */
// @ts-ignore: decorator
@inline function loadPair(address: usize, step: usize): v128 {
  if (step == 1) return v128.load(address)
  return f64x2.replace_lane(f64x2.splat(load<f64>(address)), 1, load<f64>(address + step * 8))
}

/** Whether any of n f64 from x is NaN (then the max kernels test every value for NaN too). */
function anyNaN(x: usize, n: usize): bool {
  let seen = f64x2.splat(0)
  let k: usize = 0
  for (; k + 2 <= n; k += 2) {
    const v = v128.load(x + (k << 3))
    seen = v128.or(seen, f64x2.ne(v, v))
  }
  if (k < n) {
    const value = load<f64>(x + (k << 3))
    if (value != value) return true
  }
  return v128.any_true(seen)
}

/** [a0, a1, b0, b1] as i32x4 from two i64x2 (their low halves). */
// @ts-ignore: decorator
@inline function lowHalves(a: v128, b: v128): v128 {
  return i8x16.shuffle(a, b, 0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27)
}

/**
 * The new maximum where `take` holds: without NaN, pmax (max < v ? v : max, the same lanes as
 * `take`) keeps the chain to one instruction.
 */
// @ts-ignore: decorator
@inline function larger(v: v128, max: v128, take: v128, nanFree: bool): v128 {
  if (nanFree) return f64x2.pmax(max, v)
  return v128.bitselect(v, max, take)
}

/** The lanes where v takes the place of max: `v > max`, or NaN where the planes hold any. */
// @ts-ignore: decorator
@inline function takes(v: v128, max: v128, nanFree: bool): v128 {
  if (nanFree) return f64x2.gt(v, max)
  return v128.or(f64x2.gt(v, max), f64x2.ne(v, v))
}

/**
 * y, idx = max over each window, PyTorch's rule: start at −∞ with the window's first real cell,
 * take a cell when `value > max || value != value` (the first of equal maxima stays, the last NaN
 * wins). rows: [start, end) per output row (start the first real row, stepping by the dilation);
 * cols likewise per output column; columns j0..j1−1 have whole windows (start = j·sW − pW).
 * cache, span: maxPoolRows' row maxima, for horizontal stride 1 (unused otherwise).
 */
export function maxPool_f64(
  x: usize, y: usize, idx: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  kernelW: i32, strideW: i32, dilationH: i32, dilationW: i32, rows: usize, cols: usize, j0: i32, j1: i32, cache: usize, span: i32,
): void {
  if (strideW == 1) {
    maxPoolRows(x, y, idx, planes, inH, inW, outH, outW, kernelW, dilationH, dilationW, rows, cols, j0, j1, cache, span)
    return
  }
  const inPlane = <usize>(inH * inW)
  const step = <usize>strideW
  const minusInfinity = f64x2.splat(-Infinity)
  const laneOffsets = i64x2.replace_lane(i64x2.splat(0), 1, <i64>strideW)
  const farOffsets = i64x2.add(laneOffsets, i64x2.splat(<i64>(2 * strideW)))
  // without NaN, `value > max` alone decides (one test less per value)
  const nanFree = !anyNaN(x, <usize>planes * inPlane)
  let k: usize = 0
  for (let plane = 0; plane < planes; plane++) {
    const base = x + <usize>plane * inPlane * 8
    for (let i = 0; i < outH; i++) {
      const h0 = load<i32>(rows + (<usize>i << 3))
      const h1 = load<i32>(rows + (<usize>i << 3), 4)
      let j = 0
      while (j < outW) {
        if (j >= j0 && j + 3 < j1) {
          // four whole windows in two independent chains (columns j, j+1 and j+2, j+3): one
          // chain's compare and select wait on each other, two keep the core busy. The index
          // selected is the tap's position in lane 0's window; each lane's offset is added after.
          const c0 = load<i32>(cols + (<usize>j << 3))
          let maxA = minusInfinity
          let maxB = minusInfinity
          let atA = i64x2.splat(<i64>(h0 * inW + c0))
          let atB = atA
          for (let h = h0; h < h1; h += dilationH) {
            const row = h * inW
            for (let b = 0; b < kernelW; b++) {
              const at = row + c0 + b * dilationW
              const p = base + <usize>at * 8
              const vA = loadPair(p, step)
              const vB = loadPair(p + (step << 4), step)
              const atV = i64x2.splat(<i64>at)
              const takeA = takes(vA, maxA, nanFree)
              const takeB = takes(vB, maxB, nanFree)
              maxA = v128.bitselect(vA, maxA, takeA)
              maxB = v128.bitselect(vB, maxB, takeB)
              atA = v128.bitselect(atV, atA, takeA)
              atB = v128.bitselect(atV, atB, takeB)
            }
          }
          const indexA = i64x2.add(atA, laneOffsets)
          const indexB = i64x2.add(atB, farOffsets)
          v128.store(y + (k << 3), maxA)
          v128.store(y + (k << 3), maxB, 16)
          store<i32>(idx + (k << 2), <i32>i64x2.extract_lane(indexA, 0))
          store<i32>(idx + (k << 2), <i32>i64x2.extract_lane(indexA, 1), 4)
          store<i32>(idx + (k << 2), <i32>i64x2.extract_lane(indexB, 0), 8)
          store<i32>(idx + (k << 2), <i32>i64x2.extract_lane(indexB, 1), 12)
          k += 4
          j += 4
          continue
        }
        if (j >= j0 && j + 1 < j1) {
          // two whole windows: lane 0 column j, lane 1 column j + 1
          const c0 = load<i32>(cols + (<usize>j << 3))
          let max = minusInfinity
          let at0 = i64x2.splat(<i64>(h0 * inW + c0))
          for (let h = h0; h < h1; h += dilationH) {
            const row = h * inW
            for (let b = 0; b < kernelW; b++) {
              const at = row + c0 + b * dilationW
              const v = loadPair(base + <usize>at * 8, step)
              const take = takes(v, max, nanFree)
              max = v128.bitselect(v, max, take)
              at0 = v128.bitselect(i64x2.splat(<i64>at), at0, take)
            }
          }
          const index = i64x2.add(at0, laneOffsets)
          v128.store(y + (k << 3), max)
          store<i32>(idx + (k << 2), <i32>i64x2.extract_lane(index, 0))
          store<i32>(idx + (k << 2), <i32>i64x2.extract_lane(index, 1), 4)
          k += 2
          j += 2
          continue
        }
        scanWindow(base, inW, h0, h1, cols, j, dilationH, dilationW, y, idx, k)
        k++
        j++
      }
    }
  }
}

/**
 * Output column j's window scanned cell by cell (core's loop, for edge and odd columns): y[k],
 * idx[k] = the window's maximum and its flat position, by the rule above.
 */
// @ts-ignore: decorator
@inline function scanWindow(
  base: usize, inW: i32, h0: i32, h1: i32, cols: usize, j: i32, dilationH: i32, dilationW: i32, y: usize, idx: usize, k: usize,
): void {
  const w0 = load<i32>(cols + (<usize>j << 3))
  const w1 = load<i32>(cols + (<usize>j << 3), 4)
  let max = -Infinity
  let index = h0 * inW + w0
  for (let h = h0; h < h1; h += dilationH) {
    const row = h * inW
    for (let w = w0; w < w1; w += dilationW) {
      const value = load<f64>(base + <usize>(row + w) * 8)
      if (value > max || value != value) {
        max = value
        index = row + w
      }
    }
  }
  store<f64>(y + (k << 3), max)
  store<i32>(idx + (k << 2), index)
}

/**
 * MaxPool2d at horizontal stride 1 (maxPool_f64 sends it here) in two passes, with the scan's
 * results: each input row's maxima over the window's columns (with their positions), kept for
 * the output rows that share the row, then per output the maximum of its rows' maxima. Both
 * passes use the scan's rule (`value > max`, or NaN), and row-major order is rows first: the
 * first row holding the window's maximum, then its first column holding it, is the scan's first
 * maximum (±0 compare equal in both); the last row holding a NaN, then its last NaN, the scan's
 * last NaN. Starting a pass at its first cell instead of −∞ changes nothing: −∞ is not taken
 * from −∞ and keeps the first cell's position either way.
 * cache: `span` (the rows one window spans) slots of row maxima (f64) and their positions h·W + w
 * (i64) for the whole columns j0..j1−1, a tag per slot (2·the input row it holds, + 1 when that
 * row's cells hold a NaN: only then do its passes test for NaN) and one window's table of slots.
 * Whole columns go eight at a time (the last eight overlap the eight before them: the same
 * values written again); fewer than eight, and the edge columns, cell by cell.
 */
function maxPoolRows(
  x: usize, y: usize, idx: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  kernelW: i32, dilationH: i32, dilationW: i32, rows: usize, cols: usize, j0: i32, j1: i32, cache: usize, span: i32,
): void {
  const inPlane = <usize>(inH * inW)
  const rowBytes = j1 - j0 >= 8 ? <usize>(j1 - j0) << 3 : 0
  // the cells the first pass reads in a row: the whole columns' windows
  const rowCells = (rowBytes >> 3) + <usize>((kernelW - 1) * dilationW)
  const values = cache
  const positions = values + <usize>span * rowBytes
  const tags = positions + <usize>span * rowBytes
  const window = tags + (<usize>span << 2)
  // the first cell of column j0's window; column j0 + c starts c cells later
  const first = j1 > j0 ? load<i32>(cols + (<usize>j0 << 3)) : 0
  let k: usize = 0
  for (let plane = 0; plane < planes; plane++) {
    const base = x + <usize>plane * inPlane * 8
    // no row of this plane is kept yet
    memory.fill(tags, 0xff, <usize>span << 2)
    for (let i = 0; i < outH; i++) {
      const h0 = load<i32>(rows + (<usize>i << 3))
      const h1 = load<i32>(rows + (<usize>i << 3), 4)
      // the window's rows, each by its slot (its row maxima made when not kept)
      let count: usize = 0
      let nan = false
      for (let h = h0; h < h1 && rowBytes > 0; h += dilationH) {
        const slot = <usize>(h % span)
        const at = slot * rowBytes
        let tag = load<i32>(tags + (slot << 2))
        if (tag >> 1 != h) {
          const source = base + <usize>(h * inW + first) * 8
          const rowNaN = anyNaN(source, rowCells)
          tag = (h << 1) | <i32>rowNaN
          store<i32>(tags + (slot << 2), tag)
          const origin = <i64>(h * inW + first)
          if (rowNaN) rowMaxima(source, origin, rowBytes, kernelW, dilationW, values + at, positions + at, false)
          else rowMaxima(source, origin, rowBytes, kernelW, dilationW, values + at, positions + at, true)
        }
        nan = nan || (tag & 1) != 0
        store<i32>(window + (count << 2), <i32>at)
        count++
      }
      const start = k + <usize>j0
      if (count > 0) {
        if (nan) windowMaxima(values, positions, window, count, rowBytes, y + (start << 3), idx + (start << 2), false)
        else windowMaxima(values, positions, window, count, rowBytes, y + (start << 3), idx + (start << 2), true)
      }
      for (let j = 0; j < outW; j++) {
        if (j == j0 && count > 0) j = j1
        if (j < outW) scanWindow(base, inW, h0, h1, cols, j, dilationH, dilationW, y, idx, k + <usize>j)
      }
      k += <usize>outW
    }
  }
}

/**
 * One input row's maxima over each whole column's window columns, eight columns at a time:
 * values and positions (origin + the column + the offset of its maximum) from `values`, `positions`.
 */
// @ts-ignore: decorator
@inline function rowMaxima(
  source: usize, origin: i64, rowBytes: usize, kernelW: i32, dilationW: i32, values: usize, positions: usize, nanFree: bool,
): void {
  const lanes = i64x2.add(i64x2.splat(origin), i64x2.replace_lane(i64x2.splat(0), 1, 1))
  const two = i64x2.splat(2)
  for (let c: usize = 0; ; c += 64) {
    if (c + 64 > rowBytes) c = rowBytes - 64
    const p = source + c
    let maxA = v128.load(p), maxB = v128.load(p, 16), maxC = v128.load(p, 32), maxD = v128.load(p, 48)
    let atA = i64x2.splat(0), atB = atA, atC = atA, atD = atA
    for (let b = 1; b < kernelW; b++) {
      const step = b * dilationW
      const q = p + (<usize>step << 3)
      const stepV = i64x2.splat(<i64>step)
      const vA = v128.load(q), vB = v128.load(q, 16), vC = v128.load(q, 32), vD = v128.load(q, 48)
      const tA = takes(vA, maxA, nanFree), tB = takes(vB, maxB, nanFree)
      const tC = takes(vC, maxC, nanFree), tD = takes(vD, maxD, nanFree)
      maxA = larger(vA, maxA, tA, nanFree); maxB = larger(vB, maxB, tB, nanFree)
      maxC = larger(vC, maxC, tC, nanFree); maxD = larger(vD, maxD, tD, nanFree)
      atA = v128.bitselect(stepV, atA, tA); atB = v128.bitselect(stepV, atB, tB)
      atC = v128.bitselect(stepV, atC, tC); atD = v128.bitselect(stepV, atD, tD)
    }
    const column = i64x2.add(lanes, i64x2.splat(<i64>(c >> 3)))
    const vp = values + c
    const pp = positions + c
    v128.store(vp, maxA); v128.store(vp, maxB, 16); v128.store(vp, maxC, 32); v128.store(vp, maxD, 48)
    v128.store(pp, i64x2.add(atA, column))
    v128.store(pp, i64x2.add(atB, i64x2.add(column, two)), 16)
    v128.store(pp, i64x2.add(atC, i64x2.add(column, i64x2.add(two, two))), 32)
    v128.store(pp, i64x2.add(atD, i64x2.add(column, i64x2.splat(6))), 48)
    if (c + 64 >= rowBytes) break
  }
}

/**
 * Each whole column's maximum over the window's `count` rows (their slots in `window`), eight
 * columns at a time, written to y and (as i32) idx from the window's first whole column.
 */
// @ts-ignore: decorator
@inline function windowMaxima(
  values: usize, positions: usize, window: usize, count: usize, rowBytes: usize, y: usize, idx: usize, nanFree: bool,
): void {
  for (let c: usize = 0; ; c += 64) {
    if (c + 64 > rowBytes) c = rowBytes - 64
    const at = <usize>load<i32>(window) + c
    let maxA = v128.load(values + at), maxB = v128.load(values + at, 16)
    let maxC = v128.load(values + at, 32), maxD = v128.load(values + at, 48)
    let atA = v128.load(positions + at), atB = v128.load(positions + at, 16)
    let atC = v128.load(positions + at, 32), atD = v128.load(positions + at, 48)
    for (let a: usize = 1; a < count; a++) {
      const row = <usize>load<i32>(window + (a << 2)) + c
      const vA = v128.load(values + row), vB = v128.load(values + row, 16)
      const vC = v128.load(values + row, 32), vD = v128.load(values + row, 48)
      const tA = takes(vA, maxA, nanFree), tB = takes(vB, maxB, nanFree)
      const tC = takes(vC, maxC, nanFree), tD = takes(vD, maxD, nanFree)
      maxA = larger(vA, maxA, tA, nanFree); maxB = larger(vB, maxB, tB, nanFree)
      maxC = larger(vC, maxC, tC, nanFree); maxD = larger(vD, maxD, tD, nanFree)
      atA = v128.bitselect(v128.load(positions + row), atA, tA)
      atB = v128.bitselect(v128.load(positions + row, 16), atB, tB)
      atC = v128.bitselect(v128.load(positions + row, 32), atC, tC)
      atD = v128.bitselect(v128.load(positions + row, 48), atD, tD)
    }
    const yp = y + c
    v128.store(yp, maxA); v128.store(yp, maxB, 16); v128.store(yp, maxC, 32); v128.store(yp, maxD, 48)
    // the low halves of the i64 lanes (the indices fit in i32) as four i32 per store
    const ip = idx + (c >> 1)
    v128.store(ip, lowHalves(atA, atB))
    v128.store(ip, lowHalves(atC, atD), 16)
    if (c + 64 >= rowBytes) break
  }
}

/** dx[idx[k]] += dy[k] plane by plane, in the order of k (dx is zeroed here). */
export function maxPoolBackward_f64(gy: usize, idx: usize, gx: usize, planes: i32, inPlane: i32, outPlane: i32): void {
  memory.fill(gx, 0, <usize>planes * <usize>inPlane * 8)
  let k: usize = 0
  for (let plane = 0; plane < planes; plane++) {
    const base = gx + <usize>plane * <usize>inPlane * 8
    const end = k + <usize>outPlane
    for (; k < end; k++) {
      const at = base + (<usize>load<i32>(idx + (k << 2)) << 3)
      store<f64>(at, load<f64>(at) + load<f64>(gy + (k << 3)))
    }
  }
}

/**
 * The divisors of output row i's windows: `fixedDivisor` (when not 0) or rowCount[i]·colCount[j]
 * (whole numbers: the product is exact, as core's), for columns j..j+1 from `cols` (f64 each).
 */
// @ts-ignore: decorator
@inline function divisorPair(rowCount: f64, colCounts: usize, fixedDivisor: f64): v128 {
  if (fixedDivisor != 0) return f64x2.splat(fixedDivisor)
  return f64x2.mul(f64x2.splat(rowCount), v128.load(colCounts))
}

/**
 * y = (Σ of the window's real cells, row-major in one running sum) / divisor, 0 for a window
 * without real cells. rows, cols: [start, end) of the real cells per output row / column;
 * rowCounts, colCounts: each axis's factor of the divisor (f64); fixedDivisor: divisor_override or 0;
 * columns j0..j1−1 have whole windows.
 */
export function avgPool_f64(
  x: usize, y: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  kernelW: i32, strideW: i32, rows: usize, cols: usize, rowCounts: usize, colCounts: usize, fixedDivisor: f64, j0: i32, j1: i32,
  taps: usize, tapCount: i32, i0: i32, i1: i32,
): void {
  const inPlane = <usize>(inH * inW)
  const tapsEnd = taps + (<usize>tapCount << 2)
  const step = <usize>strideW
  const zero = f64x2.splat(0)
  let k: usize = 0
  for (let plane = 0; plane < planes; plane++) {
    const base = x + <usize>plane * inPlane * 8
    for (let i = 0; i < outH; i++) {
      const h0 = load<i32>(rows + (<usize>i << 3))
      const h1 = load<i32>(rows + (<usize>i << 3), 4)
      const rowCount = load<f64>(rowCounts + (<usize>i << 3))
      let j = 0
      while (j < outW) {
        if (step == 1 && i >= i0 && i < i1 && j >= j0 && j + 11 < j1) {
          // stride 1, twelve whole windows in six running sums over the flat tap list (row-major)
          const c0 = load<i32>(cols + (<usize>j << 3))
          const first = base + <usize>(h0 * inW + c0) * 8
          let s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero, s5 = zero
          for (let op = taps; op < tapsEnd; op += 4) {
            const p = first + (<usize>load<i32>(op) << 3)
            s0 = f64x2.add(s0, v128.load(p))
            s1 = f64x2.add(s1, v128.load(p, 16))
            s2 = f64x2.add(s2, v128.load(p, 32))
            s3 = f64x2.add(s3, v128.load(p, 48))
            s4 = f64x2.add(s4, v128.load(p, 64))
            s5 = f64x2.add(s5, v128.load(p, 80))
          }
          const c = colCounts + (<usize>j << 3)
          const yp = y + (k << 3)
          v128.store(yp, f64x2.div(s0, divisorPair(rowCount, c, fixedDivisor)))
          v128.store(yp, f64x2.div(s1, divisorPair(rowCount, c + 16, fixedDivisor)), 16)
          v128.store(yp, f64x2.div(s2, divisorPair(rowCount, c + 32, fixedDivisor)), 32)
          v128.store(yp, f64x2.div(s3, divisorPair(rowCount, c + 48, fixedDivisor)), 48)
          v128.store(yp, f64x2.div(s4, divisorPair(rowCount, c + 64, fixedDivisor)), 64)
          v128.store(yp, f64x2.div(s5, divisorPair(rowCount, c + 80, fixedDivisor)), 80)
          k += 12
          j += 12
          continue
        }
        if (j >= j0 && j + 3 < j1 && h0 < h1) {
          // four whole windows in two independent running sums (columns j, j+1 and j+2, j+3)
          const c0 = load<i32>(cols + (<usize>j << 3))
          let sumA = zero
          let sumB = zero
          for (let h = h0; h < h1; h++) {
            const row = base + <usize>(h * inW + c0) * 8
            for (let b = 0; b < kernelW; b++) {
              const p = row + <usize>b * 8
              sumA = f64x2.add(sumA, loadPair(p, step))
              sumB = f64x2.add(sumB, loadPair(p + (step << 4), step))
            }
          }
          const c = colCounts + (<usize>j << 3)
          v128.store(y + (k << 3), f64x2.div(sumA, divisorPair(rowCount, c, fixedDivisor)))
          v128.store(y + (k << 3), f64x2.div(sumB, divisorPair(rowCount, c + 16, fixedDivisor)), 16)
          k += 4
          j += 4
          continue
        }
        if (j >= j0 && j + 1 < j1 && h0 < h1) {
          const c0 = load<i32>(cols + (<usize>j << 3))
          let sum = zero
          for (let h = h0; h < h1; h++) {
            const row = base + <usize>(h * inW + c0) * 8
            for (let b = 0; b < kernelW; b++) sum = f64x2.add(sum, loadPair(row + <usize>b * 8, step))
          }
          v128.store(y + (k << 3), f64x2.div(sum, divisorPair(rowCount, colCounts + (<usize>j << 3), fixedDivisor)))
          k += 2
          j += 2
          continue
        }
        const w0 = load<i32>(cols + (<usize>j << 3))
        const w1 = load<i32>(cols + (<usize>j << 3), 4)
        let sum: f64 = 0
        for (let h = h0; h < h1; h++) {
          const row = base + <usize>(h * inW) * 8
          for (let w = w0; w < w1; w++) sum += load<f64>(row + <usize>w * 8)
        }
        const divisor = fixedDivisor != 0 ? fixedDivisor : rowCount * load<f64>(colCounts + (<usize>j << 3))
        store<f64>(y + (k << 3), h0 < h1 && w0 < w1 ? sum / divisor : 0)
        k++
        j++
      }
    }
  }
}

/** share = dy / divisor per output cell (all planes), the divisors as in avgPool_f64. */
// @ts-ignore: decorator
@inline function computeShares(gy: usize, share: usize, planes: i32, outH: i32, outW: i32, rowCounts: usize, colCounts: usize, fixedDivisor: f64): void {
  let k: usize = 0
  for (let plane = 0; plane < planes; plane++) {
    for (let i = 0; i < outH; i++) {
      const rowCount = load<f64>(rowCounts + (<usize>i << 3))
      let j = 0
      for (; j + 1 < outW; j += 2) {
        const at = (k + <usize>j) << 3
        v128.store(share + at, f64x2.div(v128.load(gy + at), divisorPair(rowCount, colCounts + (<usize>j << 3), fixedDivisor)))
      }
      if (j < outW) {
        const divisor = fixedDivisor != 0 ? fixedDivisor : rowCount * load<f64>(colCounts + (<usize>j << 3))
        store<f64>(share + ((k + <usize>j) << 3), load<f64>(gy + ((k + <usize>j) << 3)) / divisor)
      }
      k += <usize>outW
    }
  }
}

/** v in every cell of row[from, to) (pairs, then one). */
// @ts-ignore: decorator
@inline function fill(row: usize, from: i32, to: i32, v: v128): void {
  let q = from
  for (; q + 1 < to; q += 2) v128.store(row + (<usize>q << 3), v)
  if (q < to) v128.store64_lane(row + (<usize>q << 3), v, 0)
}

/**
 * dx of AvgPool2d when windows do not overlap (stride ≥ kernel on both axes; avgPoolBackward_f64
 * sends it here): each input cell
 * is in one window at most, so it gets 0 + that window's share (as core's scatter adds it to
 * its zero) or 0; every row is written once, window by window. rowReach as in
 * avgPoolBackward_f64 (at most one output row per input row); cols: [start, end) of each
 * window's real columns; the divisors as in avgPool_f64.
 */
function avgPoolBackwardSpread(
  gy: usize, gx: usize, share: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  rowReach: usize, cols: usize, rowCounts: usize, colCounts: usize, fixedDivisor: f64,
): void {
  computeShares(gy, share, planes, outH, outW, rowCounts, colCounts, fixedDivisor)
  const zero = f64x2.splat(0)
  for (let plane = 0; plane < planes; plane++) {
    const planeShares = share + <usize>(plane * outH * outW) * 8
    const out = gx + <usize>(plane * inH * inW) * 8
    for (let h = 0; h < inH; h++) {
      const i0 = load<i32>(rowReach + (<usize>h << 3))
      const i1 = load<i32>(rowReach + (<usize>h << 3), 4)
      const row = out + <usize>(h * inW) * 8
      if (i0 >= i1) {
        memory.fill(row, 0, <usize>inW << 3)
        continue
      }
      const rowShares = planeShares + <usize>(i0 * outW) * 8
      let w = 0
      for (let j = 0; j < outW; j++) {
        const c0 = load<i32>(cols + (<usize>j << 3))
        const c1 = load<i32>(cols + (<usize>j << 3), 4)
        if (c0 >= c1) continue
        fill(row, w, c0, zero)
        fill(row, c0, c1, f64x2.splat(0 + load<f64>(rowShares + (<usize>j << 3))))
        w = c1
      }
      fill(row, w, inW, zero)
    }
  }
}

/**
 * dx of AvgPool2d gathered: each input cell sums share = dy / divisor of the windows holding
 * it, in the order of the windows (row-major), which is the order core's scatter adds them in.
 * share: scratch of one f64 per output cell (all planes); the divisors as in avgPool_f64.
 * reach: per input row [first, last+1)
 * of the output rows whose window holds it; likewise per input column. Input columns w0..w1−1
 * are reached by exactly kernelW consecutive output columns each (stride 1 only: two at a time).
 * cols: [start, end) of each window's real columns (for the spread above).
 */
export function avgPoolBackward_f64(
  gy: usize, gx: usize, share: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  kernelW: i32, strideW: i32, rowReach: usize, colReach: usize, rowCounts: usize, colCounts: usize, fixedDivisor: f64,
  w0: i32, w1: i32, taps: usize, tapCount: i32, kernelH: i32, strideH: i32, cols: usize,
): void {
  if (strideH >= kernelH && strideW >= kernelW) {
    avgPoolBackwardSpread(gy, gx, share, planes, inH, inW, outH, outW, rowReach, cols, rowCounts, colCounts, fixedDivisor)
    return
  }
  const outPlane = <usize>(outH * outW)
  const tapsEnd = taps + (<usize>tapCount << 2)
  computeShares(gy, share, planes, outH, outW, rowCounts, colCounts, fixedDivisor)
  const zero = f64x2.splat(0)
  for (let plane = 0; plane < planes; plane++) {
    const shares = share + <usize>plane * outPlane * 8
    const out = gx + <usize>(plane * inH * inW) * 8
    for (let h = 0; h < inH; h++) {
      const i0 = load<i32>(rowReach + (<usize>h << 3))
      const i1 = load<i32>(rowReach + (<usize>h << 3), 4)
      const row = out + <usize>(h * inW) * 8
      // rows reached by kernelH windows: whole cells go twelve at a time over the flat list of
      // the windows' shares (row-major offsets, the order core's scatter adds them in)
      const wholeRow = strideW == 1 && i1 - i0 == kernelH
      let w = 0
      while (w < inW) {
        if (wholeRow && w >= w0 && w + 11 < w1) {
          const first = shares + <usize>(i0 * outW + load<i32>(colReach + (<usize>w << 3))) * 8
          let s0 = zero, s1 = zero, s2 = zero, s3 = zero, s4 = zero, s5 = zero
          for (let op = taps; op < tapsEnd; op += 4) {
            const p = first + (<usize>load<i32>(op) << 3)
            s0 = f64x2.add(s0, v128.load(p))
            s1 = f64x2.add(s1, v128.load(p, 16))
            s2 = f64x2.add(s2, v128.load(p, 32))
            s3 = f64x2.add(s3, v128.load(p, 48))
            s4 = f64x2.add(s4, v128.load(p, 64))
            s5 = f64x2.add(s5, v128.load(p, 80))
          }
          const q = row + <usize>w * 8
          v128.store(q, s0); v128.store(q, s1, 16); v128.store(q, s2, 32)
          v128.store(q, s3, 48); v128.store(q, s4, 64); v128.store(q, s5, 80)
          w += 12
          continue
        }
        if (strideW == 1 && w >= w0 && w + 3 < w1) {
          // cells w..w+3 in two independent sums
          const first = load<i32>(colReach + (<usize>w << 3))
          let sumA = zero
          let sumB = zero
          for (let i = i0; i < i1; i++) {
            const s = shares + <usize>(i * outW + first) * 8
            for (let b = 0; b < kernelW; b++) {
              sumA = f64x2.add(sumA, v128.load(s + <usize>b * 8))
              sumB = f64x2.add(sumB, v128.load(s + <usize>b * 8, 16))
            }
          }
          v128.store(row + <usize>w * 8, sumA)
          v128.store(row + <usize>w * 8, sumB, 16)
          w += 4
          continue
        }
        if (strideW == 1 && w >= w0 && w + 1 < w1) {
          // lane 0 cell w, lane 1 cell w + 1: their windows are the same columns shifted by one
          const first = load<i32>(colReach + (<usize>w << 3))
          let sum = zero
          for (let i = i0; i < i1; i++) {
            const s = shares + <usize>(i * outW + first) * 8
            for (let b = 0; b < kernelW; b++) sum = f64x2.add(sum, v128.load(s + <usize>b * 8))
          }
          v128.store(row + <usize>w * 8, sum)
          w += 2
          continue
        }
        const j0 = load<i32>(colReach + (<usize>w << 3))
        const j1 = load<i32>(colReach + (<usize>w << 3), 4)
        if (i1 - i0 == 1 && j1 - j0 == 1) {
          // one window holds the cell (stride ≥ kernel): 0 + its share, as core's scatter adds it
          store<f64>(row + <usize>w * 8, 0 + load<f64>(shares + <usize>(i0 * outW + j0) * 8))
          w++
          continue
        }
        let sum: f64 = 0
        for (let i = i0; i < i1; i++) {
          const s = shares + <usize>(i * outW) * 8
          for (let j = j0; j < j1; j++) sum += load<f64>(s + <usize>j * 8)
        }
        store<f64>(row + <usize>w * 8, sum)
        w++
      }
    }
  }
}
