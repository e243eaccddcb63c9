// The convolution kernel the engine runs: one pluggable pair of functions. core's scalar loops,
// or the WebAssembly kernels of fast-kernel.ts (chosen in worker.ts), with the same inputs and
// outputs, so nothing else in the engine changes.

import type { AsyncStackKernels, Conv2dGradients, Conv2dOptions, Conv2dResult, ConvGeometry, Tensor } from '../../core'
import { conv2d, conv2dBackward } from '../../core'
import type { PlaneMaps } from '../../core/fast'

/**
 * Arrays of an earlier result that no one reads any more: a kernel may write the new result into
 * them (when the length fits) instead of allocating, which spares the page faults of fresh
 * large arrays on every settings change. Kernels are free to ignore them.
 */
export interface ResultBuffers {
  output?: Float64Array
  gradInput?: Float64Array
  /** x is a stored input that never changes: a kernel may keep its packed copy between calls. */
  stableInput?: boolean
  /** The caller knows dE/db already (a remembered upstream gradient): a kernel may leave it out (null). */
  knownGradBias?: boolean
  /**
   * The caller knows dE/dw and dE/db already (they do not depend on w): a kernel may leave them
   * out (an empty gradWeight, a null gradBias) and compute dE/dx alone.
   */
  knownGradWeight?: boolean
}

export interface ConvKernel {
  /** Shown in About and in every result, e.g. "scalar" or "wasm relaxed-simd f64 ×1". */
  readonly name: string
  forward(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, into?: ResultBuffers): Conv2dResult | Promise<Conv2dResult>
  backward(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | null,
    gradOutput: Tensor,
    options: Conv2dOptions,
    into?: ResultBuffers,
  ): Conv2dGradients | Promise<Conv2dGradients>
  /**
   * forward with the display maps of y made as it runs (the WebAssembly kernels make them in
   * their own memory); y itself comes from readOutput(), which may wait until the maps are sent
   * (the kernel reads it back before its next run regardless). A kernel without it leaves the
   * maps to toMapStack.
   */
  forwardWithMaps?(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | null,
    options: Conv2dOptions,
    maxSide: number,
    into?: ResultBuffers,
  ): Promise<{ geometry: ConvGeometry; maps: PlaneMaps; readOutput: () => Tensor }>
  /**
   * backward with the display maps of dE/dx made as it runs where the kernel can (null where it
   * cannot: the caller makes them from gradInput).
   */
  backwardWithMaps?(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | null,
    gradOutput: Tensor,
    options: Conv2dOptions,
    maxSide: number,
    into?: ResultBuffers,
  ): Promise<Conv2dGradients & { gradInputMaps: PlaneMaps | null }>
  /**
   * dE/dw and dE/db alone (learning the kernel reads nothing else); a kernel without it runs
   * backward() and the caller takes these two.
   */
  weightGradients?(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | null,
    gradOutput: Tensor,
    options: Conv2dOptions,
    into?: ResultBuffers,
  ): Promise<Pick<Conv2dGradients, 'gradWeight' | 'gradBias'>>
  /**
   * dE/dx alone, for an input of `inputShape` (its values are never read): the transposed
   * layer's forward pass is exactly this. A kernel without it runs backward() on zeros.
   */
  inputGradient?(inputShape: readonly number[], weight: Tensor, gradOutput: Tensor, options: Conv2dOptions, into?: ResultBuffers): Promise<Tensor>
  /** Stops the run in progress, whose promise then rejects; called when a newer compute arrives. */
  cancel?(): void
  /**
   * The same kernels at core/fast's level (flat arrays and a geometry), for stacks of layers
   * (core/stack-async.ts): without them a stack runs on core's scalar loops.
   */
  readonly stack?: StackKernels
}

/** A stack's kernels, named by the widest path its passes took since begin(). */
export interface StackKernels extends AsyncStackKernels {
  /** e.g. "wasm relaxed-simd f64 ×2" when any pass ran on two kernel threads. */
  readonly name?: string
  /** Starts a new stack's count of paths. */
  begin?(): void
}

export const scalarKernel: ConvKernel = {
  name: 'scalar',
  forward: (x, weight, bias, options) => conv2d(x, weight, bias, options),
  backward: (x, weight, bias, gradOutput, options) => conv2dBackward(x, weight, bias, gradOutput, options),
}
