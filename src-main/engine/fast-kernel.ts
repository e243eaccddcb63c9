// The engine's ConvKernel on core/fast's WebAssembly kernels: float64 (exact, PyTorch's numbers
// within 1e-12), on the compute worker's own thread or on the two-thread runner, with the kinds
// falling back relaxed-simd → simd → scalar and the one that runs named in every result.

import type { Conv2dGradients, Conv2dOptions, Conv2dResult, Tensor } from '../../core'
import { convGeometry, outputShape } from '../../core'
import type { FastKernels, KernelKind } from '../../core/fast'
import { createFastKernels } from '../../core/fast'
import type { ConvKernel, ResultBuffers } from './kernel'
import { scalarKernel } from './kernel'
import { createParallelRunner, enableRelaxedSimd, type ParallelRunner } from './parallel'

export interface FastKernelOptions {
  /**
   * Kernel threads of the shared-memory runner; 0 (the default): the kernels run on the calling
   * thread. With one kernel thread the caller is free to make maps while the gradients run.
   */
  threads?: number
  /** Fastest kind to try (tests pick the fallbacks with it). */
  prefer?: KernelKind
  /** Most bytes of kernel memory a stack's tensors take (see ParallelRunnerOptions). */
  arrayBytes?: number
}

/** What About and every result show, e.g. "wasm relaxed-simd f64 ×1" or "scalar". */
export function kernelName(kind: KernelKind, threads: number): string {
  return kind === 'scalar' ? 'scalar' : `wasm ${kind} f64 ×${threads}`
}

/** Either runner behind one asynchronous face. */
interface Runner {
  kind: KernelKind
  threads: number
  forward: ParallelRunner['forward']
  backward: ParallelRunner['backward']
  /** Only on the kernel threads: a stack's Conv2d with its maps (and a ReLU beside it) made there. */
  forwardMapped?: ParallelRunner['forwardMapped']
  backwardMapped?: ParallelRunner['backwardMapped']
  forget?: ParallelRunner['forget']
  /** Only on the calling thread: the maps kernel runs in the same memory as the passes. */
  forwardWithMaps?: FastKernels['forwardWithMaps']
  backwardWithMaps?: FastKernels['backwardWithMaps']
  /** The kernels on the calling thread (the runner itself, or beside the kernel threads). */
  sync: FastKernels
  cancel(): void
}

function sameThread(kernels: FastKernels): Runner {
  return {
    kind: kernels.kind,
    threads: 1,
    forward: async (...args) => kernels.forward(...args),
    backward: async (...args) => kernels.backward(...args),
    forwardWithMaps: kernels.forwardWithMaps,
    backwardWithMaps: kernels.backwardWithMaps,
    sync: kernels,
    // a run on this thread is one synchronous call: nothing to stop mid-way; the engine checks
    // for a newer request between the passes
    cancel() {},
  }
}

