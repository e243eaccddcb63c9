// The finite-difference check on the user's own tensors at any size (checkGradients). The analytic
// gradients come from the engine's kernel; each checked element's numeric derivative is a central
// difference of L = Σ y·g, where only the outputs the element reaches are summed (the others do not
// change): for an element of x, the few outputs whose window reads it, each a plain dot product;
// for an element of w or b, its one output channel, by the kernel's forward pass of that channel
// alone. So a 1024×1024 photo costs a few dot products per element of x and two one-channel
// forward passes per element of w, not two whole convolutions per element.

import type { Conv2dOptions, ConvGeometry, Tensor } from '../../core'
import { convGeometry, paddingMaps, unravel } from '../../core'
import type { GradientCheckReport, GradientCheckRequest } from '../../contract'
import type { CheckProgress } from './check-elements'
import { GroupInputs, channelSum, checkWeightedLayer, weightsOf } from './check-elements'
import { checkFamilyGradients } from './family-gradient-check'
import { upstreamGradient } from './grad-output'
import type { ConvKernel } from './kernel'

export type { CheckProgress } from './check-elements'

export async function checkGradients(kernel: ConvKernel, input: Tensor, request: GradientCheckRequest, progress: CheckProgress): Promise<GradientCheckReport> {
  if (request.layer) return checkFamilyGradients(kernel, input, request, request.layer, progress)
  const { weight, bias } = weightsOf(request)
  const x: Tensor = { shape: [...input.shape], data: Float64Array.from(input.data) }
  const geometry = convGeometry(x.shape, weight.shape, request.options, bias?.data.length)
  const { output } = await kernel.forward(x, weight, bias, request.options)
  const g = upstreamGradient(request.gradOutput, output).gradOutput
  const analytic = await kernel.backward(x, weight, bias, g, request.options)
  const loss = new LocalLoss(geometry, x, weight, bias, g.data)
  const channels = new ChannelLoss(kernel, geometry, x, weight, bias, g.data, request.options)
  const perChannel = geometry.inChannelsPerGroup * geometry.kernelH * geometry.kernelW
  return checkWeightedLayer(
    request,
    {
      x,
      weight,
      bias,
      gradInput: analytic.gradInput.data,
      gradWeight: analytic.gradWeight.data,
      gradBias: analytic.gradBias?.data,
      inputLoss: (k) => loss.ofInput(k),
      // w[o, c, a, b] feeds output channel o
      channelOfWeight: (k) => Math.floor(k / perChannel),
      channelLoss: (o) => channels.of(o),
    },
    progress,
  )
}

/** Σ g·y over the outputs one element reaches, each y a fresh dot product of the current tensors. */
class LocalLoss {
  private readonly rows: Int32Array
  private readonly cols: Int32Array

  constructor(
    private readonly geo: ConvGeometry,
    private readonly x: Tensor,
    private readonly weight: Tensor,
    private readonly bias: Tensor | null,
    private readonly g: Float64Array,
  ) {
    ;({ rows: this.rows, cols: this.cols } = paddingMaps(geo))
  }

  /** y[n, o, p, q] by its definition. */
  private y(n: number, o: number, p: number, q: number): number {
    const geo = this.geo
    const group = Math.floor(o / geo.outChannelsPerGroup)
    let sum = this.bias ? this.bias.data[o] : 0
    for (let c = 0; c < geo.inChannelsPerGroup; c++) {
      const plane = (n * geo.inChannels + group * geo.inChannelsPerGroup + c) * geo.inH * geo.inW
      const kernel = (o * geo.inChannelsPerGroup + c) * geo.kernelH * geo.kernelW
      for (let kh = 0; kh < geo.kernelH; kh++) {
        const row = this.rows[p * geo.strideH + kh * geo.dilationH]
        if (row < 0) continue
        for (let kw = 0; kw < geo.kernelW; kw++) {
          const col = this.cols[q * geo.strideW + kw * geo.dilationW]
          if (col < 0) continue
          sum += this.weight.data[kernel + kh * geo.kernelW + kw] * this.x.data[plane + row * geo.inW + col]
        }
      }
    }
    return sum
  }

  private term(n: number, o: number, p: number, q: number): number {
    const geo = this.geo
    return this.g[((n * geo.outChannels + o) * geo.outH + p) * geo.outW + q] * this.y(n, o, p, q)
  }

  /** L over the outputs of x[k]: the output rows and columns whose window reads its row and column. */
  ofInput(k: number): number {
    const geo = this.geo
    const [n, c, i, j] = unravel(k, this.x.shape)
    const outRows = reaching(this.rows, i, geo.kernelH, geo.dilationH, geo.strideH, geo.outH)
    const outCols = reaching(this.cols, j, geo.kernelW, geo.dilationW, geo.strideW, geo.outW)
    const group = Math.floor(c / geo.inChannelsPerGroup)
    let sum = 0
    for (let o = group * geo.outChannelsPerGroup; o < (group + 1) * geo.outChannelsPerGroup; o++) {
      for (const p of outRows) for (const q of outCols) sum += this.term(n, o, p, q)
    }
    return sum
  }
}

/** Σ g·y over one output channel, y by the kernel's forward pass of that channel alone. */
class ChannelLoss {
  private readonly groups: GroupInputs

  constructor(
    private readonly kernel: ConvKernel,
    private readonly geo: ConvGeometry,
    x: Tensor,
    private readonly weight: Tensor,
    private readonly bias: Tensor | null,
    private readonly g: Float64Array,
    private readonly options: Conv2dOptions,
  ) {
    this.groups = new GroupInputs(x, geo)
  }

  async of(o: number): Promise<number> {
    const geo = this.geo
    const size = geo.inChannelsPerGroup * geo.kernelH * geo.kernelW
    const weight: Tensor = { shape: [1, geo.inChannelsPerGroup, geo.kernelH, geo.kernelW], data: this.weight.data.slice(o * size, (o + 1) * size) }
    const bias: Tensor | null = this.bias ? { shape: [1], data: Float64Array.of(this.bias.data[o]) } : null
    const { output } = await this.kernel.forward(this.groups.of(Math.floor(o / geo.outChannelsPerGroup)), weight, bias, { ...this.options, groups: 1 })
    return channelSum(this.g, output.data, o, geo)
  }
}

/** Output positions on one axis whose window reads input position `i` (through any padded copy of it). */
function reaching(map: Int32Array, i: number, kernel: number, dilation: number, stride: number, out: number): number[] {
  const found = new Set<number>()
  for (let r = 0; r < map.length; r++) {
    if (map[r] !== i) continue
    for (let kk = 0; kk < kernel; kk++) {
      const start = r - kk * dilation
      if (start >= 0 && start % stride === 0 && start / stride < out) found.add(start / stride)
    }
  }
  return [...found]
}
