// One layer on one input in core's fast kernels, as frames/family-source.ts asks for it: what the
// page gets from the engine's one-layer computeStack (output, dE/dy, dE/dx, dE/dw, argmaxes), for
// the family animations `convolab export` draws.

import type { GradOutputSpec } from '../../contract'
import type { Layer } from '../../core/layer'
import { stackBackward, stackForward } from '../../core/stack'
import type { Tensor } from '../../core/tensor'
import { createFastKernels } from '../../core/fast'
import type { FamilyRun, RunLayer } from '../../frames/family-source'
import { failureOf } from '../../frames/family-source'
import { upstreamGradient } from '../engine/grad-output'
import { enableRelaxedSimd } from '../engine/parallel/relaxed-simd'

/** Runs `use` with a RunLayer on core's fast kernels, released afterwards. */
export async function withCoreRunner<T>(use: (run: RunLayer) => Promise<T>): Promise<T> {
  // fused multiply-add kernels where Node has them behind a flag, as the engine does
  enableRelaxedSimd()
  const kernels = await createFastKernels()
  const run: RunLayer = async (layer: Layer, input: Tensor, gradient: GradOutputSpec | undefined) => {
    try {
      const forward = stackForward([layer], input, kernels)
      if (forward.failure) throw forward.failure
      const value: FamilyRun = {
        output: forward.output.data,
        gradOutput: null,
        gradInput: null,
        gradWeight: null,
        gradBias: null,
        indices: forward.layers[0].indices ?? null,
      }
      if (gradient) {
        const gradOutput = upstreamGradient(gradient, forward.output).gradOutput
        const grads = stackBackward([layer], forward, { kind: 'output', gradOutput }, kernels)
        value.gradOutput = gradOutput.data
        value.gradInput = grads.gradInput.data
        value.gradWeight = grads.gradWeights[0]?.data ?? null
        value.gradBias = grads.gradBiases[0]?.data ?? null
      }
      return { ok: true, value }
    } catch (error) {
      return failureOf(error)
    }
  }
  try {
    return await use(run)
  } finally {
    kernels.release()
  }
}
