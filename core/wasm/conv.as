// Convolution kernels for WebAssembly SIMD, compiled by scripts/build-wasm.mjs with AssemblyScript.
// Each export runs on an input that is already padded (see core/fast/layout.ts): padding modes,
// stride along W and dilation are folded into the input layout and a table of tap offsets,
// so one register-blocked loop serves every option. No allocation, no static data: memory is
// imported and laid out by the caller, so two threads can share it.
//
// Register block: 4 output channels × 2 vectors of pixels (8 accumulators + 2 inputs +
// 1 weight). V8 keeps one of the 16 x64 SIMD registers for itself: a 4 × 3 block (16 live
// vectors) spilled accumulators to the stack on every tap and ran at 60% of this one's speed.
// Weights arrive pre-splatted (one v128 per weight).

const CHANNELS: i32 = 4 // output channels per register block
const VECTORS: i32 = 2 // pixel vectors per register block (forward)
const TAPS: i32 = 2 // kernel taps per register block (grad-weight)
// Output columns per strip of forward (a multiple of every block width): the input a strip
// reads, all input channels × kernel rows, stays in L1/L2 while each 4-channel block passes over it.
const STRIP: i32 = 128

/** a·b + c: fused on runtimes with relaxed SIMD, two roundings otherwise. */
// @ts-ignore: decorator
@inline function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c)
  return v128.add<T>(v128.mul<T>(a, b), c)
}

/** Stores the first `count` lanes of v at address (count < lanes). */
// @ts-ignore: decorator
@inline function storeLanes<T>(address: usize, v: v128, count: i32): void {
  const size = sizeof<T>()
  store<T>(address, v128.extract_lane<T>(v, 0))
  if (sizeof<T>() == 4) {
    if (count > 1) store<T>(address + size, v128.extract_lane<T>(v, 1))
    if (count > 2) store<T>(address + 2 * size, v128.extract_lane<T>(v, 2))
  }
}

/** Sum of the lanes of v, in float64. */
// @ts-ignore: decorator
@inline function laneSum<T>(v: v128): f64 {
  if (sizeof<T>() == 4) {
    return <f64>v128.extract_lane<T>(v, 0) + <f64>v128.extract_lane<T>(v, 1) +
      (<f64>v128.extract_lane<T>(v, 2) + <f64>v128.extract_lane<T>(v, 3))
  }
  return <f64>v128.extract_lane<T>(v, 0) + <f64>v128.extract_lane<T>(v, 1)
}

/** All-ones in the lanes below count, zeros above. */
// @ts-ignore: decorator
@inline function laneMask<T>(count: i32): v128 {
  if (sizeof<T>() == 4) return i32x4.lt_s(v128(0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0), i32x4.splat(count))
  return i64x2.lt_s(v128(0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0), i64x2.splat(<i64>count))
}

/**
 * y[m, i, j] = bias[m] + Σ_k w[m, k] · x[i·rowStride + offsets[k] + j]
 * for the `channels` output channels of one group and one batch item, rows i0..i1.
 * x: first input plane of the group (element type T); offsets: i32 per tap;
 * w: [ceil(channels/4)][taps][4] v128 splats; bias: T per channel; y: [channels][outH][outW].
 *
 * Loop order: output row → strip of STRIP columns → 4-channel block → pixels → taps. With the
 * channel blocks outermost (as before) a large image (16 channels of 512², 33 MB in float64)
 * was streamed from memory once per block; now each input row strip is read from memory once
 * and the other blocks find it in cache. Each output is still bias + Σ over taps in tap order,
 * so results are bit for bit those of any other loop order.
 */
