// A stack's Conv2d runs with the work that follows it done on the kernel threads too: the display
// maps of its result and, when a ReLU is next to it, that ReLU (forward: relu of y; backward:
// dE/dx through the ReLU's mask). The convolution's own calls run first on every thread; then,
// once all of them are done, each thread takes its share of planes (Plan.after). The calling
// thread only reads the results back. Numbers are those of core's loops and of the maps made in
// TypeScript (map-stack.ts): the same ReLU values and the same float32 box means and ranges.

import type { ConvGeometry } from '../geometry'
import type { KernelCall, Plan } from './plans'
import { imageKey, planBackward, planForward, type FastGradients, type GradientRequest } from './plans'
import type { MapsLayout, PlaneMaps } from './maps'
import { boxFactor, readMaps } from './maps'
import { MemoryLayout } from './memory-layout'
import { planarLayout, spreadGradHeight, spreadGradWidth } from './packing'

/** Exact values and their display maps. */
export interface MappedTensor {
  data: Float64Array
  maps: PlaneMaps
}

export interface MappedForward {
  /** y of the convolution. */
  output: MappedTensor
  /** relu(y), when asked. */
  relu: MappedTensor | null
}

export interface MappedBackward extends FastGradients {
  gradInput: Float64Array
  gradInputMaps: PlaneMaps
  /**
   * dE/dx of the ReLU before the convolution (its output is the convolution's x), when asked,
   * with its sum per channel (the dE/db of a Conv2d before that ReLU, as core's sumPerChannel
   * gives it, bit for bit); null when dE/dx of the convolution holds NaN or ±∞ (the caller takes
   * core's loop then).
   */
  relu: (MappedTensor & { channelSums: Float64Array }) | null
}

/**
 * A Conv2d's float64 forward with the display maps of y made where the kernels run and, when
 * `relu`, relu(y) with its maps (a stack's Conv2d followed by a ReLU); with `next` (the Conv2d
 * after that ReLU), relu(y) is left packed for its forward.
 */
export type ForwardMapped = (
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | null,
  geometry: ConvGeometry,
  maxSide: number,
  relu: boolean,
  into?: MappedTargets,
  next?: ConvGeometry,
) => Promise<MappedForward>

/**
 * A Conv2d's float64 backward with the maps of dE/dx and, when `relu` (x is a ReLU's output),
 * that ReLU's dE/dx with its maps; null (nothing run) where backwardMappable says no.
 */
export type BackwardMapped = (
  x: Float64Array,
  weight: Float64Array,
  gradOutput: Float64Array,
  geometry: ConvGeometry,
  wants: GradientRequest,
  maxSide: number,
  relu: boolean,
  into?: MappedTargets,
) => Promise<MappedBackward> | null

/** Arrays to write the results into when their length fits (see ResultTargets). */
export interface MappedTargets {
  output?: Float64Array
  gradInput?: Float64Array
  relu?: Float64Array
}

/**
 * Arrays that live in the kernels' memory (the runner's): a stack's tensors written there in
 * place by the kernels, so that no run copies them out. A run's own buffers start at `from`,
 * past all of them.
 */
export interface KernelArrays {
  /** The byte address of `array` when it is one of these, else null. */
  addressOf(array: Float64Array | undefined): number | null
  /** A new one of `length` values (null when the memory has no room: the caller makes its own). */
  take(length: number): Float64Array | null
  /** The first byte a run's buffers may use; read after taking arrays. */
  readonly from: number
}

/** The given array when it is in kernel memory and fits, else a new one there, else a shared array of its own. */
function resultArray(given: Float64Array | undefined, length: number, arrays: KernelArrays | undefined): Float64Array {
  if (arrays && given?.length === length && arrays.addressOf(given) !== null) return given
  return arrays?.take(length) ?? sharedTarget(given, length)
}

/** Planes of height × width f64 in kernel memory: where the first starts and how rows and planes are apart. */
interface Planes {
  at: number
  pitch: number
  planeStride: number
}

function planeRange(planes: number, part: number, parts: number): [number, number] {
  return [Math.floor((part * planes) / parts), Math.floor(((part + 1) * planes) / parts)]
}

/** Room for the maps of `planes` planes (the per-thread sums come from `sums`). */
function takeMaps(memory: MemoryLayout, planes: number, height: number, width: number, maxSide: number, sums: number): MapsLayout {
  const factor = boxFactor(height, width, maxSide)
  const displayH = Math.ceil(height / factor)
  const displayW = Math.ceil(width / factor)
  const out = memory.take(planes * displayH * displayW * 4)
  const ranges = memory.take(planes * 24)
  return { planes, height, width, factor, displayH, displayW, out, sums, ranges, bytes: 0 }
}