export async function createFastKernel(options: FastKernelOptions = {}): Promise<ConvKernel> {
  // Node 20 (browser mode, CLI) keeps fused multiply-add behind a flag; Electron has it on.
  enableRelaxedSimd()
  const threads = Math.max(0, Math.floor(options.threads ?? 0))
  const sync = await createFastKernels({ prefer: options.prefer })
  // a stack's other layers (the transposed convolution) run on this thread's kernels beside the runner
  const runner: Runner =
    threads > 0 ? { ...(await createParallelRunner({ threads, prefer: options.prefer, arrayBytes: options.arrayBytes })), sync } : sameThread(sync)
  if (runner.kind === 'scalar') return scalarKernel
  const name = kernelName(runner.kind, runner.threads)

  return {
    name,
    async forward(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, into?: ResultBuffers): Promise<Conv2dResult> {
      const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
      const data = await runner.forward(x.data, weight.data, bias?.data ?? null, geometry, 'f64', { output: into?.output, stableInput: into?.stableInput })
      return { output: { shape: outputShape(geometry), data: data as Float64Array }, geometry }
    },
    ...(runner.forwardWithMaps ? { forwardWithMaps: withMaps(runner.forwardWithMaps) } : {}),
    ...(runner.backwardWithMaps ? { backwardWithMaps: backwardWithMaps(runner.backwardWithMaps) } : {}),
    async backward(x: Tensor, weight: Tensor, bias: Tensor | null, gradOutput: Tensor, options: Conv2dOptions, into?: ResultBuffers): Promise<Conv2dGradients> {
      const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
      const wants = { input: true, weight: !into?.knownGradWeight, bias: bias !== null && !into?.knownGradBias && !into?.knownGradWeight }
      const grads = await runner.backward(x.data, weight.data, gradOutput.data, geometry, 'f64', wants, {
        gradInput: into?.gradInput,
        stableInput: into?.stableInput,
      })
      return {
        gradInput: { shape: [...x.shape], data: grads.gradInput as Float64Array },
        gradWeight: { shape: [...weight.shape], data: (grads.gradWeight ?? new Float64Array(0)) as Float64Array },
        gradBias: bias && grads.gradBias ? { shape: [...bias.shape], data: grads.gradBias as Float64Array } : null,
        geometry,
      }
    },
    async weightGradients(x, weight, bias, gradOutput, options, into) {
      const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
      const wants = { input: false, weight: true, bias: bias !== null }
      const grads = await runner.backward(x.data, weight.data, gradOutput.data, geometry, 'f64', wants, { stableInput: into?.stableInput })
      return {
        gradWeight: { shape: [...weight.shape], data: grads.gradWeight as Float64Array },
        gradBias: bias && grads.gradBias ? { shape: [...bias.shape], data: grads.gradBias as Float64Array } : null,
      }
    },
    async inputGradient(inputShape, weight, gradOutput, options, into) {
      const geometry = convGeometry(inputShape, weight.shape, options)
      // x is only sized, never read, when no dE/dw is asked: the result array stands in for it
      const size = inputShape.reduce((a, b) => a * b, 1)
      const result = into?.gradInput?.length === size ? into.gradInput : new Float64Array(size)
      const wants = { input: true, weight: false, bias: false }
      const grads = await runner.backward(result, weight.data, gradOutput.data, geometry, 'f64', wants, {
        gradInput: result,
        stableInput: into?.stableInput,
      })
      return { shape: [...inputShape], data: grads.gradInput as Float64Array }
    },
    cancel: () => runner.cancel(),
    stack: {
      conv: {
        forward: (...args) => runner.forward(...args),
        backward: (...args) => runner.backward(...args),
        forwardMapped: runner.forwardMapped,
        backwardMapped: runner.backwardMapped,
        forget: runner.forget,
      },
      kernels: runner.sync,
    },
  }
}

function withMaps(forwardWithMaps: NonNullable<FastKernels['forwardWithMaps']>): NonNullable<ConvKernel['forwardWithMaps']> {
  return async (x, weight, bias, options, maxSide, into) => {
    const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
    const { maps, readOutput } = forwardWithMaps(x.data, weight.data, bias?.data ?? null, geometry, maxSide, {
      output: into?.output,
      stableInput: into?.stableInput,
    })
    const shape = outputShape(geometry)
    return { geometry, maps, readOutput: () => ({ shape, data: readOutput() }) }
  }
}

function backwardWithMaps(run: NonNullable<FastKernels['backwardWithMaps']>): NonNullable<ConvKernel['backwardWithMaps']> {
  return async (x, weight, bias, gradOutput, options, maxSide, into) => {
    const geometry = convGeometry(x.shape, weight.shape, options, bias?.data.length)
    const wants = { input: true, weight: !into?.knownGradWeight, bias: bias !== null && !into?.knownGradBias && !into?.knownGradWeight }
    const { grads, gradInputMaps } = run(x.data, weight.data, gradOutput.data, geometry, wants, maxSide, {
      gradInput: into?.gradInput,
      stableInput: into?.stableInput,
    })
    return {
      gradInput: { shape: [...x.shape], data: grads.gradInput as Float64Array },
      gradWeight: { shape: [...weight.shape], data: (grads.gradWeight ?? new Float64Array(0)) as Float64Array },
      gradBias: bias && grads.gradBias ? { shape: [...bias.shape], data: grads.gradBias as Float64Array } : null,
      geometry,
      gradInputMaps,
    }
  }
}