function forward<T>(
  x: usize, rowStride: i32, offsets: usize, taps: i32,
  w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  const size = <usize>sizeof<T>()
  const lanes = 16 / <i32>sizeof<T>()
  const block = lanes * VECTORS
  const plane = <usize>(outH * outW)
  const tapsEnd = offsets + (<usize>taps << 2)
  for (let i = i0; i < i1; i++) {
    const xr = x + <usize>i * <usize>rowStride * size
    for (let s0 = 0; s0 < outW; s0 += STRIP) {
      const s1 = min(outW, s0 + STRIP)
      for (let m0 = 0; m0 < channels; m0 += CHANNELS) {
        const live = min(CHANNELS, channels - m0)
        const wb = w + <usize>(m0 / CHANNELS) * <usize>taps * 64
        const b0 = v128.splat<T>(load<T>(bias + <usize>m0 * size))
        const b1 = v128.splat<T>(load<T>(bias + <usize>min(m0 + 1, channels - 1) * size))
        const b2 = v128.splat<T>(load<T>(bias + <usize>min(m0 + 2, channels - 1) * size))
        const b3 = v128.splat<T>(load<T>(bias + <usize>min(m0 + 3, channels - 1) * size))
        const yr = y + (<usize>m0 * plane + <usize>i * <usize>outW) * size
        let j = s0
        for (; j + block <= s1; j += block) {
          let a00 = b0, a01 = b0
          let a10 = b1, a11 = b1
          let a20 = b2, a21 = b2
          let a30 = b3, a31 = b3
          const xp = xr + <usize>j * size
          let wp = wb
          for (let op = offsets; op < tapsEnd; op += 4) {
            const p = xp + <usize>load<i32>(op) * size
            const x0 = v128.load(p)
            const x1 = v128.load(p, 16)
            let wv = v128.load(wp)
            a00 = madd<T>(wv, x0, a00); a01 = madd<T>(wv, x1, a01)
            wv = v128.load(wp, 16)
            a10 = madd<T>(wv, x0, a10); a11 = madd<T>(wv, x1, a11)
            wv = v128.load(wp, 32)
            a20 = madd<T>(wv, x0, a20); a21 = madd<T>(wv, x1, a21)
            wv = v128.load(wp, 48)
            a30 = madd<T>(wv, x0, a30); a31 = madd<T>(wv, x1, a31)
            wp += 64
          }
          const yp = yr + <usize>j * size
          v128.store(yp, a00); v128.store(yp, a01, 16)
          if (live > 1) { const q = yp + plane * size; v128.store(q, a10); v128.store(q, a11, 16) }
          if (live > 2) { const q = yp + 2 * plane * size; v128.store(q, a20); v128.store(q, a21, 16) }
          if (live > 3) { const q = yp + 3 * plane * size; v128.store(q, a30); v128.store(q, a31, 16) }
        }
        // The rest of the strip one vector at a time; the input rows have slack for the last one.
        for (; j < s1; j += lanes) {
          let a0 = b0, a1 = b1, a2 = b2, a3 = b3
          const xp = xr + <usize>j * size
          let wp = wb
          for (let op = offsets; op < tapsEnd; op += 4) {
            const x0 = v128.load(xp + <usize>load<i32>(op) * size)
            a0 = madd<T>(v128.load(wp), x0, a0)
            a1 = madd<T>(v128.load(wp, 16), x0, a1)
            a2 = madd<T>(v128.load(wp, 32), x0, a2)
            a3 = madd<T>(v128.load(wp, 48), x0, a3)
            wp += 64
          }
          const yp = yr + <usize>j * size
          const rest = s1 - j
          if (rest >= lanes) {
            v128.store(yp, a0)
            if (live > 1) v128.store(yp + plane * size, a1)
            if (live > 2) v128.store(yp + 2 * plane * size, a2)
            if (live > 3) v128.store(yp + 3 * plane * size, a3)
          } else {
            storeLanes<T>(yp, a0, rest)
            if (live > 1) storeLanes<T>(yp + plane * size, a1, rest)
            if (live > 2) storeLanes<T>(yp + 2 * plane * size, a2, rest)
            if (live > 3) storeLanes<T>(yp + 3 * plane * size, a3, rest)
          }
        }
      }
    }
  }
}

/**
 * forward for groups of exactly three output channels (RGB images in grad-input): a 3-channel ×
 * 3-vector block (13 live vectors), so the 4-channel block's fourth channel is not computed
 * for nothing. Same arguments and weight layout as forward (channels must be 3).
 */
function forwardThree<T>(
  x: usize, rowStride: i32, offsets: usize, taps: i32,
  w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  const size = <usize>sizeof<T>()
  const lanes = 16 / <i32>sizeof<T>()
  const block = lanes * 3
  const plane = <usize>(outH * outW)
  const tapsEnd = offsets + (<usize>taps << 2)
  const b0 = v128.splat<T>(load<T>(bias))
  const b1 = v128.splat<T>(load<T>(bias + size))
  const b2 = v128.splat<T>(load<T>(bias + 2 * size))
  for (let i = i0; i < i1; i++) {
    const xr = x + <usize>i * <usize>rowStride * size
    const yr = y + <usize>i * <usize>outW * size
    let j = 0
    for (; j + block <= outW; j += block) {
      let a00 = b0, a01 = b0, a02 = b0
      let a10 = b1, a11 = b1, a12 = b1
      let a20 = b2, a21 = b2, a22 = b2
      const xp = xr + <usize>j * size
      let wp = w
      for (let op = offsets; op < tapsEnd; op += 4) {
        const p = xp + <usize>load<i32>(op) * size
        const x0 = v128.load(p)
        const x1 = v128.load(p, 16)
        const x2 = v128.load(p, 32)
        let wv = v128.load(wp)
        a00 = madd<T>(wv, x0, a00); a01 = madd<T>(wv, x1, a01); a02 = madd<T>(wv, x2, a02)
        wv = v128.load(wp, 16)
        a10 = madd<T>(wv, x0, a10); a11 = madd<T>(wv, x1, a11); a12 = madd<T>(wv, x2, a12)
        wv = v128.load(wp, 32)
        a20 = madd<T>(wv, x0, a20); a21 = madd<T>(wv, x1, a21); a22 = madd<T>(wv, x2, a22)
        wp += 64
      }
      const yp = yr + <usize>j * size
      v128.store(yp, a00); v128.store(yp, a01, 16); v128.store(yp, a02, 32)
      const q1 = yp + plane * size
      v128.store(q1, a10); v128.store(q1, a11, 16); v128.store(q1, a12, 32)
      const q2 = yp + 2 * plane * size
      v128.store(q2, a20); v128.store(q2, a21, 16); v128.store(q2, a22, 32)
    }
    for (; j < outW; j += lanes) {
      let a0 = b0, a1 = b1, a2 = b2
      const xp = xr + <usize>j * size
      let wp = w
      for (let op = offsets; op < tapsEnd; op += 4) {
        const x0 = v128.load(xp + <usize>load<i32>(op) * size)
        a0 = madd<T>(v128.load(wp), x0, a0)
        a1 = madd<T>(v128.load(wp, 16), x0, a1)
        a2 = madd<T>(v128.load(wp, 32), x0, a2)
        wp += 64
      }
      const yp = yr + <usize>j * size
      const rest = outW - j
      if (rest >= lanes) {
        v128.store(yp, a0); v128.store(yp + plane * size, a1); v128.store(yp + 2 * plane * size, a2)
      } else {
        storeLanes<T>(yp, a0, rest); storeLanes<T>(yp + plane * size, a1, rest); storeLanes<T>(yp + 2 * plane * size, a2, rest)
      }
    }
  }
}