/** The planeMaps_f64 call for planes [p0, p1) of `source`, with this thread's box sums. */
function mapsCall(source: Planes, layout: MapsLayout, p0: number, p1: number, sums: number): KernelCall {
  const { height, width, factor, displayH, displayW } = layout
  return {
    kernel: 'planeMaps_f64',
    args: [
      source.at + p0 * source.planeStride * 8,
      p1 - p0,
      height,
      width,
      source.pitch,
      source.planeStride,
      factor,
      layout.out + p0 * displayH * displayW * 4,
      sums,
      layout.ranges + p0 * 24,
    ],
  }
}

/**
 * The reluPlaneMaps_f64 call for planes [p0, p1): the ReLU's values of `source` (forward; or,
 * with `mask` its output y, the ReLU's dE/dx for dE/dy = source) into `target`, with the maps of
 * both (sums: 2 × displayW f64 of this thread's scratch). `copies`: the byte addresses of dense
 * copies of all planes of the source and of the ReLU's values, made in the same pass (0: none).
 */
function reluMapsCall(
  source: Planes,
  mask: Planes | null,
  target: Planes,
  maps: MapsLayout,
  reluMaps: MapsLayout,
  p0: number,
  p1: number,
  sums: number,
  copies: { source: number; relu: number },
): KernelCall {
  const { height, width, factor, displayH, displayW } = maps
  const shift = p0 * displayH * displayW * 4
  return {
    kernel: 'reluPlaneMaps_f64',
    args: [
      offset(source, p0),
      source.pitch,
      source.planeStride,
      mask ? offset(mask, p0) : 0,
      mask?.pitch ?? 0,
      mask?.planeStride ?? 0,
      offset(target, p0),
      target.pitch,
      target.planeStride,
      p1 - p0,
      height,
      width,
      factor,
      maps.out + shift,
      reluMaps.out + shift,
      sums,
      maps.ranges + p0 * 24,
      reluMaps.ranges + p0 * 24,
      copies.source && copies.source + p0 * height * width * 8,
      copies.relu && copies.relu + p0 * height * width * 8,
    ],
  }
}

/**
 * The calls that pack `planes` dense planes of height × width from `source` into a zero-bordered
 * layout at `at` (rows rowElements, planes planeElements apart, paddedH rows, the values at
 * (top, left)), planes [p0, p1): what packPaddedInput (zero padding, one column phase) and
 * packSpreadGradient (stride 1) write, done by the kernel threads.
 */
function packCalls(
  source: Float64Array,
  at: number,
  layout: { rowElements: number; planeElements: number },
  paddedH: number,
  top: number,
  left: number,
  height: number,
  width: number,
  p0: number,
  p1: number,
): KernelCall[] {
  const first = at + p0 * layout.planeElements * 8
  return [
    { kernel: 'zeroBorder_f64', args: [first, p1 - p0, layout.rowElements, layout.planeElements, paddedH, top, left, height, width] },
    {
      kernel: 'copyIn',
      args: [first / 8 + top * layout.rowElements + left, layout.rowElements, layout.planeElements, p1 - p0, height, width, p0 * height * width],
      source,
    },
  ]
}

/** Whether the kernel threads can read `values` (shared memory). */
const shared = (values: Float64Array): boolean => values.buffer instanceof SharedArrayBuffer

function dense(at: number, height: number, width: number): Planes {
  return { at, pitch: width, planeStride: height * width }
}

function offset(planes: Planes, planesBefore: number): number {
  return planes.at + planesBefore * planes.planeStride * 8
}

/**
 * The caller's array when it fits and is shared memory, else a new one over a SharedArrayBuffer:
 * the kernel threads copy results into it while the calling thread waits for nothing but them.
 */
function sharedTarget(given: Float64Array | undefined, length: number): Float64Array {
  if (given && given.length === length && given.buffer instanceof SharedArrayBuffer) return given
  return new Float64Array(new SharedArrayBuffer(length * 8))
}

/** The copyPlanes call for planes [p0, p1) of `source` into the dense `target`. */
function copyCall(source: Planes, p0: number, p1: number, height: number, width: number, target: Float64Array): KernelCall {
  return {
    kernel: 'copyPlanes',
    args: [offset(source, p0) / 8, source.pitch, source.planeStride, p1 - p0, height, width, p0 * height * width],
    target,
  }
}

/**
 * Whether relu(y) can be written straight into the padded input of `next` (the stack's next
 * Conv2d): zero padding and one column phase (stride 1 across), so that the next forward finds
 * its input packed.
 */
