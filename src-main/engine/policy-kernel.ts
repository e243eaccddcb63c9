// The engine's kernel under the thread policy (thread-policy.ts): the WebAssembly kernels on the
// compute worker's own thread, and where the machine has more cores, the same kernels on the
// kernel-thread runner for passes above the work threshold. Every result names the path it ran.

import type { Conv2dOptions, ConvGeometry, Tensor } from '../../core'
import { convGeometry } from '../../core'
import type { KernelKind } from '../../core/fast'
import { createFastKernel } from './fast-kernel'
import type { ConvKernel, ResultBuffers, StackKernels } from './kernel'
import { toMapStack } from './map-stack'
import { kernelThreads, stackKernelThreads, threadsFor } from './thread-policy'

export interface PolicyKernelOptions {
  /** Kernel threads available (default: the policy's, from this machine's cores). */
  threads?: number
  /** Kernel threads for a stack's convolutions (default: stackKernelThreads(), every core). */
  stackThreads?: number
  prefer?: KernelKind
}

export async function createPolicyKernel(options: PolicyKernelOptions = {}): Promise<ConvKernel> {
  const available = options.threads ?? kernelThreads()
  const stackThreads = options.stackThreads ?? stackKernelThreads()
  const single = await createFastKernel({ threads: 0, prefer: options.prefer })
  if (single.name === 'scalar') return single
  const forStacks = stackThreads > 1 ? await createFastKernel({ threads: stackThreads, prefer: options.prefer }) : single
  // a newer request stops the stack's kernel threads too
  const cancelStacks = (): void => {
    if (forStacks !== single) forStacks.cancel?.()
  }
  if (available <= 1) {
    return {
      ...single,
      cancel: () => {
        single.cancel?.()
        cancelStacks()
      },
      stack: policyStack(single, forStacks, stackThreads),
    }
  }
  const many = available === stackThreads ? forStacks : await createFastKernel({ threads: available, prefer: options.prefer })
  let last: ConvKernel = single
  const pick = (x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): ConvKernel => {
    last = threadsFor(convGeometry(x.shape, weight.shape, options, bias?.data.length), available) > 1 ? many : single
    return last
  }
  return {
    get name() {
      return last.name
    },
    forward: (x, weight, bias, options, into) => pick(x, weight, bias, options).forward(x, weight, bias, options, into),
    backward: (x, weight, bias, gradOutput, options, into) => pick(x, weight, bias, options).backward(x, weight, bias, gradOutput, options, into),
    async forwardWithMaps(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, maxSide: number, into?: ResultBuffers) {
      const kernel = pick(x, weight, bias, options)
      if (kernel.forwardWithMaps) return kernel.forwardWithMaps(x, weight, bias, options, maxSide, into)
      // on the kernel threads the output comes back whole and its maps are made here
      const { output, geometry } = await kernel.forward(x, weight, bias, options, into)
      const { shape: _shape, ...maps } = toMapStack(output, maxSide)
      return { geometry, maps, readOutput: () => output }
    },
    async backwardWithMaps(x: Tensor, weight: Tensor, bias: Tensor | null, gradOutput: Tensor, options: Conv2dOptions, maxSide: number, into?: ResultBuffers) {
      const kernel = pick(x, weight, bias, options)
      if (kernel.backwardWithMaps) return kernel.backwardWithMaps(x, weight, bias, gradOutput, options, maxSide, into)
      return { ...(await kernel.backward(x, weight, bias, gradOutput, options, into)), gradInputMaps: null }
    },
    weightGradients: (x, weight, bias, gradOutput, options, into) => {
      const kernel = pick(x, weight, bias, options)
      return kernel.weightGradients
        ? kernel.weightGradients(x, weight, bias, gradOutput, options, into)
        : Promise.resolve(kernel.backward(x, weight, bias, gradOutput, options, into))
    },
    inputGradient: async (inputShape, weight, gradOutput, options, into) => {
      last = threadsFor(convGeometry(inputShape, weight.shape, options), available) > 1 ? many : single
      const kernel = last
      if (kernel.inputGradient) return kernel.inputGradient(inputShape, weight, gradOutput, options, into)
      const x = { shape: [...inputShape], data: new Float64Array(inputShape.reduce((a, b) => a * b, 1)) }
      return (await kernel.backward(x, weight, null, gradOutput, options, into)).gradInput
    },
    cancel() {
      single.cancel?.()
      many.cancel?.()
      if (many !== forStacks) cancelStacks()
    },
    stack: policyStack(single, forStacks, stackThreads),
  }
}

/** A stack's convolutions on `many` kernel threads above the work threshold; its other layers on this thread. */
function policyStack(single: ConvKernel, many: ConvKernel, threads: number): StackKernels | undefined {
  if (!single.stack || !many.stack || many === single) return single.stack
  const one = single.stack.conv
  const several = many.stack.conv
  let widest: ConvKernel = single
  const pick = (geometry: ConvGeometry) => {
    if (threadsFor(geometry, threads) <= 1) return one
    widest = many
    return several
  }
  return {
    conv: {
      forward: (x, weight, bias, geometry, dtype, into) => pick(geometry).forward(x, weight, bias, geometry, dtype, into),
      backward: (x, weight, gradOutput, geometry, dtype, wants, into) => pick(geometry).backward(x, weight, gradOutput, geometry, dtype, wants, into),
      // only on the kernel threads: below the threshold the caller makes maps as before
      forwardMapped: (x, weight, bias, geometry, maxSide, relu, into, next) =>
        pick(geometry) === several ? (several.forwardMapped?.(x, weight, bias, geometry, maxSide, relu, into, next) ?? null) : null,
      backwardMapped: (x, weight, gradOutput, geometry, wants, maxSide, relu, into) =>
        pick(geometry) === several ? (several.backwardMapped?.(x, weight, gradOutput, geometry, wants, maxSide, relu, into) ?? null) : null,
      forget: async () => several.forget?.(),
    },
    kernels: single.stack.kernels,
    get name() {
      return widest.name
    },
    begin() {
      widest = single
    },
  }
}
