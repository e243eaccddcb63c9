// checkGradients for the rest of the family on the user's own tensors: ConvTranspose2d (x, w, b)
// and the pools (dE/dx only: they have no weight). As for Conv2d, each element's central
// difference sums only the outputs it reaches: for x, the few output cells its stamps (or its
// windows) touch, each recomputed from its definition; for w and b, one output channel by the
// kernel. MaxPool2d leaves out the elements at a tie (see `excluded` in the report).

import type { PoolGeometry, PoolKernels, Tensor } from '../../core'
import {
  avgPool2d,
  avgPool2dBackward,
  avgPoolDivisors,
  avgPoolGeometry,
  convTranspose2dGeometry,
  maxPool2d,
  maxPool2dBackward,
  poolGeometry,
  seededSource,
  unravel,
} from '../../core'
import type { ConvTranspose2dGeometry } from '../../core/conv-transpose2d-geometry'
import type { FamilyLayerSpec, GradientCheckReport, GradientCheckRequest } from '../../contract'
import type { CheckProgress } from './check-elements'
import { GroupInputs, STEP, channelSum, checkWeightedLayer, count, emptyReport, pick, pickUsable, runChecks, weightsOf } from './check-elements'
import { transposedForward, transposedGradInput, transposedWeightGradients } from './family-layer'
import { upstreamGradient } from './grad-output'
import type { ConvKernel } from './kernel'

export async function checkFamilyGradients(
  kernel: ConvKernel,
  input: Tensor,
  request: GradientCheckRequest,
  layer: FamilyLayerSpec,
  progress: CheckProgress,
): Promise<GradientCheckReport> {
  const x: Tensor = { shape: [...input.shape], data: Float64Array.from(input.data) }
  if (layer.type === 'conv-transpose2d') return checkTransposed(kernel, x, request, layer.options, progress)
  // the pools' own WebAssembly kernels where the engine has them (the same numbers as core's loops)
  return checkPool(x, request, layer, progress, kernel.stack?.kernels)
}

async function checkTransposed(
  kernel: ConvKernel,
  x: Tensor,
  request: GradientCheckRequest,
  options: Extract<FamilyLayerSpec, { type: 'conv-transpose2d' }>['options'],
  progress: CheckProgress,
): Promise<GradientCheckReport> {
  const { weight, bias } = weightsOf(request)
  const geometry = convTranspose2dGeometry(x.shape, weight.shape, options, bias?.data.length)
  const output = await transposedForward(kernel, x, weight, bias, geometry)
  const g = upstreamGradient(request.gradOutput, output).gradOutput
  const gradInput = await transposedGradInput(kernel, g, weight, geometry)
  const { gradWeight, gradBias } = await transposedWeightGradients(kernel, x, weight, bias !== null, g, geometry)
  const local = new TransposedLocalLoss(geometry, x, weight, bias, g.data)
  const channels = new TransposedChannelLoss(kernel, geometry, x, weight, bias, g.data)
  const perInput = geometry.outChannelsPerGroup * geometry.kernelH * geometry.kernelW
  return checkWeightedLayer(
    request,
    {
      x,
      weight,
      bias,
      gradInput: gradInput.data,
      gradWeight: gradWeight.data,
      gradBias: gradBias?.data,
      inputLoss: (k) => local.ofInput(k),
      // w[c, o', a, b] feeds output channel group(c)·C_out/groups + o'
      channelOfWeight: (k) =>
        Math.floor(Math.floor(k / perInput) / geometry.inChannelsPerGroup) * geometry.outChannelsPerGroup +
        (Math.floor(k / (geometry.kernelH * geometry.kernelW)) % geometry.outChannelsPerGroup),
      channelLoss: (o) => channels.of(o),
    },
    progress,
  )
}

/** Output positions on one axis that input position i stamps: i·S − P + a·D inside the output. */
function stamped(i: number, kernel: number, dilation: number, stride: number, padding: number, out: number): number[] {
  const found: number[] = []
  for (let a = 0; a < kernel; a++) {
    const p = i * stride - padding + a * dilation
    if (p >= 0 && p < out) found.push(p)
  }
  return found
}

/** Σ g·y over the output cells one element of x stamps, each y by the transposed layer's definition. */
class TransposedLocalLoss {
  constructor(
    private readonly geo: ConvTranspose2dGeometry,
    private readonly x: Tensor,
    private readonly weight: Tensor,
    private readonly bias: Tensor | null,
    private readonly g: Float64Array,
  ) {}

