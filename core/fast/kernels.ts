// The fast convolution on the calling thread: WebAssembly SIMD kernels when the runtime has
// them, core's scalar TypeScript kernels otherwise. Pure: takes compiled modules or bytes,
// never reads files, so main, workers, renderer and browser all use it the same way.

import { avgPool2d, avgPool2dBackward } from '../avg-pool2d'
import { conv2dForward } from '../conv2d'
import { conv2dBackwardKernel, sumPerChannel } from '../conv2d-backward'
import type { ConvGeometry } from '../geometry'
import { outputShape } from '../geometry'
import { maxPoolBackwardLoop, maxPoolForward } from '../max-pool2d'
import { padInput, unpadGradient } from '../padding'
import type { PoolGeometry } from '../pool-geometry'
import { sizeOf } from '../tensor'
import type { KernelKind } from './binaries'
import { detectKernelKind, kernelBinary } from './binaries'
import type { PlaneMaps } from './maps'
import { mapsLayout, readMaps } from './maps'
import type { Dtype, FloatArray } from './memory-layout'
import { ensureMemory, MAXIMUM_KERNEL_BYTES } from './memory-layout'
import type { FastGradients, GradientRequest, KernelCall, PackedImage, Plan, ResultTargets } from './plans'
import { copyIn, copyPlanes } from './plans'
import { planBackward, planForward } from './plans'
import type { PoolPlan } from './pools'
import { planAvgPool, planAvgPoolBackward, planMaxPool, planMaxPoolBackward } from './pools'

export interface FastKernels {
  /** Which kernels run: shown in the About panel and the benchmark. */
  readonly kind: KernelKind
  /** y = conv2d(x, w, b) for a geometry from convGeometry; Float32Array when dtype is 'f32'. */
  forward(x: Float64Array, weight: Float64Array, bias: Float64Array | null, geometry: ConvGeometry, dtype: Dtype, into?: ResultTargets): FloatArray
  /** Gradients of input, weight and bias (bias only when geometry.hasBias) from dE/dy. */
  backward(
    x: Float64Array,
    weight: Float64Array,
    gradOutput: Float64Array,
    geometry: ConvGeometry,
    dtype: Dtype,
    wants?: GradientRequest,
    into?: ResultTargets,
  ): FastGradients
  /**
   * forward in float64 with the display maps of y (at most maxSide per side) made in the kernels'
   * memory: one pass over y instead of a copy and a pass. y itself is read back by readOutput(),
   * which the caller may leave until the maps are on their way: a stable backward pass (its
   * scratch goes past y) leaves it in place, and any run that would overwrite it reads it back
   * first. Only the WebAssembly kernels.
   */
  forwardWithMaps?(
    x: Float64Array,
    weight: Float64Array,
    bias: Float64Array | null,
    geometry: ConvGeometry,
    maxSide: number,
    into?: ResultTargets,
  ): { maps: PlaneMaps; readOutput: () => Float64Array }
  /**
   * backward in float64 with the display maps of dE/dx made in the kernels' memory where zero
   * padding leaves dE/dx in place (gradInputMaps null otherwise: make them from gradInput).
   */
  backwardWithMaps?(
    x: Float64Array,
    weight: Float64Array,
    gradOutput: Float64Array,
    geometry: ConvGeometry,
    wants: GradientRequest | undefined,
    maxSide: number,
    into?: ResultTargets,
  ): { grads: FastGradients; gradInputMaps: PlaneMaps | null }
  /**
   * MaxPool2d of float64 planes for a geometry from poolGeometry: the maxima and, for each, the
   * flat position of its argmax in its input plane (core's maxPool2d, exactly).
   */
  maxPool(x: Float64Array, geometry: PoolGeometry, into?: Float64Array): { output: Float64Array; indices: Int32Array }
  /** MaxPool2d's dE/dx: each dE/dy cell added at its argmax (core's maxPool2dBackward, exactly). */
  maxPoolBackward(gradOutput: Float64Array, indices: Int32Array, geometry: PoolGeometry, into?: Float64Array): Float64Array
  /** AvgPool2d (core's avgPool2d, exactly: the same sums in the same order). */
  avgPool(x: Float64Array, geometry: PoolGeometry, into?: Float64Array): Float64Array
  /** AvgPool2d's dE/dx (core's avgPool2dBackward, exactly). `into`: an array of the result's length to write it into (see ResultTargets). */
  avgPoolBackward(gradOutput: Float64Array, geometry: PoolGeometry, into?: Float64Array): Float64Array
  /** Lets go of the kernels' memory (it grows to the largest run). */
  release(): void
}

export interface FastKernelOptions {
  /** Fastest kind to try; slower ones are the fallbacks. Default: relaxed-simd. */
  prefer?: KernelKind
  /** A compiled module or wasm bytes to use instead of the built-in kernels of that kind. */
  module?: WebAssembly.Module | BufferSource
}

type Exports = Record<string, (...args: number[]) => void>