function packsNext(geometry: ConvGeometry, next: ConvGeometry | undefined): next is ConvGeometry {
  const g = geometry
  return (
    next !== undefined &&
    next.paddingMode === 'zeros' &&
    next.strideW === 1 &&
    next.batch === g.batch &&
    next.inChannels === g.outChannels &&
    next.inH === g.outH &&
    next.inW === g.outW
  )
}

/**
 * A Conv2d's forward (float64) with the maps of y and, when `relu`, relu(y) and its maps. With
 * `next` (the Conv2d after the ReLU), relu(y) is written in that Conv2d's padded layout where its
 * forward packs its input (the plan's `leaves`), and read back from there.
 */
export function planForwardMapped(
  x: Float64Array,
  weight: Float64Array,
  bias: Float64Array | null,
  geometry: ConvGeometry,
  parts: number,
  maxSide: number,
  relu: boolean,
  into: MappedTargets = {},
  next?: ConvGeometry,
  arrays?: KernelArrays,
): Plan<MappedForward> {
  const g = geometry
  const planes = g.batch * g.outChannels
  const [height, width] = [g.outH, g.outW]
  const length = planes * height * width
  // y and relu(y) written where they are kept when they can be (kernel memory), else copied out
  const outputData = resultArray(into.output, length, arrays)
  const reluData = relu ? resultArray(into.relu, length, arrays) : null
  const outputAt = arrays?.addressOf(outputData) ?? undefined
  const reluInPlace = arrays?.addressOf(reluData ?? undefined) ?? null
  const from = arrays?.from
  // the next Conv2d's padded input goes where its forward plan puts it (the first buffer), and
  // this plan's buffers after it
  const direct = relu && packsNext(g, next)
  const nextImage = direct ? planarLayout(next.paddedH, next.paddedW, 1, 2) : null
  const nextAt = new MemoryLayout(from).take(0)
  const nextBytes = nextImage ? planes * nextImage.planeElements * 8 : 0
  const base = planForward(x, weight, bias, g, 'f64', parts, { from, output: outputData, outputAt }, nextImage ? nextAt + nextBytes + 64 : 0)
  const memory = new MemoryLayout(base.bytes)
  // each thread's box sums: two display rows' worth (the fused ReLU pass sums both maps)
  const sums = memory.take(parts * 2 * width * 8)
  const outputMaps = takeMaps(memory, planes, height, width, maxSide, sums)
  const reluAt = relu && !nextImage ? (reluInPlace ?? memory.take(length * 8)) : 0
  const reluMaps = relu ? takeMaps(memory, planes, height, width, maxSide, sums) : null
  const output = dense(base.outputAt, height, width)
  const activated: Planes =
    nextImage && next
      ? { at: nextAt + (next.padTop * nextImage.rowElements + next.padLeft) * 8, pitch: nextImage.rowElements, planeStride: nextImage.planeElements }
      : dense(reluAt, height, width)
  // relu(y) left in the next Conv2d's padded input is copied to its array (in kernel memory) in
  // the same pass; what is not in kernel memory is copied out after it
  const reluCopy = nextImage !== null && reluInPlace !== null ? reluInPlace : 0
  const copyOutput = outputAt === undefined
  const copyRelu = relu && reluInPlace === null
  const image = planarLayout(g.paddedH, g.paddedW, g.strideW, 2)
  const threadsPack = shared(x) && g.paddingMode === 'zeros' && image.phases === 1
  let packImage = false
  const inPlanes = g.batch * g.inChannels
  return {
    ...base,
    bytes: memory.bytes,
    leaves: nextImage && next && reluData ? { x: reluData, key: imageKey(next, 'f64', nextAt, nextImage), from: nextAt, to: nextAt + nextBytes } : undefined,
    pack(buffer, imagePacked = false) {
      packImage = threadsPack && !imagePacked
      base.pack(buffer, imagePacked || threadsPack)
    },
    before: threadsPack
      ? (part) => {
          const [p0, p1] = planeRange(inPlanes, part, parts)
          if (!packImage || p0 === p1) return []
          return packCalls(x, base.image!.from, image, g.paddedH, g.padTop, g.padLeft, g.inH, g.inW, p0, p1)
        }
      : undefined,
    after(part) {
      const [p0, p1] = planeRange(planes, part, parts)
      if (p0 === p1) return []
      const partSums = sums + part * 2 * width * 8
      const copies = (...wanted: Array<[boolean, Planes, Float64Array | null]>) =>
        wanted.filter(([copy, , target]) => copy && target).map(([, source, target]) => copyCall(source, p0, p1, height, width, target!))
      if (!reluMaps || !reluData) return [mapsCall(output, outputMaps, p0, p1, partSums), ...copies([copyOutput, output, outputData])]
      const calls: KernelCall[] = []
      if (nextImage && next) {
        const args = [offset(activated, p0) - (next.padTop * nextImage.rowElements + next.padLeft) * 8, p1 - p0, nextImage.rowElements]
        calls.push({ kernel: 'zeroBorder_f64', args: [...args, nextImage.planeElements, next.paddedH, next.padTop, next.padLeft, height, width] })
      }
      calls.push(
        reluMapsCall(output, null, activated, outputMaps, reluMaps, p0, p1, partSums, { source: 0, relu: reluCopy }),
        ...copies([copyOutput, output, outputData], [copyRelu, activated, reluData]),
      )
      return calls
    },
    unpack(buffer) {
      // y and relu(y) are in their arrays already (written there or copied by the kernel threads)
      const result: MappedForward = { output: { data: outputData, maps: readMaps(buffer, outputMaps, outputData, 0) }, relu: null }
      if (reluMaps && reluData) result.relu = { data: reluData, maps: readMaps(buffer, reluMaps, reluData, 0) }
      return result
    },
  }
}

