// Grad-weight of a 3 × 3 stride-1 float64 convolution with Winograd F(2×2, 3×3), in the same
// AssemblyScript module as conv.as (its `madd`). For tiles of 2 × 2 outputs, with
// V = Bᵀ·d·B (d: the tile's 4 × 4 padded input) and dM = A·dY·Aᵀ (dY: its 2 × 2 dE/dy),
// dU[m, c] = Σ_tiles dM[m] ⊙ V[c] (16 products per tile instead of 36 for the direct sum);
// the caller sums the parts and turns dU into dE/dw = Gᵀ·dU·G (core/fast/winograd-grad.ts).
//
// Vectors hold two tiles side by side (a "pair": 4 output columns). Pairs are transformed into
// a scratch strip of `pairs` slots (V for every input channel, dM for every output channel),
// which stays in cache while the register block (4 output × 2 input channels, 8 accumulators,
// as in conv.as) passes over it; a strip runs across tile rows, so small images fill it too.

/** All-ones in lane 0 only: keeps the first tile of a pair whose second is past the output. */
const WGRAD_FIRST_TILE: v128 = v128(-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0)
const WGRAD_BOTH_TILES: v128 = v128(-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1)

/**
 * The four V = Bᵀ·d·B values of row ρ of a pair (Bᵀ's row ρ already applied to the input rows:
 * a, b, c hold columns 0-1, 2-3 and 4-5 of the pair), stored at v, v + stride, v + 2·stride, ….
 */
// @ts-ignore: decorator
@inline function wgradInputRow(a: v128, b: v128, c: v128, v: usize, stride: usize, masked: bool, keep: v128): void {
  const d0 = f64x2.shuffle(a, b, 0, 2)
  const d1 = f64x2.shuffle(a, b, 1, 3)
  const d2 = f64x2.shuffle(b, c, 0, 2)
  const d3 = f64x2.shuffle(b, c, 1, 3)
  let e0 = f64x2.sub(d0, d2)
  let e1 = f64x2.add(d1, d2)
  let e2 = f64x2.sub(d2, d1)
  let e3 = f64x2.sub(d1, d3)
  if (masked) {
    e0 = v128.and(e0, keep)
    e1 = v128.and(e1, keep)
    e2 = v128.and(e2, keep)
    e3 = v128.and(e3, keep)
  }
  v128.store(v, e0)
  v128.store(v + stride, e1)
  v128.store(v + 2 * stride, e2)
  v128.store(v + 3 * stride, e3)
}

/**
 * V of one pair of tiles of one input channel: rows r0..r3 point at the pair's first column
 * (r3 may be a zero row); ξ = 4ρ + κ goes to v + ξ·stride.
 */
// @ts-ignore: decorator
@inline function wgradInputPair(r0: usize, r1: usize, r2: usize, r3: usize, v: usize, stride: usize, masked: bool, keep: v128): void {
  // Bᵀ rows: [1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]
  let a1 = v128.load(r1), b1 = v128.load(r1, 16), c1 = v128.load(r1, 32)
  let a2 = v128.load(r2), b2 = v128.load(r2, 16), c2 = v128.load(r2, 32)
  wgradInputRow(f64x2.add(a1, a2), f64x2.add(b1, b2), f64x2.add(c1, c2), v + 4 * stride, stride, masked, keep)
  wgradInputRow(f64x2.sub(a2, a1), f64x2.sub(b2, b1), f64x2.sub(c2, c1), v + 8 * stride, stride, masked, keep)
  wgradInputRow(
    f64x2.sub(v128.load(r0), a2), f64x2.sub(v128.load(r0, 16), b2), f64x2.sub(v128.load(r0, 32), c2),
    v, stride, masked, keep,
  )
  wgradInputRow(
    f64x2.sub(a1, v128.load(r3)), f64x2.sub(b1, v128.load(r3, 16)), f64x2.sub(c1, v128.load(r3, 32)),
    v + 12 * stride, stride, masked, keep,
  )
}

/** The four dM = A·dY·Aᵀ values of row ρ of a pair (A's row ρ applied: a, b hold columns 0-1, 2-3). */
// @ts-ignore: decorator
@inline function wgradGradientRow(a: v128, b: v128, v: usize, stride: usize): void {
  // Aᵀ columns on the right: [1, 1, 1, 0], [0, 1, −1, −1]
  const e0 = f64x2.shuffle(a, b, 0, 2)
  const e1 = f64x2.shuffle(a, b, 1, 3)
  v128.store(v, e0)
  v128.store(v + stride, f64x2.add(e0, e1))
  v128.store(v + 2 * stride, f64x2.sub(e0, e1))
  v128.store(v + 3 * stride, f64x2.neg(e1))
}

