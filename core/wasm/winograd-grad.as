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

/** Pairs of tiles per strip (WGRAD_PAIRS in core/fast/winograd-grad.ts). */
const WGRAD_PAIRS: i32 = 32
/** Bytes of one strip row (one ξ of one channel). */
const WGRAD_SLOT: usize = <usize>WGRAD_PAIRS << 4
/**
 * Bytes of one channel's 16 rows, plus one cache line: with rows 8 KiB apart, a register block's
 * six rows would be six addresses a multiple of 4 KiB apart (one L1 set).
 */
const WGRAD_CHANNEL: usize = 16 * WGRAD_SLOT + 64

/**
 * The four V = Bᵀ·d·B values of row ρ of a pair (Bᵀ's row ρ already applied to the input rows:
 * a, b, c hold columns 0-1, 2-3 and 4-5 of the pair), stored at v, v + WGRAD_SLOT, ….
 */
// @ts-ignore: decorator
@inline function wgradInputRow(a: v128, b: v128, c: v128, v: usize, masked: bool, keep: v128): void {
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
  v128.store(v, e1, WGRAD_SLOT)
  v128.store(v, e2, 2 * WGRAD_SLOT)
  v128.store(v, e3, 3 * WGRAD_SLOT)
}

/**
 * V of one pair of tiles of one input channel: rows r0..r3 point at the pair's first column
 * (r3 may be a zero row); ξ = 4ρ + κ goes to v + ξ·WGRAD_SLOT.
 */
// @ts-ignore: decorator
@inline function wgradInputPair(r0: usize, r1: usize, r2: usize, r3: usize, v: usize, masked: bool, keep: v128): void {
  // Bᵀ rows: [1, 0, −1, 0], [0, 1, 1, 0], [0, −1, 1, 0], [0, 1, 0, −1]
  const a1 = v128.load(r1), b1 = v128.load(r1, 16), c1 = v128.load(r1, 32)
  const a2 = v128.load(r2), b2 = v128.load(r2, 16), c2 = v128.load(r2, 32)
  wgradInputRow(f64x2.add(a1, a2), f64x2.add(b1, b2), f64x2.add(c1, c2), v + 4 * WGRAD_SLOT, masked, keep)
  wgradInputRow(f64x2.sub(a2, a1), f64x2.sub(b2, b1), f64x2.sub(c2, c1), v + 8 * WGRAD_SLOT, masked, keep)
  wgradInputRow(
    f64x2.sub(v128.load(r0), a2), f64x2.sub(v128.load(r0, 16), b2), f64x2.sub(v128.load(r0, 32), c2),
    v, masked, keep,
  )
  wgradInputRow(
    f64x2.sub(a1, v128.load(r3)), f64x2.sub(b1, v128.load(r3, 16)), f64x2.sub(c1, v128.load(r3, 32)),
    v + 12 * WGRAD_SLOT, masked, keep,
  )
}

/** The four dM = A·dY·Aᵀ values of row ρ of a pair (A's row ρ applied: a, b hold columns 0-1, 2-3). */
// @ts-ignore: decorator
@inline function wgradGradientRow(a: v128, b: v128, v: usize): void {
  // Aᵀ columns on the right: [1, 1, 1, 0], [0, 1, −1, −1]
  const e0 = f64x2.shuffle(a, b, 0, 2)
  const e1 = f64x2.shuffle(a, b, 1, 3)
  v128.store(v, e0)
  v128.store(v, f64x2.add(e0, e1), WGRAD_SLOT)
  v128.store(v, f64x2.sub(e0, e1), 2 * WGRAD_SLOT)
  v128.store(v, f64x2.neg(e1), 3 * WGRAD_SLOT)
}

/** dM of one pair of one output channel from its two dE/dy rows (columns past the output masked). */
// @ts-ignore: decorator
@inline function wgradGradientPair(y0: usize, y1: usize, v: usize, masked: bool, keepA: v128, keepB: v128): void {
  let a0 = v128.load(y0), b0 = v128.load(y0, 16)
  let a1 = v128.load(y1), b1 = v128.load(y1, 16)
  if (masked) {
    a0 = v128.and(a0, keepA)
    a1 = v128.and(a1, keepA)
    b0 = v128.and(b0, keepB)
    b1 = v128.and(b1, keepB)
  }
  // A rows: [1, 0], [1, 1], [1, −1], [0, −1]
  wgradGradientRow(a0, b0, v)
  wgradGradientRow(f64x2.add(a0, a1), f64x2.add(b0, b1), v + 4 * WGRAD_SLOT)
  wgradGradientRow(f64x2.sub(a0, a1), f64x2.sub(b0, b1), v + 8 * WGRAD_SLOT)
  wgradGradientRow(f64x2.neg(a1), f64x2.neg(b1), v + 12 * WGRAD_SLOT)
}

/**
 * du[ξ][m/4][c/2][4 × 2 vectors] += Σ over the strip's `count` pairs of dM[m][ξ] · V[c][ξ], for
 * every ξ, m < outBlocks·4, c < inPairs·2 (padding channels are zero rows of the strip).
 */
