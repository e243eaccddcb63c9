// ConvTranspose2d's forward with stride S as S_h·S_w stride-1 Conv2d forwards, one per output
// phase (rows ≡ p mod S_h, columns ≡ q mod S_w), each with the kernel taps that land on it.
// The Conv2d grad-input path spreads x with S−1 zeros between cells and multiplies them all:
// S_h·S_w times the work; the phases skip those zeros and run the fast forward kernel.

import type { ConvKernels } from './conv-transpose2d'
import type { ConvTranspose2dGeometry } from './conv-transpose2d-geometry'
import { convGeometry } from './geometry'

/** The taps of one axis that land on output phase p, and where each reads the input. */
interface PhaseAxis {
  /** Kernel indices, ordered by the input offset they read (ascending). */
  taps: number[]
  /** Input offset of the first tap: output t of the phase reads input t + first + u·step. */
  first: number
  /** Offset between consecutive taps (the sub-kernel's dilation). */
  step: number
  /** Outputs of this phase: rows p, p + S, … below the output size. */
  count: number
}

function phaseAxis(phase: number, stride: number, padding: number, dilation: number, kernel: number, outSize: number): PhaseAxis {
  // output r = i·S − P + a·D reads input i = (r + P − a·D) / S; on phase r = p + S·t that is
  // t + (p + P − a·D) / S, a whole number only for some taps a
  const taps: number[] = []
  for (let a = kernel - 1; a >= 0; a--) if ((((phase + padding - a * dilation) % stride) + stride) % stride === 0) taps.push(a)
  const offset = (a: number) => (phase + padding - a * dilation) / stride
  return {
    taps,
    first: taps.length > 0 ? offset(taps[0]) : 0,
    step: taps.length > 1 ? offset(taps[1]) - offset(taps[0]) : 1,
    count: phase < outSize ? Math.ceil((outSize - phase) / stride) : 0,
  }
}

/** y = conv_transpose2d(x, w, b) through the kernels' Conv2d forward, phase by phase. */
export function phaseForward(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | null,
  geometry: ConvTranspose2dGeometry,
  kernels: ConvKernels,
): Float64Array {
  const g = geometry
  const output = new Float64Array(g.batch * g.outChannels * g.outH * g.outW)
  const outPlane = g.outH * g.outW
  for (let p = 0; p < g.strideH; p++) {
    const rows = phaseAxis(p, g.strideH, g.padH, g.dilationH, g.kernelH, g.outH)
    if (rows.count === 0) continue
    for (let q = 0; q < g.strideW; q++) {
      const cols = phaseAxis(q, g.strideW, g.padW, g.dilationW, g.kernelW, g.outW)
      if (cols.count === 0) continue
      const values = phaseValues(x, weight, bias, g, rows, cols, kernels)
      // interleave: phase output (t, u) is output row p + S_h·t, column q + S_w·u
      for (let plane = 0; plane < g.batch * g.outChannels; plane++) {
        const from = plane * rows.count * cols.count
        for (let t = 0; t < rows.count; t++) {
          const source = from + t * cols.count
          const target = plane * outPlane + (p + t * g.strideH) * g.outW + q
          for (let u = 0; u < cols.count; u++) output[target + u * g.strideW] = values[source + u]
        }
      }
    }
  }
  return output
}

/** One phase's outputs (N, C_out, rows.count, cols.count), or only the bias where no tap lands. */
function phaseValues(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | null,
  g: ConvTranspose2dGeometry,
  rows: PhaseAxis,
  cols: PhaseAxis,
  kernels: ConvKernels,
): Float64Array {
  const plane = rows.count * cols.count
  if (rows.taps.length === 0 || cols.taps.length === 0) {
    const values = new Float64Array(g.batch * g.outChannels * plane)
    if (bias) for (let k = 0; k < values.length; k++) values[k] = bias[Math.floor(k / plane) % g.outChannels]
    return values
  }
  const kh = rows.taps.length
  const kw = cols.taps.length
  // the input rows/columns the phase reads, zeros outside x: a padding of each side, possibly uneven
  const height = rows.count + (kh - 1) * rows.step
  const width = cols.count + (kw - 1) * cols.step
  const image = new Float64Array(g.batch * g.inChannels * height * width)
  const rowStart = Math.max(0, -rows.first)
  const rowEnd = Math.min(height, g.inH - rows.first)
  const colStart = Math.max(0, -cols.first)
  const colEnd = Math.min(width, g.inW - cols.first)
  for (let channel = 0; channel < g.batch * g.inChannels; channel++) {
    for (let r = rowStart; r < rowEnd; r++) {
      const source = (channel * g.inH + r + rows.first) * g.inW + cols.first
      const target = (channel * height + r) * width
      if (colEnd > colStart) image.set(x.subarray(source + colStart, source + colEnd), target + colStart)
    }
  }
  // Conv2d weight (C_out, C_in/groups, kh, kw): w'[o, c, u, v] = w[c, o, taps[u], taps[v]]
  const sub = new Float64Array(g.outChannels * g.inChannelsPerGroup * kh * kw)
  for (let group = 0; group < g.groups; group++) {
    for (let o = 0; o < g.outChannelsPerGroup; o++) {
      for (let c = 0; c < g.inChannelsPerGroup; c++) {
        const from = ((group * g.inChannelsPerGroup + c) * g.outChannelsPerGroup + o) * g.kernelH * g.kernelW
        const to = ((group * g.outChannelsPerGroup + o) * g.inChannelsPerGroup + c) * kh * kw
        for (let u = 0; u < kh; u++) {
          for (let v = 0; v < kw; v++) sub[to + u * kw + v] = weight[from + rows.taps[u] * g.kernelW + cols.taps[v]]
        }
      }
    }
  }
  const conv = convGeometry(
    [g.batch, g.inChannels, height, width],
    [g.outChannels, g.inChannelsPerGroup, kh, kw],
    { dilation: [rows.step, cols.step], groups: g.groups },
    bias ? g.outChannels : undefined,
  )
  return kernels.forward(image, sub, bias, conv, 'f64') as Float64Array
}