/** dM of one pair of one output channel from its two dE/dy rows (columns past the output masked). */
// @ts-ignore: decorator
@inline function wgradGradientPair(y0: usize, y1: usize, v: usize, stride: usize, masked: bool, keepA: v128, keepB: v128): void {
  let a0 = v128.load(y0), b0 = v128.load(y0, 16)
  let a1 = v128.load(y1), b1 = v128.load(y1, 16)
  if (masked) {
    a0 = v128.and(a0, keepA)
    a1 = v128.and(a1, keepA)
    b0 = v128.and(b0, keepB)
    b1 = v128.and(b1, keepB)
  }
  // A rows: [1, 0], [1, 1], [1, −1], [0, −1]
  wgradGradientRow(a0, b0, v, stride)
  wgradGradientRow(f64x2.add(a0, a1), f64x2.add(b0, b1), v + 4 * stride, stride)
  wgradGradientRow(f64x2.sub(a0, a1), f64x2.sub(b0, b1), v + 8 * stride, stride)
  wgradGradientRow(f64x2.neg(a1), f64x2.neg(b1), v + 12 * stride, stride)
}

/** Pairs of tiles per strip (core/fast/winograd-grad.ts WGRAD_PAIRS): a constant, so that the
 * register block's six rows are one pointer each plus constant offsets (no address additions). */
const WGRAD_PAIRS: i32 = 32
const WGRAD_SLOT: usize = <usize>WGRAD_PAIRS << 4 // bytes of one row of a strip

/**
 * du[ξ][m/4][c/2][4 × 2 vectors] += Σ over the strip's `count` pairs of dM[ξ][m] · V[ξ][c], for
 * every ξ, m < outBlocks·4, c < inPairs·2 (padding channels are zero rows of the strip).
 */
function wgradAccumulate(vs: usize, ms: usize, du: usize, inPairs: i32, outBlocks: i32, vStride: usize, mStride: usize, count: i32): void {
  const end = <usize>count << 4
  let d = du
  for (let xi: usize = 0; xi < 16; xi++) {
    const vx = vs + xi * vStride
    const mx = ms + xi * mStride
    for (let mb: usize = 0; mb < <usize>outBlocks; mb++) {
      const g = mx + mb * 4 * WGRAD_SLOT
      for (let cb: usize = 0; cb < <usize>inPairs; cb++) {
        const v = vx + cb * 2 * WGRAD_SLOT
        let a00 = f64x2.splat(0), a01 = a00
        let a10 = a00, a11 = a00
        let a20 = a00, a21 = a00
        let a30 = a00, a31 = a00
        for (let s: usize = 0; s < end; s += 16) {
          const vp = v + s
          const gp = g + s
          const x0 = v128.load(vp)
          const x1 = v128.load(vp, WGRAD_SLOT)
          let gv = v128.load(gp)
          a00 = madd<f64>(gv, x0, a00); a01 = madd<f64>(gv, x1, a01)
          gv = v128.load(gp, WGRAD_SLOT)
          a10 = madd<f64>(gv, x0, a10); a11 = madd<f64>(gv, x1, a11)
          gv = v128.load(gp, 2 * WGRAD_SLOT)
          a20 = madd<f64>(gv, x0, a20); a21 = madd<f64>(gv, x1, a21)
          gv = v128.load(gp, 3 * WGRAD_SLOT)
          a30 = madd<f64>(gv, x0, a30); a31 = madd<f64>(gv, x1, a31)
        }
        v128.store(d, f64x2.add(v128.load(d), a00))
        v128.store(d, f64x2.add(v128.load(d, 16), a01), 16)
        v128.store(d, f64x2.add(v128.load(d, 32), a10), 32)
        v128.store(d, f64x2.add(v128.load(d, 48), a11), 48)
        v128.store(d, f64x2.add(v128.load(d, 64), a20), 64)
        v128.store(d, f64x2.add(v128.load(d, 80), a21), 80)
        v128.store(d, f64x2.add(v128.load(d, 96), a30), 96)
        v128.store(d, f64x2.add(v128.load(d, 112), a31), 112)
        d += 128
      }
    }
  }
}

/**
 * Adds to du (float64, [16][⌈M/4⌉][⌈C/2⌉][4][2] vectors of 2 lanes, the caller sums the lanes)
 * the Winograd dU of output rows [i0, i1) (i0 even) of one group and one batch item.
 * x: the group's first padded input plane (planar layout, one phase: 2 zero columns past
 * paddedW), xPitch/xPlane elements per row/plane; gy: dE/dy of the group's first output
 * channel, gyPitch/gyPlane elements per row/plane (dense or the zero-bordered copy: columns at
 * and past outW are masked either way). scratch: the part's own bytes (wgradScratchBytes in
 * core/fast/winograd-grad.ts): strips of `pairs` slots, then a row of zeros that stands for the
 * padded row past paddedH and the dE/dy row past outH (never read: 0 · NaN would be NaN).
 */