/**
 * forward for groups of one or two output channels (depthwise layers, grad-input of
 * single-channel images): one channel at a time over 6 pixel vectors (8 spilled), instead of a
 * 4-channel block that would be mostly zeros. Same arguments and weight layout as forward.
 */
function forwardNarrow<T>(
  x: usize, rowStride: i32, offsets: usize, taps: i32,
  w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  const size = <usize>sizeof<T>()
  const lanes = 16 / <i32>sizeof<T>()
  const block = lanes * 6
  const plane = <usize>(outH * outW)
  const tapsEnd = offsets + (<usize>taps << 2)
  for (let m = 0; m < channels; m++) {
    const wb = w + <usize>(m / CHANNELS) * <usize>taps * 64 + <usize>(m % CHANNELS) * 16
    const bv = v128.splat<T>(load<T>(bias + <usize>m * size))
    for (let i = i0; i < i1; i++) {
      const xr = x + <usize>i * <usize>rowStride * size
      const yr = y + (<usize>m * plane + <usize>i * <usize>outW) * size
      let j = 0
      for (; j + block <= outW; j += block) {
        let a0 = bv, a1 = bv, a2 = bv, a3 = bv, a4 = bv, a5 = bv
        const xp = xr + <usize>j * size
        let wp = wb
        for (let op = offsets; op < tapsEnd; op += 4) {
          const p = xp + <usize>load<i32>(op) * size
          const wv = v128.load(wp)
          a0 = madd<T>(wv, v128.load(p), a0)
          a1 = madd<T>(wv, v128.load(p, 16), a1)
          a2 = madd<T>(wv, v128.load(p, 32), a2)
          a3 = madd<T>(wv, v128.load(p, 48), a3)
          a4 = madd<T>(wv, v128.load(p, 64), a4)
          a5 = madd<T>(wv, v128.load(p, 80), a5)
          wp += 64
        }
        const yp = yr + <usize>j * size
        v128.store(yp, a0); v128.store(yp, a1, 16); v128.store(yp, a2, 32); v128.store(yp, a3, 48)
        v128.store(yp, a4, 64); v128.store(yp, a5, 80)
      }
      for (; j < outW; j += lanes) {
        let a0 = bv
        const xp = xr + <usize>j * size
        let wp = wb
        for (let op = offsets; op < tapsEnd; op += 4) {
          a0 = madd<T>(v128.load(wp), v128.load(xp + <usize>load<i32>(op) * size), a0)
          wp += 64
        }
        const yp = yr + <usize>j * size
        if (outW - j >= lanes) v128.store(yp, a0)
        else storeLanes<T>(yp, a0, outW - j)
      }
    }
  }
}

/**
 * gw[m, k] += Σ_{i in i0..i1, j} gy[m, i, j] · x[i·rowStride + offsets[k] + j]
 * for one group and one batch item; gy[m, i, j] is at gy + m·gyPlane + i·gyPitch + j (dense, or
 * inside the zero-bordered copy made for grad-input). gw is float64 [channels][taps] whatever T is, so long
 * sums keep their precision; rows are walked in tiles of tileRows so that the tile's
 * gradient rows and input rows stay in cache while every tap block passes over them.
 */
