// Winograd F(2×2, 3×3) for 3 × 3 stride-1 convolutions in float64 (laid out by core/fast/winograd.ts).
// Each 2 × 2 block of outputs (a tile) reads a 4 × 4 patch d of the padded input:
//   y = bias + Aᵀ [ Σ_c U[m, c] ⊙ (Bᵀ d_c B) ] A,   U = G g Gᵀ (packed by the caller),
// 16 multiply-adds per tile and input channel instead of 36. Bᵀ and Aᵀ hold only ±1 and 0, so
// the transforms are additions. Lanes are tiles: a vector holds two tiles side by side.
// An output that comes out NaN or ±∞ is computed again as the direct sum (wgDirect): with an
// infinite input, the transforms' differences can make NaN (∞ − ∞) where the direct sum is ±∞.

// Tile pairs per strip: 64 output columns, whose transformed input stays in L1/L2. The strip's
// transformed input is laid out [c][position][pair] with a fixed slot per position, so every
// store and load of one channel is at an immediate offset, and channels WG_CHANNEL bytes apart
// (4 KB + 64: rows 4 KB apart would share L1 sets). The scratch a call needs follows from them:
// winogradScratchBytes in core/fast/winograd.ts.
const WG_PAIRS: i32 = 16
const WG_SLOT: usize = 256 // WG_PAIRS vectors
const WG_CHANNEL: usize = 16 * WG_SLOT + 64

/**
 * y[m, i, j] for output rows i0..i1 (i0 even) of one group and batch item, as forward_f64 gives
 * them up to rounding. x: the group's first padded input plane (rows rowElements, planes
 * planeElements apart, at least two zero columns past the padded width); u: [16][⌈M/4⌉][C][4]
 * f64, followed by the weights themselves, (M, C, 3, 3) f64; bias: f64 per channel;
 * y: [M][outH][outW]; scratch: winogradScratchBytes(C) bytes.
 */
