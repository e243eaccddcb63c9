// One kernel run laid out in memory: where each buffer goes, how the tensors are packed in,
// which kernel calls compute it (split into parts by output rows, taken by the threads as they
// finish the last one), and how the results are read back. Single-thread and worker-thread
// runners share these plans.

import type { ConvGeometry } from '../geometry'
import { sumPerChannel } from '../conv2d-backward'
import type { Dtype, FloatArray } from './memory-layout'
import { BYTES, LANES, MemoryLayout, floatView, newFloatArray } from './memory-layout'
import {
  channelBlocks,
  foldPaddedGradient,
  packPaddedInput,
  packSpreadGradient,
  packWeights,
  planarLayout,
  spreadGradHeight,
  spreadGradWidth,
  tapOffsets,
  transposedWeight,
} from './packing'
import { packWinogradWeights, tileRowRange, winogradPays, winogradScratchBytes, winogradWeightBytes } from './winograd'
import { sumDirectly, wgradGroupLength, wgradScratchBytes, wgradWeights, winogradWeightFits } from './winograd-grad'

export type KernelName =
  | 'forward_f64'
  | 'forward_f32'
  | 'forwardNarrow_f64'
  | 'forwardNarrow_f32'
  | 'forwardThree_f64'
  | 'forwardThree_f32'
  | 'gradWeight_f64'
  | 'gradWeight_f32'
  // Winograd F(2×2, 3×3) for 3 × 3 stride-1 convolutions (core/wasm/winograd.as, winograd.ts)
  | 'winograd_f64'
  // grad-weight of 3 × 3 stride-1 float64 convolutions on Winograd F(2×2, 3×3) (core/wasm/winograd-grad.as)
  | 'wgradWeight_f64'
  // the pooling kernels (core/wasm/pool.as, core/fast/pools.ts)
  | 'maxPool_f64'
  | 'maxPoolBackward_f64'
  | 'avgPool_f64'
  | 'avgPoolBackward_f64'
  // display maps and a stack's ReLU next to a Conv2d (core/fast/maps.ts, mapped-plans.ts)
  | 'planeMaps_f64'
  | 'zeroBorder_f64'
  | 'reluPlaneMaps_f64'
  | 'planeSums_f64'
  // not WebAssembly: planes copied out of kernel memory into `target` by the thread itself
  | 'copyPlanes'
  | 'copyIn'

export interface KernelCall {
  kernel: KernelName
  args: number[]
  /** copyPlanes' destination: an array over a SharedArrayBuffer, so that a kernel thread writes it. */
  target?: Float64Array
  /** copyIn's source, likewise. */
  source?: Float64Array
}

/**
 * copyIn: `planes` dense planes of height × width from element `from` of `source` into kernel
 * memory at element `to`, rows `pitch` and planes `planeStride` elements apart (copyPlanes the
 * other way).
 */
export function copyIn(memory: Float64Array, source: Float64Array, args: readonly number[]): void {
  const [to, pitch, planeStride, planes, height, width, from] = args
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < height; r++) {
      const start = from + (p * height + r) * width
      memory.set(source.subarray(start, start + width), to + p * planeStride + r * pitch)
    }
  }
}

/**
 * copyPlanes: `planes` planes of height × width float64 from element `from` of kernel memory
 * (rows `pitch` and planes `planeStride` elements apart) into `target`, dense, from element `to`.
 * The kernel threads run this function's source text (worker-source.ts) on their own view of
 * the memory: like copyIn, it uses nothing but its arguments.
 */
export function copyPlanes(memory: Float64Array, target: Float64Array, args: readonly number[]): void {
  const [from, pitch, planeStride, planes, height, width, to] = args
  if (pitch === width && planeStride === height * width) {
    target.set(memory.subarray(from, from + planes * planeStride), to)
    return
  }
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < height; r++) {
      const start = from + p * planeStride + r * pitch
      target.set(memory.subarray(start, start + width), to + (p * height + r) * width)
    }
  }
}