function gradWeight<T>(
  x: usize, rowStride: i32, offsets: usize, taps: i32,
  gy: usize, gyPitch: i32, gyPlane: i32, channels: i32, outW: i32, i0: i32, i1: i32,
  gw: usize, tileRows: i32,
): void {
  const size = <usize>sizeof<T>()
  const lanes = 16 / <i32>sizeof<T>()
  const plane = <usize>gyPlane
  const whole = outW - outW % lanes
  const mask = laneMask<T>(outW - whole)
  for (let r0 = i0; r0 < i1; r0 += tileRows) {
    const r1 = min(i1, r0 + tileRows)
    for (let m0 = 0; m0 < channels; m0 += CHANNELS) {
      const live = min(CHANNELS, channels - m0)
      const g0 = gy + <usize>m0 * plane * size
      const g1 = gy + <usize>min(m0 + 1, channels - 1) * plane * size
      const g2 = gy + <usize>min(m0 + 2, channels - 1) * plane * size
      const g3 = gy + <usize>min(m0 + 3, channels - 1) * plane * size
      for (let k0 = 0; k0 < taps; k0 += TAPS) {
        const count = min(TAPS, taps - k0)
        const o0 = <usize>load<i32>(offsets + (<usize>k0 << 2)) * size
        const o1 = <usize>load<i32>(offsets + (<usize>min(k0 + 1, taps - 1) << 2)) * size
        let a00 = v128.splat<T>(0), a01 = a00
        let a10 = a00, a11 = a00
        let a20 = a00, a21 = a00
        let a30 = a00, a31 = a00
        for (let i = r0; i < r1; i++) {
          const xr = x + <usize>i * <usize>rowStride * size
          const gr = <usize>i * <usize>gyPitch * size
          let j = 0
          for (; j < whole; j += lanes) {
            const at = <usize>j * size
            const xp = xr + at
            const x0 = v128.load(xp + o0)
            const x1 = v128.load(xp + o1)
            let gv = v128.load(g0 + gr + at)
            a00 = madd<T>(gv, x0, a00); a01 = madd<T>(gv, x1, a01)
            gv = v128.load(g1 + gr + at)
            a10 = madd<T>(gv, x0, a10); a11 = madd<T>(gv, x1, a11)
            gv = v128.load(g2 + gr + at)
            a20 = madd<T>(gv, x0, a20); a21 = madd<T>(gv, x1, a21)
            gv = v128.load(g3 + gr + at)
            a30 = madd<T>(gv, x0, a30); a31 = madd<T>(gv, x1, a31)
          }
          if (j < outW) {
            // Last partial vector: gradient lanes past the row are masked to zero.
            const at = <usize>j * size
            const xp = xr + at
            const x0 = v128.load(xp + o0)
            const x1 = v128.load(xp + o1)
            let gv = v128.and(v128.load(g0 + gr + at), mask)
            a00 = madd<T>(gv, x0, a00); a01 = madd<T>(gv, x1, a01)
            gv = v128.and(v128.load(g1 + gr + at), mask)
            a10 = madd<T>(gv, x0, a10); a11 = madd<T>(gv, x1, a11)
            gv = v128.and(v128.load(g2 + gr + at), mask)
            a20 = madd<T>(gv, x0, a20); a21 = madd<T>(gv, x1, a21)
            gv = v128.and(v128.load(g3 + gr + at), mask)
            a30 = madd<T>(gv, x0, a30); a31 = madd<T>(gv, x1, a31)
          }
        }
        addSums<T>(gw + (<usize>m0 * <usize>taps + <usize>k0) * 8, a00, a01, count)
        if (live > 1) addSums<T>(gw + (<usize>(m0 + 1) * <usize>taps + <usize>k0) * 8, a10, a11, count)
        if (live > 2) addSums<T>(gw + (<usize>(m0 + 2) * <usize>taps + <usize>k0) * 8, a20, a21, count)
        if (live > 3) addSums<T>(gw + (<usize>(m0 + 3) * <usize>taps + <usize>k0) * 8, a30, a31, count)
      }
    }
  }
}

// @ts-ignore: decorator
@inline function addSums<T>(at: usize, s0: v128, s1: v128, count: i32): void {
  store<f64>(at, load<f64>(at) + laneSum<T>(s0))
  if (count > 1) store<f64>(at + 8, load<f64>(at + 8) + laneSum<T>(s1))
}

export function forward_f64(
  x: usize, rowStride: i32, offsets: usize, taps: i32, w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  forward<f64>(x, rowStride, offsets, taps, w, bias, y, channels, outH, outW, i0, i1)
}

export function forward_f32(
  x: usize, rowStride: i32, offsets: usize, taps: i32, w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  forward<f32>(x, rowStride, offsets, taps, w, bias, y, channels, outH, outW, i0, i1)
}

export function forwardThree_f64(
  x: usize, rowStride: i32, offsets: usize, taps: i32, w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  forwardThree<f64>(x, rowStride, offsets, taps, w, bias, y, channels, outH, outW, i0, i1)
}

export function forwardThree_f32(
  x: usize, rowStride: i32, offsets: usize, taps: i32, w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  forwardThree<f32>(x, rowStride, offsets, taps, w, bias, y, channels, outH, outW, i0, i1)
}

export function forwardNarrow_f64(
  x: usize, rowStride: i32, offsets: usize, taps: i32, w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  forwardNarrow<f64>(x, rowStride, offsets, taps, w, bias, y, channels, outH, outW, i0, i1)
}

