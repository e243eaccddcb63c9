// The fast convolution on the calling thread: WebAssembly SIMD kernels when the runtime has
// them, core's scalar TypeScript kernels otherwise. Pure: takes compiled modules or bytes,
// never reads files, so main, workers, renderer and browser all use it the same way.

import { conv2dForward } from '../conv2d'
import { conv2dBackwardKernel, sumPerChannel } from '../conv2d-backward'
import type { ConvGeometry } from '../geometry'
import { outputShape } from '../geometry'
import { padInput, unpadGradient } from '../padding'
import { sizeOf } from '../tensor'
import type { KernelKind } from './binaries'
import { detectKernelKind, kernelBinary } from './binaries'
import type { Dtype, FloatArray } from './memory-layout'
import { ensureMemory } from './memory-layout'
import type { FastGradients, GradientRequest, KernelCall, PackedImage, Plan, ResultTargets } from './plans'
import { packPlan, planBackward, planForward } from './plans'

export interface FastKernels {
  /** Which kernels run: shown in the About panel and the benchmark. */
  readonly kind: KernelKind
  /** y = conv2d(x, w, b) for a geometry from convGeometry; Float32Array when dtype is 'f32'. */
  forward(
    x: Float64Array,
    weight: Float64Array,
    bias: Float64Array | null,
    geometry: ConvGeometry,
    dtype: Dtype,
    into?: ResultTargets,
  ): FloatArray
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
  const module =
    options.module instanceof WebAssembly.Module
      ? options.module
      : await WebAssembly.compile(options.module ?? (kernelBinary(kind)))
  return wasmKernels(kind, module)
}

async function wasmKernels(kind: KernelKind, module: WebAssembly.Module): Promise<FastKernels> {
  let memory = new WebAssembly.Memory({ initial: 1 })
  let exports = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as Exports

  // The padded input the memory holds (the input stays in kernel memory between runs: a settings
  // change of the same input, and the backward pass after its forward, skip packing it again).
  // Only for callers that said their x does not change between calls (ResultTargets.stableInput).
  let packed: PackedImage | null = null

  function run<R>(plan: Plan<R>, stableInput = false): R {
    ensureMemory(memory, plan.bytes)
    const image = packPlan(plan, memory.buffer, stableInput ? packed : null)
    packed = stableInput ? image : null
    for (const call of plan.calls(0)) invoke(exports, call)
    return plan.unpack(memory.buffer)
  }

  return {
    kind,
    forward: (x, weight, bias, geometry, dtype, into) => run(planForward(x, weight, bias, geometry, dtype, 1, into), into?.stableInput),
    backward: (x, weight, gradOutput, geometry, dtype, wants, into) =>
      run(planBackward(x, weight, gradOutput, geometry, dtype, wants, 1, into), into?.stableInput),
    release() {
      packed = null
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
    release() {},
  }
}