export interface Plan<Result> {
  /** Bytes of kernel memory the run needs. */
  bytes: number
  /**
   * Copies the tensors into memory (call once, before the calls). `imagePacked`: the padded input
   * is already where this plan wants it (see `image`), so only the rest is written; `spreadPacked`
   * likewise for the spread upstream gradient of a backward plan (see `spread`).
   */
  pack(buffer: ArrayBufferLike, imagePacked?: boolean, spreadPacked?: boolean): void
  /** The packed padded input of this plan: which input, and a key of where and how it lies. */
  image?: PackedImage
  /** A backward plan's spread dE/dy, likewise. */
  spread?: PackedImage
  /**
   * A padded input this plan's calls write for the next run (a stack's next Conv2d): it replaces
   * `image` as what memory holds once the run is done.
   */
  leaves?: PackedImage
  /** Bytes [imageEnd, bytes) are this plan's scratch: written by every run (the image only when packed). */
  imageEnd: number
  /** The kernel calls of one part; parts touch disjoint outputs and may run at the same time. */
  calls(part: number): KernelCall[]
  /** Calls of one part that read what every part's calls wrote: they start once all of those are done. */
  after?(part: number): KernelCall[]
  /** Calls of one part that write what every part's calls read (packing): all done before those start. */
  before?(part: number): KernelCall[]
  /** Reads the results back: into the caller's arrays where given (see ResultTargets), else fresh ones. */
  unpack(buffer: ArrayBufferLike): Result
  parts: number
}

/** A padded input packed in kernel memory; the same x and key mean the same bytes at the same place. */
export interface PackedImage {
  x: Float64Array
  key: string
  /** Its bytes in kernel memory: [from, to). */
  from: number
  to: number
}

/** What makes two packed padded inputs the same bytes at the same place (with the same x). */
export function imageKey(geometry: ConvGeometry, dtype: Dtype, at: number, layout: { rowElements: number; planeElements: number }): string {
  const g = geometry
  return [
    dtype,
    at,
    g.batch,
    g.inChannels,
    g.inH,
    g.inW,
    g.padTop,
    g.padLeft,
    g.paddedH,
    g.paddedW,
    g.paddingMode,
    g.strideW,
    layout.rowElements,
    layout.planeElements,
  ].join(' ')
}

export interface GradientRequest {
  input?: boolean
  weight?: boolean
  bias?: boolean
}

/**
 * Arrays to write results into instead of allocating new ones: an interactive caller that keeps
 * its result buffers between settings changes avoids the page faults of fresh large arrays.
 * Used only when the element type and length match.
 */
export interface ResultTargets {
  output?: FloatArray
  gradInput?: FloatArray
  gradWeight?: FloatArray
  /** The plan's caller copies dE/dx into `gradInput` itself (mapped-plans.ts): unpack leaves it as it is. */
  gradInputCopied?: boolean
  /**
   * The caller never changes x between calls (the engine's stored inputs): its padded copy may
   * stay in kernel memory and be used again by the next run with the same x and layout.
   */
  stableInput?: boolean
  /** The first byte of kernel memory the plan may use: below it lie arrays the caller keeps there (see KernelArrays). */
  from?: number
  /** `output` is in kernel memory at this byte address: the kernels write it in place and unpack copies nothing. */
  outputAt?: number
}

/** Packs the plan's tensors, skipping the padded input when `packed` already holds it there. */
export function packPlan<R>(plan: Plan<R>, buffer: ArrayBufferLike, packed: PackedImage | null): PackedImage | null {
  const image = plan.image
  plan.pack(buffer, !!image && !!packed && packed.x === image.x && packed.key === image.key)
  return image ?? null
}

function target(dtype: Dtype, length: number, given: FloatArray | undefined, zeroed: boolean): FloatArray {
  const fits = given && given.length === length && (dtype === 'f64' ? given instanceof Float64Array : given instanceof Float32Array)
  if (!fits) return newFloatArray(dtype, length)
  if (zeroed) given.fill(0)
  return given
}

