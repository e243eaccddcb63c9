// The engine's kernel under the thread policy (thread-policy.ts): the WebAssembly kernels on the
// compute worker's own thread, and where the machine has more cores, the same kernels on the
// kernel-thread runner for passes above the work threshold. Every result names the path it ran.

import type { Conv2dOptions, Tensor } from '../../core'
import { convGeometry } from '../../core'
import type { KernelKind } from '../../core/fast'
import { createFastKernel } from './fast-kernel'
import type { ConvKernel, ResultBuffers } from './kernel'
import { toMapStack } from './map-stack'
import { kernelThreads, threadsFor } from './thread-policy'

export interface PolicyKernelOptions {
  /** Kernel threads available (default: the policy's, from this machine's cores). */
  threads?: number
  prefer?: KernelKind
}

export async function createPolicyKernel(options: PolicyKernelOptions = {}): Promise<ConvKernel> {
  const available = options.threads ?? kernelThreads()
  const single = await createFastKernel({ threads: 0, prefer: options.prefer })
  if (available <= 1 || single.name === 'scalar') return single
  const many = await createFastKernel({ threads: available, prefer: options.prefer })
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
    cancel() {
      single.cancel?.()
      many.cancel?.()
    },
    stack: policyStack(single, many, available),
  }
}

/** A stack's convolutions under the same policy, pass by pass; its other layers on this thread. */
function policyStack(single: ConvKernel, many: ConvKernel, available: number): ConvKernel['stack'] {
  if (!single.stack || !many.stack) return single.stack ?? many.stack
  const one = single.stack.conv
  const several = many.stack.conv
  return {
    conv: {
      forward: (x, weight, bias, geometry, dtype) => (threadsFor(geometry, available) > 1 ? several : one).forward(x, weight, bias, geometry, dtype),
      backward: (x, weight, gradOutput, geometry, dtype, wants) =>
        (threadsFor(geometry, available) > 1 ? several : one).backward(x, weight, gradOutput, geometry, dtype, wants),
    },
    kernels: single.stack.kernels,
  }
}