/**
 * Whether planBackwardMapped can run this backward: dE/dx asked, zero padding, and the
 * transposed convolution's covered part reaching every input cell (dE/dx is then its interior,
 * read in place). Otherwise the caller runs the plain backward and makes maps itself.
 */
export function backwardMappable(geometry: ConvGeometry, wants: GradientRequest): boolean {
  const g = geometry
  if (!(wants.input ?? true) || g.paddingMode !== 'zeros') return false
  const coveredH = (g.outH - 1) * g.strideH + 1 + g.dilationH * (g.kernelH - 1)
  const coveredW = (g.outW - 1) * g.strideW + 1 + g.dilationW * (g.kernelW - 1)
  return coveredH >= g.padTop + g.inH && coveredW >= g.padLeft + g.inW
}

/**
 * A Conv2d's backward (float64) with the maps of dE/dx and, when `relu` (x is the output of a
 * ReLU), the ReLU's dE/dx and its maps. Only where backwardMappable says so.
 */
export function planBackwardMapped(
  x: Float64Array,
  weight: Float64Array,
  gradOutput: Float64Array,
  geometry: ConvGeometry,
  wants: GradientRequest,
  parts: number,
  maxSide: number,
  relu: boolean,
  into: MappedTargets = {},
  arrays?: KernelArrays,
): Plan<MappedBackward> {
  const g = geometry
  const planes = g.batch * g.inChannels
  const length = planes * g.inH * g.inW
  const gradInputData = resultArray(into.gradInput, length, arrays)
  // the ReLU's dE/dx written where it is kept when it can be (kernel memory), else copied out
  const maskedData = relu ? resultArray(into.relu, length, arrays) : null
  const maskedInPlace = arrays?.addressOf(maskedData ?? undefined) ?? null
  // dE/dx (the interior of the transposed convolution's output) copied to its array in the
  // ReLU's pass when that array is in kernel memory
  const gradInputAt = arrays?.addressOf(gradInputData) ?? null
  const base = planBackward(x, weight, gradOutput, g, 'f64', wants, parts, { gradInput: gradInputData, gradInputCopied: true, from: arrays?.from })
  const covered = base.covered
  if (!covered || !backwardMappable(g, wants)) throw new Error('planBackwardMapped: not mappable (see backwardMappable)')
  const [height, width] = [g.inH, g.inW]
  const gradient: Planes = {
    at: covered.at + (g.padTop * covered.width + g.padLeft) * 8,
    pitch: covered.width,
    planeStride: covered.height * covered.width,
  }
  const memory = new MemoryLayout(base.bytes)
  const sums = memory.take(parts * 2 * width * 8)
  const gradientMaps = takeMaps(memory, planes, height, width, maxSide, sums)
  // the ReLU's output is x: read where grad-weight packed it (the padded image, one phase) or
  // from a copy of its own
  const image = planarLayout(g.paddedH, g.paddedW, g.strideW, 2)
  const inImage = relu && base.image !== undefined && image.phases === 1
  const copyAt = relu && !inImage ? memory.take(length * 8) : 0
  const activated: Planes = inImage
    ? { at: base.image!.from + (g.padTop * image.rowElements + g.padLeft) * 8, pitch: image.rowElements, planeStride: image.planeElements }
    : dense(copyAt, height, width)
  const maskedAt = relu ? (maskedInPlace ?? memory.take(length * 8)) : 0
  const maskedMaps = relu ? takeMaps(memory, planes, height, width, maxSide, sums) : null
  // the sum of each plane of the ReLU's dE/dx (added up per channel in unpack)
  const planeSumsAt = relu ? memory.take(planes * 8) : 0
  const masked = dense(maskedAt, height, width)
  // a stack's tensors (shared memory) are packed by the kernel threads, unless already in place:
  // x where grad-weight wants it (zero padding, one column phase), dE/dy spread at stride 1
  const imageByThreads = base.image !== undefined && shared(x) && image.phases === 1
  const spreadByThreads = base.spread !== undefined && shared(gradOutput) && g.strideH === 1 && g.strideW === 1
  const spreadLayout = planarLayout(spreadGradHeight(g), spreadGradWidth(g), 1, 2)
  const outPlanes = g.batch * g.outChannels
  // the ReLU's output copied for the mask alone: each thread copies its own planes just before
  let packImage = false
  let packSpread = false
  const copyByThreads = copyAt !== 0 && shared(x)
  return {
    ...base,
    bytes: memory.bytes,
    pack(buffer, imagePacked = false, spreadPacked = false) {
      packImage = imageByThreads && !imagePacked
      packSpread = spreadByThreads && !spreadPacked
      base.pack(buffer, imagePacked || imageByThreads, spreadPacked || spreadByThreads)
      if (copyAt && !copyByThreads) new Float64Array(buffer, copyAt, length).set(x)
    },
    before:
      imageByThreads || spreadByThreads
        ? (part) => {
            const calls: KernelCall[] = []
            const [i0, i1] = planeRange(planes, part, parts)
            if (packImage && i0 < i1) calls.push(...packCalls(x, base.image!.from, image, g.paddedH, g.padTop, g.padLeft, height, width, i0, i1))
            const [o0, o1] = planeRange(outPlanes, part, parts)
            const [top, left] = [g.dilationH * (g.kernelH - 1), g.dilationW * (g.kernelW - 1)]
            if (packSpread && o0 < o1)
              calls.push(
                ...packCalls(
                  gradOutput,
                  base.spread!.from,
                  spreadLayout,
                  spreadLayout.planeElements / spreadLayout.rowElements,
                  top,
                  left,
                  g.outH,
                  g.outW,
                  o0,
                  o1,
                ),
              )
            return calls
          }
        : undefined,
    after(part) {
      const [p0, p1] = planeRange(planes, part, parts)
      if (p0 === p1) return []
      const partSums = sums + part * 2 * width * 8
      const copy = copyCall(gradient, p0, p1, height, width, gradInputData)
      if (!maskedMaps || !maskedData) return [mapsCall(gradient, gradientMaps, p0, p1, partSums), copy]
      const copies = { source: gradInputAt ?? 0, relu: 0 }
      const calls: KernelCall[] = []
      if (copyByThreads) {
        calls.push({ kernel: 'copyIn', args: [offset(activated, p0) / 8, width, height * width, p1 - p0, height, width, p0 * height * width], source: x })
      }
      calls.push(
        reluMapsCall(gradient, activated, masked, gradientMaps, maskedMaps, p0, p1, partSums, copies),
        { kernel: 'planeSums_f64', args: [offset(masked, p0), p1 - p0, height * width, planeSumsAt + p0 * 8] },
        ...(gradInputAt === null ? [copy] : []),
        ...(maskedInPlace === null ? [copyCall(masked, p0, p1, height, width, maskedData)] : []),
      )
      return calls
    },
    unpack(buffer) {
      // dE/dx (and the ReLU's) are in their arrays already (written there or copied by the kernel threads)
      const grads = base.unpack(buffer)
      const gradInput = gradInputData
      const gradInputMaps = readMaps(buffer, gradientMaps, gradInput, 0)
      let reluResult: MappedBackward['relu'] = null
      // a NaN or ±∞ in dE/dx: core's loop decides the ReLU's dE/dx (its −0 and NaN rules differ there)
      if (maskedMaps && maskedData && gradInputMaps.nonFinite.every((count) => count === 0)) {
        // per channel, batch items in order from 0: core's sumPerChannel
        const planeSums = new Float64Array(buffer, planeSumsAt, planes)
        const channelSums = new Float64Array(g.inChannels)
        for (let p = 0; p < planes; p++) channelSums[p % g.inChannels] += planeSums[p]
        reluResult = { data: maskedData, maps: readMaps(buffer, maskedMaps, maskedData, 0), channelSums }
      }
      return { ...grads, gradInput, gradInputMaps, relu: reluResult }
    },
  }
}