export function winograd_f64(
  x: usize, rowElements: i32, planeElements: i32, inChannels: i32,
  u: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32, scratch: usize,
): void {
  const row = <usize>rowElements * 8
  const planeBytes = <usize>planeElements * 8
  const tiles = (outW + 1) >> 1
  const pairs = (tiles + 1) >> 1
  const blocks = (channels + 3) >> 2
  const outPlane = <usize>(outH * outW) * 8
  const sums = scratch + <usize>inChannels * WG_CHANNEL // [16 positions][4 channels][2 vectors]
  const zero = f64x2.splat(0)
  const weights = u + <usize>(512 * blocks * inChannels)
  for (let r = i0; r < i1; r += 2) {
    const full = r + 1 < outH
    for (let p0 = 0; p0 < pairs; p0 += WG_PAIRS) {
      const count = min(WG_PAIRS, pairs - p0)
      const pairBlocks = (count + 1) >> 1
      // Bᵀ d B for every input channel and pair of tiles of the strip: V[ξ][pair block][c][2]
      for (let c = 0; c < inChannels; c++) {
        const plane = x + <usize>c * planeBytes + <usize>r * row
        for (let q = 0; q < pairBlocks * 2; q++) {
          const v = scratch + <usize>c * WG_CHANNEL + <usize>q * 16
          if (q >= count) {
            for (let xi = 0; xi < 16; xi++) v128.store(v + <usize>xi * WG_SLOT, zero)
            continue
          }
          const p = p0 + q
          const at = plane + <usize>(4 * p) * 8
          const second = 2 * p + 1 < tiles
          // rows 0 and 2 of the patch, along the columns: e = d B
          let a0 = v128.load(at), a1 = v128.load(at, 16), a2 = second ? v128.load(at, 32) : zero
          let d0 = v128.shuffle<f64>(a0, a1, 0, 2), d1 = v128.shuffle<f64>(a0, a1, 1, 3)
          let d2 = v128.shuffle<f64>(a1, a2, 0, 2), d3 = v128.shuffle<f64>(a1, a2, 1, 3)
          const e00 = f64x2.sub(d0, d2), e01 = f64x2.add(d1, d2), e02 = f64x2.sub(d2, d1), e03 = f64x2.sub(d1, d3)
          const at2 = at + 2 * row
          a0 = v128.load(at2); a1 = v128.load(at2, 16); a2 = second ? v128.load(at2, 32) : zero
          d0 = v128.shuffle<f64>(a0, a1, 0, 2); d1 = v128.shuffle<f64>(a0, a1, 1, 3)
          d2 = v128.shuffle<f64>(a1, a2, 0, 2); d3 = v128.shuffle<f64>(a1, a2, 1, 3)
          const e20 = f64x2.sub(d0, d2), e21 = f64x2.add(d1, d2), e22 = f64x2.sub(d2, d1), e23 = f64x2.sub(d1, d3)
          // Bᵀ row 0: patch row 0 − row 2
          v128.store(v, f64x2.sub(e00, e20), 0)
          v128.store(v, f64x2.sub(e01, e21), 256)
          v128.store(v, f64x2.sub(e02, e22), 512)
          v128.store(v, f64x2.sub(e03, e23), 768)
          const at1 = at + row
          a0 = v128.load(at1); a1 = v128.load(at1, 16); a2 = second ? v128.load(at1, 32) : zero
          d0 = v128.shuffle<f64>(a0, a1, 0, 2); d1 = v128.shuffle<f64>(a0, a1, 1, 3)
          d2 = v128.shuffle<f64>(a1, a2, 0, 2); d3 = v128.shuffle<f64>(a1, a2, 1, 3)
          const e10 = f64x2.sub(d0, d2), e11 = f64x2.add(d1, d2), e12 = f64x2.sub(d2, d1), e13 = f64x2.sub(d1, d3)
          // rows 1 and 2: row 1 + row 2, row 2 − row 1
          v128.store(v, f64x2.add(e10, e20), 1024)
          v128.store(v, f64x2.add(e11, e21), 1280)
          v128.store(v, f64x2.add(e12, e22), 1536)
          v128.store(v, f64x2.add(e13, e23), 1792)
          v128.store(v, f64x2.sub(e20, e10), 2048)
          v128.store(v, f64x2.sub(e21, e11), 2304)
          v128.store(v, f64x2.sub(e22, e12), 2560)
          v128.store(v, f64x2.sub(e23, e13), 2816)
          // row 3: row 1 − row 3 (past the last output row, patch row 3 lies outside the plane: zeros)
          if (full) {
            const at3 = at + 3 * row
            a0 = v128.load(at3); a1 = v128.load(at3, 16); a2 = second ? v128.load(at3, 32) : zero
            d0 = v128.shuffle<f64>(a0, a1, 0, 2); d1 = v128.shuffle<f64>(a0, a1, 1, 3)
            d2 = v128.shuffle<f64>(a1, a2, 0, 2); d3 = v128.shuffle<f64>(a1, a2, 1, 3)
            v128.store(v, f64x2.sub(e10, f64x2.sub(d0, d2)), 3072)
            v128.store(v, f64x2.sub(e11, f64x2.add(d1, d2)), 3328)
            v128.store(v, f64x2.sub(e12, f64x2.sub(d2, d1)), 3584)
            v128.store(v, f64x2.sub(e13, f64x2.sub(d1, d3)), 3840)
          } else {
            v128.store(v, e10, 3072)
            v128.store(v, e11, 3328)
            v128.store(v, e12, 3584)
            v128.store(v, e13, 3840)
          }
        }
      }
      // per pair block (4 tiles) and block of 4 output channels: the 16 sums over c, then Aᵀ · A
      const uStride = <usize>blocks * <usize>inChannels * 32
      for (let pb = 0; pb < pairBlocks; pb++) {
        for (let m0 = 0; m0 < channels; m0 += 4) {
          const mb = <usize>(m0 >> 2)
          for (let xi = 0; xi < 16; xi++) {
            let s00 = zero, s01 = zero, s10 = zero, s11 = zero
            let s20 = zero, s21 = zero, s30 = zero, s31 = zero
            let vp = scratch + <usize>xi * WG_SLOT + <usize>pb * 32
            let up = u + <usize>xi * uStride + mb * <usize>inChannels * 32
            const end = vp + <usize>inChannels * WG_CHANNEL
            for (; vp < end; vp += WG_CHANNEL) {
              const x0 = v128.load(vp)
              const x1 = v128.load(vp, 16)
              let w = v128.load64_splat(up)
              s00 = madd<f64>(w, x0, s00); s01 = madd<f64>(w, x1, s01)
              w = v128.load64_splat(up, 8)
              s10 = madd<f64>(w, x0, s10); s11 = madd<f64>(w, x1, s11)
              w = v128.load64_splat(up, 16)
              s20 = madd<f64>(w, x0, s20); s21 = madd<f64>(w, x1, s21)
              w = v128.load64_splat(up, 24)
              s30 = madd<f64>(w, x0, s30); s31 = madd<f64>(w, x1, s31)
              up += 32
            }
            const s = sums + <usize>xi * 128
            v128.store(s, s00); v128.store(s, s01, 16)
            v128.store(s, s10, 32); v128.store(s, s11, 48)
            v128.store(s, s20, 64); v128.store(s, s21, 80)
            v128.store(s, s30, 96); v128.store(s, s31, 112)
          }
          const live = min(4, channels - m0)
          for (let k = 0; k < live; k++) {
            const b = f64x2.splat(load<f64>(bias + <usize>(m0 + k) * 8))
            const target = y + <usize>(m0 + k) * outPlane + <usize>r * <usize>outW * 8
            for (let h = 0; h < 2; h++) {
              const p = p0 + 2 * pb + h
              if (p >= pairs) break
              const s = sums + <usize>(k * 32 + h * 16)
              // m A: per row a, f0 = m0 + m1 + m2 and f1 = m1 − m2 − m3
              let m0v = v128.load(s), m1v = v128.load(s, 128), m2v = v128.load(s, 256), m3v = v128.load(s, 384)
              const f00 = f64x2.add(f64x2.add(m0v, m1v), m2v), f01 = f64x2.sub(f64x2.sub(m1v, m2v), m3v)
              m0v = v128.load(s, 512); m1v = v128.load(s, 640); m2v = v128.load(s, 768); m3v = v128.load(s, 896)
              const f10 = f64x2.add(f64x2.add(m0v, m1v), m2v), f11 = f64x2.sub(f64x2.sub(m1v, m2v), m3v)
              m0v = v128.load(s, 1024); m1v = v128.load(s, 1152); m2v = v128.load(s, 1280); m3v = v128.load(s, 1408)
              const f20 = f64x2.add(f64x2.add(m0v, m1v), m2v), f21 = f64x2.sub(f64x2.sub(m1v, m2v), m3v)
              m0v = v128.load(s, 1536); m1v = v128.load(s, 1664); m2v = v128.load(s, 1792); m3v = v128.load(s, 1920)
              const f30 = f64x2.add(f64x2.add(m0v, m1v), m2v), f31 = f64x2.sub(f64x2.sub(m1v, m2v), m3v)
              // Aᵀ f: output row 0 = f0 + f1 + f2, row 1 = f1 − f2 − f3; lanes are the pair's two tiles
              const y00 = f64x2.add(b, f64x2.add(f64x2.add(f00, f10), f20))
              const y01 = f64x2.add(b, f64x2.add(f64x2.add(f01, f11), f21))
              const y10 = f64x2.add(b, f64x2.sub(f64x2.sub(f10, f20), f30))
              const y11 = f64x2.add(b, f64x2.sub(f64x2.sub(f11, f21), f31))
              const column = 4 * p
              const rest = outW - column
              const out0 = target + <usize>column * 8
              wgStoreRow(out0, v128.shuffle<f64>(y00, y01, 0, 2), v128.shuffle<f64>(y00, y01, 1, 3), rest)
              if (full) wgStoreRow(out0 + <usize>outW * 8, v128.shuffle<f64>(y10, y11, 0, 2), v128.shuffle<f64>(y10, y11, 1, 3), rest)
              // v·0 is 0 for a finite v and NaN otherwise
              const poison = f64x2.add(f64x2.add(f64x2.mul(y00, zero), f64x2.mul(y01, zero)), f64x2.add(f64x2.mul(y10, zero), f64x2.mul(y11, zero)))
              if (v128.any_true(f64x2.ne(poison, poison))) {
                const own = weights + <usize>((m0 + k) * inChannels * 9) * 8
                wgDirect(x + <usize>r * row + <usize>column * 8, row, planeBytes, inChannels, own, load<f64>(bias + <usize>(m0 + k) * 8), out0, min(4, rest), full ? 2 : 1, outW)
              }
            }
          }
        }
      }
    }
  }
}

