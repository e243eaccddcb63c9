// The convolution kernel the engine runs: one pluggable pair of functions. Today core's
// scalar loops; a faster implementation (WebAssembly, several threads) plugs in here with the
// same inputs and outputs, so nothing else in the engine changes.

import type { Conv2dGradients, Conv2dOptions, Conv2dResult, Tensor } from '../../core'
import { conv2d, conv2dBackward } from '../../core'

export interface ConvKernel {
  /** Shown in About and in every result, e.g. "scalar" or "wasm-simd f64 ×2". */
  readonly name: string
  forward(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): Conv2dResult | Promise<Conv2dResult>
  backward(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | null,
    gradOutput: Tensor,
    options: Conv2dOptions,
  ): Conv2dGradients | Promise<Conv2dGradients>
  /** Stops the run in progress, whose promise then rejects; called when a newer compute arrives. */
  cancel?(): void
}

export const scalarKernel: ConvKernel = {
  name: 'scalar',
  forward: conv2d,
  backward: conv2dBackward,
}