export function forwardNarrow_f32(
  x: usize, rowStride: i32, offsets: usize, taps: i32, w: usize, bias: usize, y: usize,
  channels: i32, outH: i32, outW: i32, i0: i32, i1: i32,
): void {
  forwardNarrow<f32>(x, rowStride, offsets, taps, w, bias, y, channels, outH, outW, i0, i1)
}

export function gradWeight_f64(
  x: usize, rowStride: i32, offsets: usize, taps: i32, gy: usize, gyPitch: i32, gyPlane: i32,
  channels: i32, outW: i32, i0: i32, i1: i32, gw: usize, tileRows: i32,
): void {
  gradWeight<f64>(x, rowStride, offsets, taps, gy, gyPitch, gyPlane, channels, outW, i0, i1, gw, tileRows)
}

export function gradWeight_f32(
  x: usize, rowStride: i32, offsets: usize, taps: i32, gy: usize, gyPitch: i32, gyPlane: i32,
  channels: i32, outW: i32, i0: i32, i1: i32, gw: usize, tileRows: i32,
): void {
  gradWeight<f32>(x, rowStride, offsets, taps, gy, gyPitch, gyPlane, channels, outW, i0, i1, gw, tileRows)
}

// ─── Display maps ───────────────────────────────────────────────────────────────────────────
// The screen's maps of float64 planes made where the planes already are (the kernels' memory):
// box means as float32 and each plane's exact range, in one pass with no copy of the planes.

/**
 * src: `planes` planes of height × width f64, rows `pitch` and planes `planeStride` elements
 * apart (so a crop of larger planes, e.g. the unpadded part of dE/dx, is read in place). For each plane: the means of factor × factor boxes
 * (partial boxes at the right and bottom edges) as f32 in out (planes × displayH × displayW),
 * and at ranges + 24·p: the minimum, the maximum and Σ v·0 (0 exactly when every value is
 * finite; otherwise the caller counts the plane again). sums: displayW f64 of scratch.
 * pmin/pmax (one instruction each, unlike min/max with their NaN and ±0 rules): a NaN never
 * wins them, and a plane with a NaN is counted again anyway.
 */
export function planeMaps_f64(
  src: usize, planes: i32, height: i32, width: i32, pitch: i32, planeStride: i32,
  factor: i32, out: usize, sums: usize, ranges: usize,
): void {
  const displayH = (height + factor - 1) / factor
  const displayW = (width + factor - 1) / factor
  const plane = <usize>planeStride * 8
  const zero = f64x2.splat(0)
  for (let p = 0; p < planes; p++) {
    const base = src + <usize>p * plane
    let low = f64x2.splat(Infinity)
    let high = f64x2.splat(-Infinity)
    let poison = zero
    if (factor == 1) {
      // full size: the values themselves as f32 (as the TypeScript maps copy them)
      for (let r = 0; r < height; r++) {
        const row = base + <usize>r * <usize>pitch * 8
        const target = out + <usize>(p * height + r) * <usize>width * 4
        let c = 0
        for (; c + 2 <= width; c += 2) {
          const v = v128.load(row + <usize>c * 8)
          v128.store64_lane(target + <usize>c * 4, f32x4.demote_f64x2_zero(v), 0)
          low = f64x2.pmin(low, v)
          high = f64x2.pmax(high, v)
          poison = f64x2.add(poison, f64x2.mul(v, zero))
        }
        if (c < width) {
          const value = load<f64>(row + <usize>c * 8)
          const v = f64x2.splat(value)
          store<f32>(target + <usize>c * 4, <f32>value)
          low = f64x2.pmin(low, v)
          high = f64x2.pmax(high, v)
          poison = f64x2.add(poison, f64x2.mul(v, zero))
        }
      }
    }
    for (let i = 0; factor > 1 && i < displayH; i++) {
      memory.fill(sums, 0, <usize>displayW * 8)
      const r1 = min(height, (i + 1) * factor)
      for (let r = i * factor; r < r1; r++) {
        const row = base + <usize>r * <usize>pitch * 8
        let j = 0
        // 2 × 2 boxes two at a time: each box row's sum is its even value plus its odd value, as below
        for (; factor == 2 && 2 * j + 4 <= width; j += 2) {
          const v0 = v128.load(row + <usize>(2 * j) * 8)
          const v1 = v128.load(row + <usize>(2 * j + 2) * 8)
          const pair = f64x2.add(v128.shuffle<f64>(v0, v1, 0, 2), v128.shuffle<f64>(v0, v1, 1, 3))
          const at = sums + <usize>j * 8
          v128.store(at, f64x2.add(v128.load(at), pair))
          low = f64x2.pmin(f64x2.pmin(low, v0), v1)
          high = f64x2.pmax(f64x2.pmax(high, v0), v1)
          poison = f64x2.add(poison, f64x2.add(f64x2.mul(v0, zero), f64x2.mul(v1, zero)))
        }
        for (; j < displayW; j++) {
          const c1 = min(width, (j + 1) * factor)
          let c = j * factor
          let acc = zero
          for (; c + 2 <= c1; c += 2) {
            const v = v128.load(row + <usize>c * 8)
            acc = f64x2.add(acc, v)
            low = f64x2.pmin(low, v)
            high = f64x2.pmax(high, v)
            poison = f64x2.add(poison, f64x2.mul(v, zero))
          }
          let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1)
          if (c < c1) {
            const value = load<f64>(row + <usize>c * 8)
            const v = f64x2.splat(value)
            sum += value
            low = f64x2.pmin(low, v)
            high = f64x2.pmax(high, v)
            poison = f64x2.add(poison, f64x2.mul(v, zero))
          }
          const at = sums + <usize>j * 8
          store<f64>(at, load<f64>(at) + sum)
        }
      }
      const rows = <f64>(r1 - i * factor)
      const target = out + (<usize>(p * displayH + i) * <usize>displayW) * 4
      for (let j = 0; j < displayW; j++) {
        const columns = <f64>(min(width, (j + 1) * factor) - j * factor)
        store<f32>(target + <usize>j * 4, <f32>(load<f64>(sums + <usize>j * 8) / (rows * columns)))
      }
    }
    const at = ranges + <usize>p * 24
    store<f64>(at, min(f64x2.extract_lane(low, 0), f64x2.extract_lane(low, 1)))
    store<f64>(at + 8, max(f64x2.extract_lane(high, 0), f64x2.extract_lane(high, 1)))
    store<f64>(at + 16, f64x2.extract_lane(poison, 0) + f64x2.extract_lane(poison, 1))
  }
}