export interface FastGradients {
  gradInput: FloatArray | null
  gradWeight: FloatArray | null
  gradBias: FloatArray | null
}

function rowRange(rows: number, part: number, parts: number): [number, number] {
  return [Math.floor((part * rows) / parts), Math.floor(((part + 1) * rows) / parts)]
}

/** A stride-1-in-memory convolution over a planar image: forward, or grad-input transposed. */
interface ConvolutionPass {
  image: number // byte address of the image
  imagePlane: number // elements per image plane
  imageChannels: number // channels of the image
  rowStride: number // elements from one output row to the next
  offsets: number
  taps: number
  weights: number
  bias: number
  output: number
  outChannels: number
  groups: number
  outH: number
  outW: number
  batch: number
  /**
   * Runs on the Winograd kernel (weights packed by packWinogradWeights): each thread's scratch,
   * `scratchBytes` from `scratch` on per part.
   */
  winograd?: { scratch: number; scratchBytes: number }
}

/**
 * Which kernels a plan's convolutions run on: 'auto' picks Winograd where it pays (winograd.ts),
 * 'direct' never (the benchmark's comparison).
 */
export type ConvMethod = 'auto' | 'direct'

/** The Winograd pass of a convolution with these input channels, or undefined when the direct kernels are better. */
function winogradPass(
  geometry: ConvGeometry,
  dtype: Dtype,
  inPerGroup: number,
  parts: number,
  memory: MemoryLayout,
  method: ConvMethod,
): ConvolutionPass['winograd'] {
  if (method === 'direct' || !winogradPays(geometry, dtype, inPerGroup)) return undefined
  const scratchBytes = winogradScratchBytes(inPerGroup)
  return { scratch: memory.take(parts * scratchBytes), scratchBytes }
}

/** Bytes of packed weights for the pass: direct blocks of splatted taps, or Winograd's transformed weights. */
function weightBytes(groups: number, outPerGroup: number, inPerGroup: number, taps: number, winograd: boolean): number {
  return groups * (winograd ? winogradWeightBytes(outPerGroup, inPerGroup) : channelBlocks(outPerGroup) * taps * 64)
}

function winogradCalls(pass: ConvolutionPass, scratch: { scratch: number; scratchBytes: number }, part: number, parts: number): KernelCall[] {
  const [i0, i1] = tileRowRange(pass.outH, part, parts)
  if (i0 >= i1) return []
  const inPerGroup = pass.imageChannels / pass.groups
  const outPerGroup = pass.outChannels / pass.groups
  const groupBytes = winogradWeightBytes(outPerGroup, inPerGroup)
  const calls: KernelCall[] = []
  for (let n = 0; n < pass.batch; n++) {
    for (let group = 0; group < pass.groups; group++) {
      calls.push({
        kernel: 'winograd_f64',
        args: [
          pass.image + (n * pass.imageChannels + group * inPerGroup) * pass.imagePlane * 8,
          pass.rowStride,
          pass.imagePlane,
          inPerGroup,
          pass.weights + group * groupBytes,
          pass.bias + group * outPerGroup * 8,
          pass.output + (n * pass.outChannels + group * outPerGroup) * pass.outH * pass.outW * 8,
          outPerGroup,
          pass.outH,
          pass.outW,
          i0,
          i1,
          scratch.scratch + part * scratch.scratchBytes,
        ],
      })
    }
  }
  return calls
}

