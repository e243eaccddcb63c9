// Pooling kernels for WebAssembly SIMD (compiled with conv.as by scripts/build-wasm.mjs): MaxPool2d
// with indices and AvgPool2d, forward and backward, float64, with exactly the results of core's
// TypeScript loops (core/max-pool2d.ts, core/avg-pool2d.ts: PyTorch's order of operations), so
// every lane does the scalar loop's operations in the scalar loop's order.
//
// The caller (core/fast/pools.ts) lays out the planes unpadded and, per output row and column,
// the first real cell and the end of the window (tables of i32), and which output columns have
// whole windows inside the input: those go two at a time (one f64x2 lane per output column),
// the edge columns one at a time.

/** Two f64 at address and address + step·8 (adjacent when step is 1). */
// @ts-ignore: decorator
@inline function loadPair(address: usize, step: usize): v128 {
  if (step == 1) return v128.load(address)
  return f64x2.replace_lane(f64x2.splat(load<f64>(address)), 1, load<f64>(address + step * 8))
}

/**
 * y, idx = max over each window, PyTorch's rule: start at −∞ with the window's first real cell,
 * take a cell when `value > max || value != value` (the first of equal maxima stays, the last NaN
 * wins). rows: [start, end) per output row (start the first real row, stepping by the dilation);
 * cols likewise per output column; columns j0..j1−1 have whole windows (start = j·sW − pW).
 */
export function maxPool_f64(
  x: usize, y: usize, idx: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  kernelW: i32, strideW: i32, dilationH: i32, dilationW: i32, rows: usize, cols: usize, j0: i32, j1: i32,
): void {
  const inPlane = <usize>(inH * inW)
  const step = <usize>strideW
  const minusInfinity = f64x2.splat(-Infinity)
  const laneOffsets = i64x2.replace_lane(i64x2.splat(0), 1, <i64>strideW)
  const farOffsets = i64x2.add(laneOffsets, i64x2.splat(<i64>(2 * strideW)))
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
          // chain's compare and select wait on each other, two keep the core busy
          const c0 = load<i32>(cols + (<usize>j << 3))
          let maxA = minusInfinity
          let maxB = minusInfinity
          const first = i64x2.splat(<i64>(h0 * inW + c0))
          let indexA = i64x2.add(first, laneOffsets)
          let indexB = i64x2.add(first, farOffsets)
          for (let h = h0; h < h1; h += dilationH) {
            const row = h * inW
            for (let b = 0; b < kernelW; b++) {
              const at = row + c0 + b * dilationW
              const p = base + <usize>at * 8
              const vA = loadPair(p, step)
              const vB = loadPair(p + (step << 4), step)
              const atV = i64x2.splat(<i64>at)
              const takeA = v128.or(f64x2.gt(vA, maxA), f64x2.ne(vA, vA))
              const takeB = v128.or(f64x2.gt(vB, maxB), f64x2.ne(vB, vB))
              maxA = v128.bitselect(vA, maxA, takeA)
              maxB = v128.bitselect(vB, maxB, takeB)
              indexA = v128.bitselect(i64x2.add(atV, laneOffsets), indexA, takeA)
              indexB = v128.bitselect(i64x2.add(atV, farOffsets), indexB, takeB)
            }
          }
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
          let index = i64x2.add(i64x2.splat(<i64>(h0 * inW + c0)), laneOffsets)
          for (let h = h0; h < h1; h += dilationH) {
            const row = h * inW
            for (let b = 0; b < kernelW; b++) {
              const at = row + c0 + b * dilationW
              const v = loadPair(base + <usize>at * 8, step)
              const take = v128.or(f64x2.gt(v, max), f64x2.ne(v, v))
              max = v128.bitselect(v, max, take)
              index = v128.bitselect(i64x2.add(i64x2.splat(<i64>at), laneOffsets), index, take)
            }
          }
          v128.store(y + (k << 3), max)
          store<i32>(idx + (k << 2), <i32>i64x2.extract_lane(index, 0))
          store<i32>(idx + (k << 2), <i32>i64x2.extract_lane(index, 1), 4)
          k += 2
          j += 2
          continue
        }
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
        k++
        j++
      }
    }
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
): void {
  const inPlane = <usize>(inH * inW)
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

/**
 * dx of AvgPool2d gathered: each input cell sums share = dy / divisor of the windows holding
 * it, in the order of the windows (row-major), which is the order core's scatter adds them in.
 * share: scratch of one f64 per output cell (all planes); the divisors as in avgPool_f64.
 * reach: per input row [first, last+1)
 * of the output rows whose window holds it; likewise per input column. Input columns w0..w1−1
 * are reached by exactly kernelW consecutive output columns each (stride 1 only: two at a time).
 */
export function avgPoolBackward_f64(
  gy: usize, gx: usize, share: usize, planes: i32, inH: i32, inW: i32, outH: i32, outW: i32,
  kernelW: i32, strideW: i32, rowReach: usize, colReach: usize, rowCounts: usize, colCounts: usize, fixedDivisor: f64,
  w0: i32, w1: i32,
): void {
  const outPlane = <usize>(outH * outW)
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
  const zero = f64x2.splat(0)
  for (let plane = 0; plane < planes; plane++) {
    const shares = share + <usize>plane * outPlane * 8
    const out = gx + <usize>(plane * inH * inW) * 8
    for (let h = 0; h < inH; h++) {
      const i0 = load<i32>(rowReach + (<usize>h << 3))
      const i1 = load<i32>(rowReach + (<usize>h << 3), 4)
      const row = out + <usize>(h * inW) * 8
      let w = 0
      while (w < inW) {
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