// ─── A stack's ReLU next to a Conv2d ─────────────────────────────────────────────────────────
// Computed on the kernel threads where the convolution left its planes (reluPlaneMaps_f64
// below), so that the calling thread only reads results back.

/**
 * Zeros the border of `planes` padded planes (rows `rowElements`, planes `planeElements` apart,
 * paddedH rows) around an interior of height × width at (padTop, padLeft): what zero padding
 * and the spare columns hold, around values written in place by reluPlaneMaps_f64.
 */
export function zeroBorder_f64(
  at: usize, planes: i32, rowElements: i32, planeElements: i32, paddedH: i32, padTop: i32, padLeft: i32, height: i32, width: i32,
): void {
  const row = <usize>rowElements * 8
  for (let p = 0; p < planes; p++) {
    const plane = at + <usize>p * <usize>planeElements * 8
    memory.fill(plane, 0, <usize>padTop * row)
    const below = padTop + height
    memory.fill(plane + <usize>below * row, 0, <usize>(paddedH - below) * row)
    for (let r = padTop; r < below; r++) {
      const start = plane + <usize>r * row
      memory.fill(start, 0, <usize>padLeft * 8)
      memory.fill(start + <usize>(padLeft + width) * 8, 0, <usize>(rowElements - padLeft - width) * 8)
    }
  }
}

// ─── Sums of dense planes (a Conv2d's dE/db) ────────────────────────────────────────────────

/**
 * out[p] = the sum of dense plane p of `planes` planes of `plane` f64 at `at`, in the order of
 * core's sumPerChannel (core/conv2d-backward.ts), bit for bit: four running sums s0..s3 over
 * elements 4q, 4q + 1, 4q + 2, 4q + 3 of the plane (two vectors here), the rest added to s0,
 * then (s0 + s1) + (s2 + s3).
 */
export function planeSums_f64(at: usize, planes: i32, plane: i32, out: usize): void {
  for (let p = 0; p < planes; p++) {
    const start = at + <usize>p * <usize>plane * 8
    let s01 = f64x2.splat(0)
    let s23 = f64x2.splat(0)
    let k = 0
    for (; k + 3 < plane; k += 4) {
      const here = start + <usize>k * 8
      s01 = f64x2.add(s01, v128.load(here))
      s23 = f64x2.add(s23, v128.load(here, 16))
    }
    let s0 = f64x2.extract_lane(s01, 0)
    for (; k < plane; k++) s0 += load<f64>(start + <usize>k * 8)
    store<f64>(out + <usize>p * 8, s0 + f64x2.extract_lane(s01, 1) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1)))
  }
}

// ─── A ReLU and the maps of both its tensors in one pass ────────────────────────────────────

/**
 * relu(v) = v ≤ 0 ? +0 : v (−0 and −∞ give +0, NaN stays NaN: core's reluForward bit for bit);
 * with a mask (the ReLU's output y at `at`), its dE/dx for dE/dy = v: (y ≤ 0 ? 0 : v) + 0 (a NaN
 * in y passes v, −0 gives +0: core's reluBackward for a finite v; the caller takes core's loop
 * when v holds NaN or ±∞).
 */
@inline function activated(v: v128, mask: usize, at: usize): v128 {
  const zero = f64x2.splat(0)
  if (mask == 0) return v128.andnot(v, f64x2.le(v, zero))
  return f64x2.add(v128.andnot(v, f64x2.le(v128.load(at), zero)), zero)
}