/**
 * Outputs rows × columns from `y` on (rows outW apart) as bias + Σ_c Σ_taps w·x in tap order, the
 * direct kernel's sum: for a tile whose Winograd values are not all finite.
 */
function wgDirect(x: usize, row: usize, planeBytes: usize, inChannels: i32, w: usize, bias: f64, y: usize, columns: i32, rows: i32, outW: i32): void {
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < columns; j++) {
      let sum = bias
      for (let c = 0; c < inChannels; c++) {
        const patch = x + <usize>c * planeBytes + <usize>i * row + <usize>j * 8
        const taps = w + <usize>(c * 9) * 8
        for (let a = 0; a < 3; a++) {
          for (let b = 0; b < 3; b++) sum += load<f64>(taps + <usize>(a * 3 + b) * 8) * load<f64>(patch + <usize>a * row + <usize>b * 8)
        }
      }
      store<f64>(y + <usize>(i * outW + j) * 8, sum)
    }
  }
}

/** Four outputs of a row (two vectors), of which the first `rest` exist. */
// @ts-ignore: decorator
@inline function wgStoreRow(at: usize, low: v128, high: v128, rest: i32): void {
  if (rest >= 4) {
    v128.store(at, low)
    v128.store(at, high, 16)
    return
  }
  store<f64>(at, f64x2.extract_lane(low, 0))
  if (rest > 1) store<f64>(at, f64x2.extract_lane(low, 1), 8)
  if (rest > 2) store<f64>(at, f64x2.extract_lane(high, 0), 16)
}