function convolutionCalls(pass: ConvolutionPass, dtype: Dtype, part: number, parts: number): KernelCall[] {
  if (pass.winograd) return winogradCalls(pass, pass.winograd, part, parts)
  const size = BYTES[dtype]
  const calls: KernelCall[] = []
  const [i0, i1] = rowRange(pass.outH, part, parts)
  if (i0 === i1) return calls
  const inPerGroup = pass.imageChannels / pass.groups
  const outPerGroup = pass.outChannels / pass.groups
  const blockBytes = channelBlocks(outPerGroup) * pass.taps * 64
  // one to three channels per group would leave part of a 4-channel register block idle; the
  // 3-channel kernel wins on short tap lists (measured: 22 vs 18 GFLOP/s with 72 taps) but
  // loses on long ones (15.5 vs 17.7 with 288), so those keep the 4-channel block
  const three = outPerGroup === 3 && pass.taps <= 128
  const shape = outPerGroup <= 2 ? 'forwardNarrow' : three ? 'forwardThree' : 'forward'
  const kernel: KernelName = `${shape}_${dtype}`
  for (let n = 0; n < pass.batch; n++) {
    for (let group = 0; group < pass.groups; group++) {
      calls.push({
        kernel,
        args: [
          pass.image + (n * pass.imageChannels + group * inPerGroup) * pass.imagePlane * size,
          pass.rowStride,
          pass.offsets,
          pass.taps,
          pass.weights + group * blockBytes,
          pass.bias + group * outPerGroup * size,
          pass.output + (n * pass.outChannels + group * outPerGroup) * pass.outH * pass.outW * size,
          outPerGroup,
          pass.outH,
          pass.outW,
          i0,
          i1,
        ],
      })
    }
  }
  return calls
}

export function planForward(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | null,
  geometry: ConvGeometry,
  dtype: Dtype,
  parts = 1,
  into: ResultTargets = {},
  restFrom = 0,
  method: ConvMethod = 'auto',
): Plan<FloatArray> & { outputAt: number } {
  const g = geometry
  const size = BYTES[dtype]
  const lanes = LANES[dtype]
  const image = planarLayout(g.paddedH, g.paddedW, g.strideW, lanes)
  const offsets = tapOffsets(image, g.inChannelsPerGroup, g.kernelH, g.kernelW, g.dilationH, g.dilationW)
  const taps = offsets.length
  const memory = new MemoryLayout(into.from)
  const imageAt = memory.take(g.batch * g.inChannels * image.planeElements * size)
  const imageTo = memory.bytes
  // everything but the image from restFrom on: below it, a run may leave the next one's input
  memory.skipTo(restFrom)
  const offsetsAt = memory.take(taps * 4)
  const winograd = winogradPass(g, dtype, g.inChannelsPerGroup, parts, memory, method)
  const weightsAt = memory.take(weightBytes(g.groups, g.outChannelsPerGroup, g.inChannelsPerGroup, taps, !!winograd))
  const biasAt = memory.take(g.outChannels * size)
  const outputLength = g.batch * g.outChannels * g.outH * g.outW
  const inPlace = into.outputAt !== undefined && into.output?.length === outputLength
  const outputAt = inPlace ? into.outputAt! : memory.take(outputLength * size)
  const pass: ConvolutionPass = {
    image: imageAt,
    imagePlane: image.planeElements,
    imageChannels: g.inChannels,
    rowStride: g.strideH * image.rowElements,
    offsets: offsetsAt,
    taps,
    weights: weightsAt,
    bias: biasAt,
    output: outputAt,
    outChannels: g.outChannels,
    groups: g.groups,
    outH: g.outH,
    outW: g.outW,
    batch: g.batch,
    winograd,
  }
  return {
    bytes: memory.bytes,
    parts,
    outputAt,
    image: { x, key: imageKey(g, dtype, imageAt, image), from: imageAt, to: imageTo },
    imageEnd: offsetsAt,
    pack(buffer, imagePacked = false) {
      const view = floatView(buffer, dtype)
      if (!imagePacked) packPaddedInput(x, g, image, view, imageAt / size)
      new Int32Array(buffer, offsetsAt, taps).set(offsets)
      if (winograd) packWinogradWeights(weight, g.outChannels, g.inChannelsPerGroup, g.groups, view as Float64Array, weightsAt / size)
      else packWeights(weight, g.outChannels, g.groups, taps, lanes, view, weightsAt / size)
      if (bias) view.set(bias, biasAt / size)
      else view.fill(0, biasAt / size, biasAt / size + g.outChannels)
    },
    calls: (part) => convolutionCalls(pass, dtype, part, parts),
    unpack(buffer) {
      if (inPlace) return into.output!
      const start = outputAt / size
      const output = target(dtype, outputLength, into.output, false)
      output.set(floatView(buffer, dtype).subarray(start, start + outputLength))
      return output
    },
  }
}