  /** y[n, o, p, q] = b[o] + Σ over the group's input cells whose stamp lands on (p, q). */
  private y(n: number, o: number, p: number, q: number): number {
    const geo = this.geo
    const group = Math.floor(o / geo.outChannelsPerGroup)
    const within = o % geo.outChannelsPerGroup
    let sum = this.bias ? this.bias.data[o] : 0
    for (let c = group * geo.inChannelsPerGroup; c < (group + 1) * geo.inChannelsPerGroup; c++) {
      const plane = (n * geo.inChannels + c) * geo.inH * geo.inW
      const kernel = (c * geo.outChannelsPerGroup + within) * geo.kernelH * geo.kernelW
      for (let a = 0; a < geo.kernelH; a++) {
        const r = p + geo.padH - a * geo.dilationH
        if (r < 0 || r % geo.strideH !== 0 || r / geo.strideH >= geo.inH) continue
        for (let b = 0; b < geo.kernelW; b++) {
          const s = q + geo.padW - b * geo.dilationW
          if (s < 0 || s % geo.strideW !== 0 || s / geo.strideW >= geo.inW) continue
          sum += this.weight.data[kernel + a * geo.kernelW + b] * this.x.data[plane + (r / geo.strideH) * geo.inW + s / geo.strideW]
        }
      }
    }
    return sum
  }

  ofInput(k: number): number {
    const geo = this.geo
    const [n, c, i, j] = unravel(k, this.x.shape)
    const rows = stamped(i, geo.kernelH, geo.dilationH, geo.strideH, geo.padH, geo.outH)
    const cols = stamped(j, geo.kernelW, geo.dilationW, geo.strideW, geo.padW, geo.outW)
    const group = Math.floor(c / geo.inChannelsPerGroup)
    let sum = 0
    for (let o = group * geo.outChannelsPerGroup; o < (group + 1) * geo.outChannelsPerGroup; o++) {
      for (const p of rows) {
        for (const q of cols) sum += this.g[((n * geo.outChannels + o) * geo.outH + p) * geo.outW + q] * this.y(n, o, p, q)
      }
    }
    return sum
  }
}

/** Σ g·y over one output channel, y by the kernel: the group's inputs through that channel's weights alone. */
class TransposedChannelLoss {
  private readonly groups: GroupInputs

  constructor(
    private readonly kernel: ConvKernel,
    private readonly geo: ConvTranspose2dGeometry,
    x: Tensor,
    private readonly weight: Tensor,
    private readonly bias: Tensor | null,
    private readonly g: Float64Array,
  ) {
    this.groups = new GroupInputs(x, geo)
  }

  async of(o: number): Promise<number> {
    const geo = this.geo
    const group = Math.floor(o / geo.outChannelsPerGroup)
    const within = o % geo.outChannelsPerGroup
    const taps = geo.kernelH * geo.kernelW
    const slice = new Float64Array(geo.inChannelsPerGroup * taps)
    for (let c = 0; c < geo.inChannelsPerGroup; c++) {
      const from = ((group * geo.inChannelsPerGroup + c) * geo.outChannelsPerGroup + within) * taps
      slice.set(this.weight.data.subarray(from, from + taps), c * taps)
    }
    const weight: Tensor = { shape: [geo.inChannelsPerGroup, 1, geo.kernelH, geo.kernelW], data: slice }
    const bias: Tensor | null = this.bias ? { shape: [1], data: Float64Array.of(this.bias.data[o]) } : null
    const x = this.groups.of(group)
    const one = convTranspose2dGeometry(x.shape, weight.shape, this.optionsOfOneChannel(), bias ? 1 : undefined)
    const output = await transposedForward(this.kernel, x, weight, bias, one)
    return channelSum(this.g, output.data, o, geo)
  }

  private optionsOfOneChannel() {
    const geo = this.geo
    return {
      stride: [geo.strideH, geo.strideW] as [number, number],
      padding: [geo.padH, geo.padW] as [number, number],
      outputPadding: [geo.outputPaddingH, geo.outputPaddingW] as [number, number],
      dilation: [geo.dilationH, geo.dilationW] as [number, number],
    }
  }
}