@inline function activatedOne(v: f64, mask: usize, at: usize): f64 {
  if (mask == 0) return v <= 0 ? 0 : v
  return (load<f64>(at) <= 0 ? 0 : v) + 0
}

/** Row r of plane p of v and of the ReLU's values, copied to the dense copyV and copyA (0: none). */
@inline function copyRows(copyV: usize, copyA: usize, row: usize, targetRow: usize, p: i32, r: i32, height: i32, width: i32): void {
  const at = <usize>(p * height + r) * <usize>width * 8
  if (copyV != 0) memory.copy(copyV + at, row, <usize>width * 8)
  if (copyA != 0) memory.copy(copyA + at, targetRow, <usize>width * 8)
}

/**
 * A ReLU's values written to dst (rows dstPitch, planes dstPlane elements apart) with the display
 * maps of its input v (src) and of those values, in one pass: what planeMaps_f64 writes for each,
 * bit for bit (outV/rangesV for v, outA/rangesA for the ReLU's values; sums: 2 × displayW f64).
 * mask 0: the forward, relu(v). Otherwise the backward of a ReLU whose output y is at mask (rows
 * maskPitch, planes maskPlane elements apart) for dE/dy = v: (y ≤ 0 ? 0 : v) + 0.
 * copyV, copyA (0: none): dense copies of v and of the ReLU's values (rows width, planes
 * height × width elements apart), each row written while it is still in the cache.
 */