/** Image rows per grad-weight tile: the tile's gradient and input rows should stay in cache. */
function tileRows(geometry: ConvGeometry, rowElements: number, size: number): number {
  const bytesPerRow = (geometry.outChannelsPerGroup * geometry.outW + geometry.inChannelsPerGroup * rowElements) * size
  return Math.max(1, Math.min(geometry.outH, Math.floor((256 * 1024) / bytesPerRow)))
}

export function planBackward(
  x: Float64Array,
  weight: Float64Array,
  gradOutput: Float64Array,
  geometry: ConvGeometry,
  dtype: Dtype,
  wants: GradientRequest = {},
  parts = 1,
  into: ResultTargets = {},
  scratchFrom = 0,
  method: ConvMethod = 'auto',
): Plan<FastGradients> & { covered: { at: number; height: number; width: number } | null } {
  const g = geometry
  const size = BYTES[dtype]
  const lanes = LANES[dtype]
  const wantInput = wants.input ?? true
  const wantWeight = wants.weight ?? true
  const wantBias = (wants.bias ?? true) && g.hasBias
  const memory = new MemoryLayout(into.from)

  // grad-weight: the padded input as in forward, and the upstream gradient as it is
  const image = planarLayout(g.paddedH, g.paddedW, g.strideW, lanes)
  const offsets = tapOffsets(image, g.inChannelsPerGroup, g.kernelH, g.kernelW, g.dilationH, g.dilationW)
  const taps = offsets.length
  const gradLength = g.batch * g.outChannels * g.outH * g.outW
  const weightLength = g.outChannels * taps
  const imageAt = wantWeight ? memory.take(g.batch * g.inChannels * image.planeElements * size) : 0
  const imageEnd = memory.bytes
  // everything else from scratchFrom on: a caller can keep an earlier result (the forward's y)
  // and this plan's spread dE/dy in memory across runs by placing them past what a forward writes
  memory.skipTo(scratchFrom)
  // 3 × 3 stride 1 in float64 with 4 input channels or more: grad-weight on Winograd F(2×2, 3×3),
  // whose parts sum dU (16 per (m, c), as lanes of register-block vectors) for the unpack to
  // turn into dE/dw ('direct': the benchmark's baseline, never)
  const winogradWeight = wantWeight && method !== 'direct' && winogradWeightFits(g, dtype)
  const partLength = winogradWeight ? g.groups * wgradGroupLength(g.outChannelsPerGroup, g.inChannelsPerGroup) : weightLength
  const offsetsAt = wantWeight && !winogradWeight ? memory.take(taps * 4) : 0
  const partialAt = wantWeight ? memory.take(parts * partLength * 8) : 0
  const rowsPerTile = tileRows(g, image.rowElements, size)

  // grad-input: a stride-1 convolution of the spread gradient with the transposed weight
  const spreadH = spreadGradHeight(g)
  const spreadW = spreadGradWidth(g)
  const spread = planarLayout(spreadH, spreadW, 1, lanes)
  const spreadOffsets = tapOffsets(spread, g.outChannelsPerGroup, g.kernelH, g.kernelW, g.dilationH, g.dilationW)
  const spreadTaps = spreadOffsets.length
  const coveredH = spreadH - g.dilationH * (g.kernelH - 1)
  const coveredW = spreadW - g.dilationW * (g.kernelW - 1)
  const coveredLength = g.batch * g.inChannels * coveredH * coveredW
  const spreadAt = wantInput ? memory.take(g.batch * g.outChannels * spread.planeElements * size) : 0
  const spreadOffsetsAt = wantInput ? memory.take(spreadTaps * 4) : 0
  const winograd = wantInput ? winogradPass(g, dtype, g.outChannelsPerGroup, parts, memory, method) : undefined
  const flippedAt = wantInput ? memory.take(weightBytes(g.groups, g.inChannelsPerGroup, g.outChannelsPerGroup, spreadTaps, !!winograd)) : 0
  const zeroBiasAt = wantInput ? memory.take(g.inChannels * size) : 0
  const coveredAt = wantInput ? memory.take(coveredLength * size) : 0

  // grad-weight reads the upstream gradient from grad-input's zero-bordered copy when there is
  // one without gaps (stride 1), else from a dense copy of its own
  const shareSpread = wantWeight && wantInput && g.strideH === 1 && g.strideW === 1
  const gradAt = wantWeight && !shareSpread ? memory.take(gradLength * size) : 0
  const grad = shareSpread
    ? {
        at: spreadAt + (g.dilationH * (g.kernelH - 1) * spread.rowElements + g.dilationW * (g.kernelW - 1)) * size,
        pitch: spread.rowElements,
        plane: spread.planeElements,
      }
    : { at: gradAt, pitch: g.outW, plane: g.outH * g.outW }
  const scratchBytes = winogradWeight ? wgradScratchBytes(g.outChannelsPerGroup, g.inChannelsPerGroup, Math.max(image.rowElements, grad.pitch)) : 0
  const wgradScratchAt = winogradWeight ? memory.take(parts * scratchBytes) : 0
  const transposed: ConvolutionPass = {
    image: spreadAt,
    imagePlane: spread.planeElements,
    imageChannels: g.outChannels,
    rowStride: spread.rowElements,
    offsets: spreadOffsetsAt,
    taps: spreadTaps,
    weights: flippedAt,
    bias: zeroBiasAt,
    output: coveredAt,
    outChannels: g.inChannels,
    groups: g.groups,
    outH: coveredH,
    outW: coveredW,
    batch: g.batch,
    winograd,
  }

  function winogradWeightCalls(part: number): KernelCall[] {
    // parts take whole tile rows (2 output rows)
    const [i0, i1] = tileRowRange(g.outH, part, parts)
    if (i0 === i1) return []
    const calls: KernelCall[] = []
    const groupLength = partLength / g.groups
    for (let n = 0; n < g.batch; n++) {
      for (let group = 0; group < g.groups; group++) {
        calls.push({
          kernel: 'wgradWeight_f64',
          args: [
            imageAt + (n * g.inChannels + group * g.inChannelsPerGroup) * image.planeElements * size,
            image.rowElements,
            image.planeElements,
            g.paddedH,
            grad.at + (n * g.outChannels + group * g.outChannelsPerGroup) * grad.plane * size,
            grad.pitch,
            grad.plane,
            g.outH,
            g.outW,
            g.inChannelsPerGroup,
            g.outChannelsPerGroup,
            i0,
            i1,
            partialAt + (part * g.groups + group) * groupLength * 8,
            wgradScratchAt + part * scratchBytes,
          ],
        })
      }
    }
    return calls
  }

  function weightCalls(part: number): KernelCall[] {
    if (winogradWeight) return winogradWeightCalls(part)
    const [i0, i1] = rowRange(g.outH, part, parts)
    if (i0 === i1) return []
    const calls: KernelCall[] = []
    for (let n = 0; n < g.batch; n++) {
      for (let group = 0; group < g.groups; group++) {
        calls.push({
          kernel: dtype === 'f64' ? 'gradWeight_f64' : 'gradWeight_f32',
          args: [
            imageAt + (n * g.inChannels + group * g.inChannelsPerGroup) * image.planeElements * size,
            g.strideH * image.rowElements,
            offsetsAt,
            taps,
            grad.at + (n * g.outChannels + group * g.outChannelsPerGroup) * grad.plane * size,
            grad.pitch,
            grad.plane,
            g.outChannelsPerGroup,
            g.outW,
            i0,
            i1,
            partialAt + (part * weightLength + group * g.outChannelsPerGroup * taps) * 8,
            rowsPerTile,
          ],
        })
      }
    }
    return calls
  }

  return {
    bytes: memory.bytes,
    parts,
    image: wantWeight ? { x, key: imageKey(g, dtype, imageAt, image), from: imageAt, to: imageEnd } : undefined,
    covered: wantInput ? { at: coveredAt, height: coveredH, width: coveredW } : null,
    spread: wantInput
      ? {
          x: gradOutput,
          key: [imageKey(g, dtype, spreadAt, spread), 'spread'].join(' '),
          from: spreadAt,
          to: spreadAt + g.batch * g.outChannels * spread.planeElements * size,
        }
      : undefined,
    imageEnd,
    pack(buffer, imagePacked = false, spreadPacked = false) {
      const view = floatView(buffer, dtype)
      if (wantWeight) {
        if (!imagePacked) packPaddedInput(x, g, image, view, imageAt / size)
        if (!winogradWeight) new Int32Array(buffer, offsetsAt, taps).set(offsets)
        if (!shareSpread) view.set(gradOutput, gradAt / size)
        new Float64Array(buffer, partialAt, parts * partLength).fill(0)
      }
      if (wantInput) {
        if (!spreadPacked) packSpreadGradient(gradOutput, g, spread, view, spreadAt / size)
        new Int32Array(buffer, spreadOffsetsAt, spreadTaps).set(spreadOffsets)
        const flipped = transposedWeight(weight, g)
        if (winograd) packWinogradWeights(flipped, g.inChannels, g.outChannelsPerGroup, g.groups, view as Float64Array, flippedAt / size)
        else packWeights(flipped, g.inChannels, g.groups, spreadTaps, lanes, view, flippedAt / size)
        view.fill(0, zeroBiasAt / size, zeroBiasAt / size + g.inChannels)
      }
    },
    calls(part) {
      return [...(wantWeight ? weightCalls(part) : []), ...(wantInput ? convolutionCalls(transposed, dtype, part, parts) : [])]
    },
    unpack(buffer) {
      let gradInput: FloatArray | null = null
      if (wantInput) {
        // zero padding over a covered part that reaches every input cell sets each cell once:
        // no need to clear the array first (24 MB for a 1024² RGB image)
        const setsEveryCell = g.paddingMode === 'zeros' && coveredH >= g.padTop + g.inH && coveredW >= g.padLeft + g.inW
        if (into.gradInputCopied && into.gradInput) gradInput = into.gradInput
        else {
          gradInput = target(dtype, x.length, into.gradInput, !setsEveryCell)
          foldPaddedGradient(floatView(buffer, dtype), coveredAt / size, coveredH, coveredW, g, gradInput)
        }
      }
      let gradWeight: FloatArray | null = null
      if (wantWeight && winogradWeight) {
        gradWeight = target(dtype, weightLength, into.gradWeight, false)
        wgradWeights(new Float64Array(buffer), partialAt / 8, parts, g.groups, g.outChannelsPerGroup, g.inChannelsPerGroup, gradWeight)
        sumDirectly(x, gradOutput, g, gradWeight)
      } else if (wantWeight) {
        const partial = new Float64Array(buffer, partialAt, parts * weightLength)
        const sum = partial.slice(0, weightLength)
        for (let part = 1; part < parts; part++) {
          for (let k = 0; k < weightLength; k++) sum[k] += partial[part * weightLength + k]
        }
        gradWeight = target(dtype, weightLength, into.gradWeight, false)
        gradWeight.set(sum)
      }
      let gradBias: FloatArray | null = null
      if (wantBias) {
        const sums = sumPerChannel(gradOutput, g)
        gradBias = dtype === 'f64' ? sums : Float32Array.from(sums)
      }
      return { gradInput, gradWeight, gradBias }
    },
  }
}