export async function createFastKernels(options: FastKernelOptions = {}): Promise<FastKernels> {
  const kind = options.module ? (options.prefer ?? 'simd') : detectKernelKind({ prefer: options.prefer })
  if (kind === 'scalar') return scalarKernels()
  const module = options.module instanceof WebAssembly.Module ? options.module : await WebAssembly.compile(options.module ?? kernelBinary(kind))
  return wasmKernels(kind, module)
}

async function wasmKernels(kind: KernelKind, module: WebAssembly.Module): Promise<FastKernels> {
  let memory = new WebAssembly.Memory({ initial: 1 })
  let exports = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as Exports

  // Regions kept in kernel memory between runs, for callers whose arrays never change once passed
  // (ResultTargets.stableInput): the padded input (a settings change of the same input, and the
  // backward pass after its forward, do not pack x again) and the spread dE/dy of a backward pass
  // (a remembered upstream gradient is not spread again on the next change).
  let kept: PackedImage[] = []
  // Bytes the last stable forward wrote (with its maps): a stable backward puts its scratch after
  // them, so that forward's y and the kept spread dE/dy survive each other's runs.
  let forwardEnd = 0
  // a forward's y still in kernel memory, not read back by its caller yet (forwardWithMaps)
  let unread: { read: () => void; from: number; to: number } | null = null

  const holds = (region: PackedImage | undefined): boolean => !!region && kept.some((k) => k.x === region.x && k.key === region.key)

  function compute<R>(plan: Plan<R>, stable: boolean, bytes = plan.bytes): void {
    const imageHit = stable && holds(plan.image)
    const spreadHit = stable && holds(plan.spread)
    // what this run writes: its scratch (less a spread it finds in place) and an image it packs
    const written: Array<[number, number]> = []
    if (spreadHit && plan.spread) written.push([plan.imageEnd, plan.spread.from], [plan.spread.to, bytes])
    else written.push([plan.imageEnd, bytes])
    if (plan.image && !imageHit) written.push([plan.image.from, plan.image.to])
    const writes = (from: number, to: number): boolean => written.some(([a, b]) => from < b && a < to)
    if (unread && writes(unread.from, unread.to)) unread.read()
    ensureMemory(memory, bytes)
    plan.pack(memory.buffer, imageHit, spreadHit)
    kept = kept.filter((k) => !writes(k.from, k.to))
    if (stable) for (const region of [plan.image, plan.spread]) if (region && !holds(region)) kept.push(region)
    const run = (call: KernelCall): void => {
      if (call.kernel === 'copyPlanes' && call.target) copyPlanes(new Float64Array(memory.buffer), call.target, call.args)
      else if (call.kernel === 'copyIn' && call.source) copyIn(new Float64Array(memory.buffer), call.source, call.args)
      else invoke(exports, call)
    }
    for (const call of plan.before?.(0) ?? []) run(call)
    for (const call of plan.calls(0)) invoke(exports, call)
    for (const call of plan.after?.(0) ?? []) run(call)
  }

  function backwardPlan(
    x: Float64Array,
    weight: Float64Array,
    gradOutput: Float64Array,
    geometry: ConvGeometry,
    dtype: Dtype,
    wants: GradientRequest | undefined,
    into: ResultTargets | undefined,
  ): ReturnType<typeof planBackward> {
    const plan = planBackward(x, weight, gradOutput, geometry, dtype, wants, 1, into, into?.stableInput ? forwardEnd : 0)
    // past the forward's bytes only while that fits the 4 GiB of kernel memory; else from the start
    return plan.bytes > MAXIMUM_KERNEL_BYTES ? planBackward(x, weight, gradOutput, geometry, dtype, wants, 1, into) : plan
  }

  function run<R>(plan: Plan<R>, stableInput = false): R {
    compute(plan, stableInput)
    return plan.unpack(memory.buffer)
  }

  /** A pool run writes from the start of memory: an unread y is read first, kept copies are gone. */
  function runPool<R>(plan: PoolPlan<R>): R {
    unread?.read()
    kept = []
    ensureMemory(memory, plan.bytes)
    plan.pack(memory.buffer)
    invoke(exports, plan.call)
    return plan.unpack(memory.buffer)
  }

  return {
    kind,
    forward: (x, weight, bias, geometry, dtype, into) => {
      const plan = planForward(x, weight, bias, geometry, dtype, 1, into)
      if (into?.stableInput) forwardEnd = plan.bytes
      return run(plan, into?.stableInput)
    },
    backward: (x, weight, gradOutput, geometry, dtype, wants, into) =>
      run(backwardPlan(x, weight, gradOutput, geometry, dtype, wants, into), into?.stableInput),
    backwardWithMaps(x, weight, gradOutput, geometry, wants, maxSide, into) {
      const g = geometry
      const plan = backwardPlan(x, weight, gradOutput, g, 'f64', wants, into)
      // zero padding: dE/dx is the covered part's interior, read in place; other modes fold sums
      const inPlace = plan.covered && g.paddingMode === 'zeros' && plan.covered.height >= g.padTop + g.inH && plan.covered.width >= g.padLeft + g.inW
      const layout = inPlace ? mapsLayout(g.batch * g.inChannels, g.inH, g.inW, maxSide, plan.bytes) : null
      compute(plan, into?.stableInput ?? false, layout?.bytes ?? plan.bytes)
      const grads = plan.unpack(memory.buffer)
      if (!layout || !plan.covered || !grads.gradInput) return { grads, gradInputMaps: null }
      const { at, height, width } = plan.covered
      const first = at + (g.padTop * width + g.padLeft) * 8
      exports.planeMaps_f64(first, layout.planes, g.inH, g.inW, width, height * width, layout.factor, layout.out, layout.sums, layout.ranges)
      return { grads, gradInputMaps: readMaps(memory.buffer, layout, grads.gradInput as Float64Array, 0) }
    },
    forwardWithMaps(x, weight, bias, geometry, maxSide, into) {
      const g = geometry
      const plan = planForward(x, weight, bias, g, 'f64', 1, into)
      const layout = mapsLayout(g.batch * g.outChannels, g.outH, g.outW, maxSide, plan.bytes)
      if (into?.stableInput) forwardEnd = layout.bytes
      compute(plan, into?.stableInput ?? false, layout.bytes)
      exports.planeMaps_f64(plan.outputAt, layout.planes, g.outH, g.outW, g.outW, g.outH * g.outW, layout.factor, layout.out, layout.sums, layout.ranges)
      const maps = readMaps(memory.buffer, layout, new Float64Array(memory.buffer), plan.outputAt / 8)
      let output: Float64Array | null = null
      const readOutput = (): Float64Array => {
        if (unread?.read === readOutput) unread = null
        output ??= plan.unpack(memory.buffer) as Float64Array
        return output
      }
      const length = g.batch * g.outChannels * g.outH * g.outW
      unread = { read: readOutput, from: plan.outputAt, to: plan.outputAt + length * 8 }
      return { maps, readOutput }
    },
    maxPool: (x, geometry, into) => runPool(planMaxPool(x, geometry, into)),
    maxPoolBackward: (gradOutput, indices, geometry, into) => runPool(planMaxPoolBackward(gradOutput, indices, geometry, into)),
    avgPool: (x, geometry, into) => runPool(planAvgPool(x, geometry, into)),
    avgPoolBackward: (gradOutput, geometry, into) => runPool(planAvgPoolBackward(gradOutput, geometry, into)),
    release() {
      unread?.read()
      kept = []
      forwardEnd = 0
      memory = new WebAssembly.Memory({ initial: 1 })
      exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports
    },
  }
}