export function wgradWeight_f64(
  x: usize, xPitch: i32, xPlane: i32, paddedH: i32,
  gy: usize, gyPitch: i32, gyPlane: i32, outH: i32, outW: i32,
  channels: i32, outChannels: i32, i0: i32, i1: i32,
  du: usize, scratch: usize,
): void {
  const pairs = WGRAD_PAIRS
  const inPairs = (channels + 1) >> 1
  const outBlocks = (outChannels + 3) >> 2
  const slotBytes = WGRAD_SLOT
  // from one ξ to the next in the strips: one cache line more than the rows, so that the 16
  // values of a pair are not 16 addresses a multiple of 4 KiB apart (the same L1 set: 2× slower)
  const vStride = <usize>(inPairs * 2) * slotBytes + 64
  const mStride = <usize>(outBlocks * 4) * slotBytes + 64
  const vs = scratch
  const ms = vs + 16 * vStride
  const zero = ms + 16 * mStride
  memory.fill(zero, 0, <usize>(max(xPitch, gyPitch) + 16) << 3)
  // channels past the group's end: zero rows of the strip, never written below
  for (let xi: usize = 0; xi < 16; xi++) {
    for (let c = channels; c < inPairs * 2; c++) memory.fill(vs + xi * vStride + <usize>c * slotBytes, 0, slotBytes)
    for (let m = outChannels; m < outBlocks * 4; m++) memory.fill(ms + xi * mStride + <usize>m * slotBytes, 0, slotBytes)
  }
  const xRow = <usize>xPitch << 3
  const xPlaneBytes = <usize>xPlane << 3
  const gyRow = <usize>gyPitch << 3
  const gyPlaneBytes = <usize>gyPlane << 3
  const rowPairs = (outW + 3) >> 2 // pairs of tiles per tile row
  const wholePairs = outW >> 2 // pairs whose 4 output columns are all inside
  const left = outW - (wholePairs << 2) // output columns of the last pair when it is partial: 1..3
  // the partial pair: dE/dy columns past outW masked; its second tile's V zeroed when that tile
  // lies wholly past the output (it then reads past the padded row)
  const keepA = left >= 2 ? WGRAD_BOTH_TILES : WGRAD_FIRST_TILE
  const keepB = left >= 3 ? WGRAD_FIRST_TILE : f64x2.splat(0)
  const keepV = left >= 3 ? WGRAD_BOTH_TILES : WGRAD_FIRST_TILE
  let filled = 0
  for (let i = i0; i < i1; i += 2) {
    const hasRow3 = i + 3 < paddedH
    const hasRow1 = i + 1 < outH
    let p0 = 0
    while (p0 < rowPairs) {
      const p1 = min(rowPairs, p0 + pairs - filled)
      const whole = min(p1, wholePairs)
      const slot = <usize>filled << 4
      for (let c = 0; c < channels; c++) {
        const r0 = x + <usize>c * xPlaneBytes + <usize>i * xRow
        const r3 = hasRow3 ? r0 + 3 * xRow : zero
        const v = vs + <usize>c * slotBytes + slot
        let p = p0
        for (; p < whole; p++) {
          const at = <usize>p << 5
          wgradInputPair(r0 + at, r0 + xRow + at, r0 + 2 * xRow + at, r3 + at, v + (<usize>(p - p0) << 4), vStride, false, WGRAD_BOTH_TILES)
        }
        if (p < p1) {
          const at = <usize>p << 5
          wgradInputPair(r0 + at, r0 + xRow + at, r0 + 2 * xRow + at, r3 + at, v + (<usize>(p - p0) << 4), vStride, true, keepV)
        }
      }
      for (let m = 0; m < outChannels; m++) {
        const y0 = gy + <usize>m * gyPlaneBytes + <usize>i * gyRow
        const y1 = hasRow1 ? y0 + gyRow : zero
        const v = ms + <usize>m * slotBytes + slot
        let p = p0
        for (; p < whole; p++) {
          const at = <usize>p << 5
          wgradGradientPair(y0 + at, y1 + at, v + (<usize>(p - p0) << 4), mStride, false, WGRAD_BOTH_TILES, WGRAD_BOTH_TILES)
        }
        if (p < p1) {
          const at = <usize>p << 5
          wgradGradientPair(y0 + at, y1 + at, v + (<usize>(p - p0) << 4), mStride, true, keepA, keepB)
        }
      }
      filled += p1 - p0
      p0 = p1
      if (filled === pairs) {
        wgradAccumulate(vs, ms, du, inPairs, outBlocks, vStride, mStride, filled)
        filled = 0
      }
    }
  }
  if (filled > 0) wgradAccumulate(vs, ms, du, inPairs, outBlocks, vStride, mStride, filled)
}