async function checkPool(
  x: Tensor,
  request: GradientCheckRequest,
  layer: Extract<FamilyLayerSpec, { type: 'max-pool2d' | 'avg-pool2d' }>,
  progress: CheckProgress,
  kernels?: PoolKernels,
): Promise<GradientCheckReport> {
  const isMax = layer.type === 'max-pool2d'
  const geometry = isMax ? poolGeometry(x.shape, layer.options) : avgPoolGeometry(x.shape, layer.options)
  const forward = isMax ? maxPool2d(x, geometry, kernels) : null
  const output = forward ? forward.output : avgPool2d(x, geometry, kernels).output
  const g = upstreamGradient(request.gradOutput, output).gradOutput
  const gradInput = forward ? maxPool2dBackward(g, forward.indices, geometry, kernels) : avgPool2dBackward(g, geometry, kernels)
  const windows = new PoolWindows(geometry, x.data)
  const source = seededSource(request.seed)
  const { chosen, excluded } = isMax
    ? pickUsable(x.data.length, request.elements, source, (k) => windows.awayFromTies(k))
    : { chosen: pick(x.data.length, request.elements, source), excluded: 0 }
  const report = emptyReport(request.tolerance, { input: count(chosen, x.data.length), weight: count([], 0), bias: count([], 0) })
  if (isMax) report.excluded = { input: excluded, reason: 'max-pool-tie' }
  const divisors = isMax ? null : avgPoolDivisors(geometry)
  const lossAt = (k: number): number => windows.loss(k, g.data, divisors)
  return runChecks(report, [{ parameter: 'input', chosen, shape: x.shape, values: x.data, gradient: gradInput.data, lossAt }], progress)
}

/** The windows of a pool that contain one input cell, and the loss over them. */
class PoolWindows {
  constructor(
    private readonly geo: PoolGeometry,
    private readonly x: Float64Array,
  ) {}

  /** Output rows (or columns) whose window holds input row i: i = p·S − P + a·D. */
  private reaching(i: number, kernel: number, dilation: number, stride: number, padding: number, out: number): number[] {
    const found: number[] = []
    for (let a = 0; a < kernel; a++) {
      const r = i + padding - a * dilation
      if (r >= 0 && r % stride === 0 && r / stride < out) found.push(r / stride)
    }
    return found
  }

  /** Visits (plane, output row, output column) of every window holding element k. */
  private each(k: number, visit: (base: number, out: number, p: number, q: number) => void): void {
    const g = this.geo
    const j = k % g.inW
    const i = Math.floor(k / g.inW) % g.inH
    const plane = Math.floor(k / (g.inW * g.inH))
    const rows = this.reaching(i, g.kernelH, g.dilationH, g.strideH, g.padH, g.outH)
    const cols = this.reaching(j, g.kernelW, g.dilationW, g.strideW, g.padW, g.outW)
    for (const p of rows) for (const q of cols) visit(plane * g.inH * g.inW, (plane * g.outH + p) * g.outW + q, p, q)
  }

  /** The window's real cells, row-major. */
  private cells(base: number, p: number, q: number, visit: (index: number) => void): void {
    const g = this.geo
    for (let a = 0; a < g.kernelH; a++) {
      const h = p * g.strideH - g.padH + a * g.dilationH
      if (h < 0 || h >= g.inH) continue
      for (let b = 0; b < g.kernelW; b++) {
        const w = q * g.strideW - g.padW + b * g.dilationW
        if (w >= 0 && w < g.inW) visit(base + h * g.inW + w)
      }
    }
  }

  /**
   * Whether every window holding element k has its other cells' maximum more than 2h away from
   * x[k] (and no NaN or ±∞): then the window's maximum is smooth in x[k] over the whole step.
   */
  awayFromTies(k: number): boolean {
    let away = true
    const value = this.x[k]
    if (!Number.isFinite(value)) return false
    this.each(k, (base, _out, p, q) => {
      if (!away) return
      let other = -Infinity
      this.cells(base, p, q, (index) => {
        const v = this.x[index]
        if (!Number.isFinite(v)) away = false
        else if (index !== k && v > other) other = v
      })
      if (Math.abs(value - other) <= 2 * STEP) away = false
    })
    return away
  }

  /** Σ g·y over the windows holding k: y their maximum (divisors null) or their sum over the divisor. */
  loss(k: number, g: Float64Array, divisors: Float64Array | null): number {
    const geo = this.geo
    let sum = 0
    this.each(k, (base, out, p, q) => {
      let y = divisors ? 0 : -Infinity
      this.cells(base, p, q, (index) => {
        const v = this.x[index]
        if (divisors) y += v
        else if (v > y || v !== v) y = v
      })
      if (divisors) y /= divisors[p * geo.outW + q]
      sum += g[out] * y
    })
    return sum
  }
}