function wgradAccumulate(vs: usize, ms: usize, du: usize, inPairs: i32, outBlocks: i32, count: i32): void {
  const end = <usize>count << 4
  let d = du
  for (let xi: usize = 0; xi < 16; xi++) {
    for (let mb: usize = 0; mb < <usize>outBlocks; mb++) {
      const g = ms + mb * 4 * WGRAD_CHANNEL + xi * WGRAD_SLOT
      for (let cb: usize = 0; cb < <usize>inPairs; cb++) {
        const v = vs + cb * 2 * WGRAD_CHANNEL + xi * WGRAD_SLOT
        // the sums so far, from du: a strip's share is added in registers
        let a00 = v128.load(d), a01 = v128.load(d, 16)
        let a10 = v128.load(d, 32), a11 = v128.load(d, 48)
        let a20 = v128.load(d, 64), a21 = v128.load(d, 80)
        let a30 = v128.load(d, 96), a31 = v128.load(d, 112)
        for (let s: usize = 0; s < end; s += 16) {
          const vp = v + s
          const gp = g + s
          const x0 = v128.load(vp)
          const x1 = v128.load(vp, WGRAD_CHANNEL)
          let gv = v128.load(gp)
          a00 = madd<f64>(gv, x0, a00); a01 = madd<f64>(gv, x1, a01)
          gv = v128.load(gp, WGRAD_CHANNEL)
          a10 = madd<f64>(gv, x0, a10); a11 = madd<f64>(gv, x1, a11)
          gv = v128.load(gp, 2 * WGRAD_CHANNEL)
          a20 = madd<f64>(gv, x0, a20); a21 = madd<f64>(gv, x1, a21)
          gv = v128.load(gp, 3 * WGRAD_CHANNEL)
          a30 = madd<f64>(gv, x0, a30); a31 = madd<f64>(gv, x1, a31)
        }
        v128.store(d, a00)
        v128.store(d, a01, 16)
        v128.store(d, a10, 32)
        v128.store(d, a11, 48)
        v128.store(d, a20, 64)
        v128.store(d, a21, 80)
        v128.store(d, a30, 96)
        v128.store(d, a31, 112)
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
 * core/fast/winograd-grad.ts): the V strip (⌈C/2⌉·2 channels), the dM strip (⌈M/4⌉·4), then a
 * row of zeros that stands for the padded row past paddedH and the dE/dy row past outH (never
 * read: 0 · NaN would be NaN).
 */
export function wgradWeight_f64(
  x: usize, xPitch: i32, xPlane: i32, paddedH: i32,
  gy: usize, gyPitch: i32, gyPlane: i32, outH: i32, outW: i32,
  channels: i32, outChannels: i32, i0: i32, i1: i32,
  du: usize, scratch: usize,
): void {
  const inPairs = (channels + 1) >> 1
  const outBlocks = (outChannels + 3) >> 2
  const vs = scratch
  const ms = vs + <usize>(inPairs * 2) * WGRAD_CHANNEL
  const zero = ms + <usize>(outBlocks * 4) * WGRAD_CHANNEL
  memory.fill(zero, 0, <usize>(max(xPitch, gyPitch) + 16) << 3)
  // channels past the group's end: zero rows of the strip, never written below
  for (let c = channels; c < inPairs * 2; c++) memory.fill(vs + <usize>c * WGRAD_CHANNEL, 0, WGRAD_CHANNEL)
  for (let m = outChannels; m < outBlocks * 4; m++) memory.fill(ms + <usize>m * WGRAD_CHANNEL, 0, WGRAD_CHANNEL)
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
      const p1 = min(rowPairs, p0 + WGRAD_PAIRS - filled)
      const whole = min(p1, wholePairs)
      const slot = <usize>filled << 4
      const from = <usize>p0 << 5
      for (let c = 0; c < channels; c++) {
        let r0 = x + <usize>c * xPlaneBytes + <usize>i * xRow + from
        let r3 = (hasRow3 ? r0 + 3 * xRow : zero + from)
        let v = vs + <usize>c * WGRAD_CHANNEL + slot
        let p = p0
        for (; p < whole; p++) {
          wgradInputPair(r0, r0 + xRow, r0 + 2 * xRow, r3, v, false, WGRAD_BOTH_TILES)
          r0 += 32
          r3 += 32
          v += 16
        }
        if (p < p1) wgradInputPair(r0, r0 + xRow, r0 + 2 * xRow, r3, v, true, keepV)
      }
      for (let m = 0; m < outChannels; m++) {
        let y0 = gy + <usize>m * gyPlaneBytes + <usize>i * gyRow + from
        let y1 = hasRow1 ? y0 + gyRow : zero + from
        let v = ms + <usize>m * WGRAD_CHANNEL + slot
        let p = p0
        for (; p < whole; p++) {
          wgradGradientPair(y0, y1, v, false, WGRAD_BOTH_TILES, WGRAD_BOTH_TILES)
          y0 += 32
          y1 += 32
          v += 16
        }
        if (p < p1) wgradGradientPair(y0, y1, v, true, keepA, keepB)
      }
      filled += p1 - p0
      p0 = p1
      if (filled === WGRAD_PAIRS) {
        wgradAccumulate(vs, ms, du, inPairs, outBlocks, filled)
        filled = 0
      }
    }
  }
  if (filled > 0) wgradAccumulate(vs, ms, du, inPairs, outBlocks, filled)
}