export function invoke(exports: Exports, call: KernelCall): void {
  exports[call.kernel](...call.args)
}

/** core's scalar kernels behind the same interface (float32 results are rounded float64 ones). */
export function scalarKernels(): FastKernels {
  const as = (values: Float64Array, dtype: Dtype): FloatArray => (dtype === 'f64' ? values : Float32Array.from(values))
  return {
    kind: 'scalar',
    forward(x, weight, bias, geometry, dtype) {
      const output = new Float64Array(sizeOf(outputShape(geometry)))
      conv2dForward(padInput(x, geometry), weight, bias, output, geometry)
      return as(output, dtype)
    },
    backward(x, weight, gradOutput, geometry, dtype, wants = {}) {
      const wantInput = wants.input ?? true
      const wantWeight = wants.weight ?? true
      const padded = padInput(x, geometry)
      const gradPadded = wantInput ? new Float64Array(padded.length) : null
      const gradWeight = wantWeight ? new Float64Array(weight.length) : null
      if (wantInput || wantWeight) conv2dBackwardKernel(padded, weight, gradOutput, gradPadded, gradWeight, geometry)
      const wantBias = (wants.bias ?? true) && geometry.hasBias
      return {
        gradInput: gradPadded ? as(unpadGradient(gradPadded, geometry), dtype) : null,
        gradWeight: gradWeight ? as(gradWeight, dtype) : null,
        gradBias: wantBias ? as(sumPerChannel(gradOutput, geometry), dtype) : null,
      }
    },
    maxPool(x, geometry) {
      const length = geometry.batch * geometry.channels * geometry.outH * geometry.outW
      const output = new Float64Array(length)
      const indices = new Int32Array(length)
      maxPoolForward(x, output, indices, geometry)
      return { output, indices }
    },
    maxPoolBackward: (gradOutput, indices, geometry) => maxPoolBackwardLoop(gradOutput, indices, geometry),
    avgPool: (x, geometry) => avgPool2d({ shape: [geometry.batch, geometry.channels, geometry.inH, geometry.inW], data: x }, geometry).output.data,
    avgPoolBackward: (gradOutput, geometry) =>
      avgPool2dBackward({ shape: [geometry.batch, geometry.channels, geometry.outH, geometry.outW], data: gradOutput }, geometry).data,
    release() {},
  }
}