export function reluPlaneMaps_f64(
  src: usize, pitch: i32, planeStride: i32, mask: usize, maskPitch: i32, maskPlane: i32, dst: usize, dstPitch: i32, dstPlane: i32,
  planes: i32, height: i32, width: i32, factor: i32, outV: usize, outA: usize, sums: usize, rangesV: usize, rangesA: usize,
  copyV: usize, copyA: usize,
): void {
  const displayH = (height + factor - 1) / factor
  const displayW = (width + factor - 1) / factor
  const zero = f64x2.splat(0)
  const sumsA = sums + <usize>displayW * 8
  for (let p = 0; p < planes; p++) {
    const base = src + <usize>p * <usize>planeStride * 8
    const maskBase = mask == 0 ? 0 : mask + <usize>p * <usize>maskPlane * 8
    const target = dst + <usize>p * <usize>dstPlane * 8
    let low = f64x2.splat(Infinity)
    let high = f64x2.splat(-Infinity)
    let poison = zero
    let lowA = f64x2.splat(Infinity)
    let highA = f64x2.splat(-Infinity)
    let poisonA = zero
    if (factor == 1) {
      for (let r = 0; r < height; r++) {
        const row = base + <usize>r * <usize>pitch * 8
        const maskRow = maskBase + <usize>r * <usize>maskPitch * 8
        const targetRow = target + <usize>r * <usize>dstPitch * 8
        const outRow = <usize>(p * height + r) * <usize>width * 4
        let c = 0
        for (; c + 2 <= width; c += 2) {
          const v = v128.load(row + <usize>c * 8)
          const a = activated(v, maskBase, maskRow + <usize>c * 8)
          v128.store(targetRow + <usize>c * 8, a)
          v128.store64_lane(outV + outRow + <usize>c * 4, f32x4.demote_f64x2_zero(v), 0)
          v128.store64_lane(outA + outRow + <usize>c * 4, f32x4.demote_f64x2_zero(a), 0)
          low = f64x2.pmin(low, v)
          high = f64x2.pmax(high, v)
          poison = f64x2.add(poison, f64x2.mul(v, zero))
          lowA = f64x2.pmin(lowA, a)
          highA = f64x2.pmax(highA, a)
          poisonA = f64x2.add(poisonA, f64x2.mul(a, zero))
        }
        if (c < width) {
          const value = load<f64>(row + <usize>c * 8)
          const one = activatedOne(value, maskBase, maskRow + <usize>c * 8)
          store<f64>(targetRow + <usize>c * 8, one)
          store<f32>(outV + outRow + <usize>c * 4, <f32>value)
          store<f32>(outA + outRow + <usize>c * 4, <f32>one)
          const v = f64x2.splat(value)
          const a = f64x2.splat(one)
          low = f64x2.pmin(low, v)
          high = f64x2.pmax(high, v)
          poison = f64x2.add(poison, f64x2.mul(v, zero))
          lowA = f64x2.pmin(lowA, a)
          highA = f64x2.pmax(highA, a)
          poisonA = f64x2.add(poisonA, f64x2.mul(a, zero))
        }
        copyRows(copyV, copyA, row, targetRow, p, r, height, width)
      }
    }
    for (let i = 0; factor > 1 && i < displayH; i++) {
      memory.fill(sums, 0, <usize>displayW * 16)
      const r1 = min(height, (i + 1) * factor)
      for (let r = i * factor; r < r1; r++) {
        const row = base + <usize>r * <usize>pitch * 8
        const maskRow = maskBase + <usize>r * <usize>maskPitch * 8
        const targetRow = target + <usize>r * <usize>dstPitch * 8
        let j = 0
        for (; factor == 2 && 2 * j + 4 <= width; j += 2) {
          const c = <usize>(2 * j) * 8
          const v0 = v128.load(row + c)
          const v1 = v128.load(row + c + 16)
          const a0 = activated(v0, maskBase, maskRow + c)
          const a1 = activated(v1, maskBase, maskRow + c + 16)
          v128.store(targetRow + c, a0)
          v128.store(targetRow + c + 16, a1)
          const at = sums + <usize>j * 8
          v128.store(at, f64x2.add(v128.load(at), f64x2.add(v128.shuffle<f64>(v0, v1, 0, 2), v128.shuffle<f64>(v0, v1, 1, 3))))
          const atA = sumsA + <usize>j * 8
          v128.store(atA, f64x2.add(v128.load(atA), f64x2.add(v128.shuffle<f64>(a0, a1, 0, 2), v128.shuffle<f64>(a0, a1, 1, 3))))
          low = f64x2.pmin(f64x2.pmin(low, v0), v1)
          high = f64x2.pmax(f64x2.pmax(high, v0), v1)
          poison = f64x2.add(poison, f64x2.add(f64x2.mul(v0, zero), f64x2.mul(v1, zero)))
          lowA = f64x2.pmin(f64x2.pmin(lowA, a0), a1)
          highA = f64x2.pmax(f64x2.pmax(highA, a0), a1)
          poisonA = f64x2.add(poisonA, f64x2.add(f64x2.mul(a0, zero), f64x2.mul(a1, zero)))
        }
        for (; j < displayW; j++) {
          const c1 = min(width, (j + 1) * factor)
          let c = j * factor
          let acc = zero
          let accA = zero
          for (; c + 2 <= c1; c += 2) {
            const v = v128.load(row + <usize>c * 8)
            const a = activated(v, maskBase, maskRow + <usize>c * 8)
            v128.store(targetRow + <usize>c * 8, a)
            acc = f64x2.add(acc, v)
            accA = f64x2.add(accA, a)
            low = f64x2.pmin(low, v)
            high = f64x2.pmax(high, v)
            poison = f64x2.add(poison, f64x2.mul(v, zero))
            lowA = f64x2.pmin(lowA, a)
            highA = f64x2.pmax(highA, a)
            poisonA = f64x2.add(poisonA, f64x2.mul(a, zero))
          }
          let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1)
          let sumA = f64x2.extract_lane(accA, 0) + f64x2.extract_lane(accA, 1)
          if (c < c1) {
            const value = load<f64>(row + <usize>c * 8)
            const one = activatedOne(value, maskBase, maskRow + <usize>c * 8)
            store<f64>(targetRow + <usize>c * 8, one)
            sum += value
            sumA += one
            const v = f64x2.splat(value)
            const a = f64x2.splat(one)
            low = f64x2.pmin(low, v)
            high = f64x2.pmax(high, v)
            poison = f64x2.add(poison, f64x2.mul(v, zero))
            lowA = f64x2.pmin(lowA, a)
            highA = f64x2.pmax(highA, a)
            poisonA = f64x2.add(poisonA, f64x2.mul(a, zero))
          }
          const at = sums + <usize>j * 8
          store<f64>(at, load<f64>(at) + sum)
          const atA = sumsA + <usize>j * 8
          store<f64>(atA, load<f64>(atA) + sumA)
        }
        copyRows(copyV, copyA, row, targetRow, p, r, height, width)
      }
      const rows = <f64>(r1 - i * factor)
      const out = (<usize>(p * displayH + i) * <usize>displayW) * 4
      for (let j = 0; j < displayW; j++) {
        const columns = <f64>(min(width, (j + 1) * factor) - j * factor)
        store<f32>(outV + out + <usize>j * 4, <f32>(load<f64>(sums + <usize>j * 8) / (rows * columns)))
        store<f32>(outA + out + <usize>j * 4, <f32>(load<f64>(sumsA + <usize>j * 8) / (rows * columns)))
      }
    }
    const at = rangesV + <usize>p * 24
    store<f64>(at, min(f64x2.extract_lane(low, 0), f64x2.extract_lane(low, 1)))
    store<f64>(at + 8, max(f64x2.extract_lane(high, 0), f64x2.extract_lane(high, 1)))
    store<f64>(at + 16, f64x2.extract_lane(poison, 0) + f64x2.extract_lane(poison, 1))
    const atA = rangesA + <usize>p * 24
    store<f64>(atA, min(f64x2.extract_lane(lowA, 0), f64x2.extract_lane(lowA, 1)))
    store<f64>(atA + 8, max(f64x2.extract_lane(highA, 0), f64x2.extract_lane(highA, 1)))
    store<f64>(atA + 16, f64x2.extract_lane(poisonA, 0) + f64x2.extract_lane(poisonA, 1))
  }
}
