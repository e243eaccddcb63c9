// The stack with its Conv2d layers on the engine's two-thread runner (stackForwardAsync,
// stackBackwardAsync): PyTorch's nn.Sequential fixtures within 1e-12, and the same numbers as
// the synchronous stack.
import { afterAll, describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { stackBackward, stackBackwardAsync, stackForward, stackForwardAsync } from '../../core'
import { createFastKernels } from '../../core/fast'
import { createParallelRunner, enableRelaxedSimd } from '../../src-main/engine/parallel'
import { REFERENCE_TOLERANCE } from '../reference/cases'
import { loadStackCase, stackCaseNames } from '../reference/stacks'

enableRelaxedSimd()
const runner = await createParallelRunner({ threads: 2 })
const kernels = await createFastKernels()
afterAll(() => runner.close())

function expectClose(actual: Tensor | null, expected: Tensor, what: string): void {
  expect(actual?.shape, what).toEqual(expected.shape)
  for (let k = 0; k < expected.data.length; k++) {
    const b = expected.data[k]
    expect(Math.abs(actual!.data[k] - b), `${what}[${k}]`).toBeLessThanOrEqual(REFERENCE_TOLERANCE * Math.max(1, Math.abs(b)))
  }
}

describe('stack on the two-thread runner', () => {
  it.each(stackCaseNames())('%s: matches PyTorch and the synchronous stack', async (name) => {
    const stack = loadStackCase(name)
    const run = { conv: runner, kernels }
    const forward = await stackForwardAsync(stack.layers, stack.x, run)
    const grads = await stackBackwardAsync(stack.layers, forward, { kind: 'output', gradOutput: stack.gradOutput }, run)
    stack.layers.forEach((_, i) => {
      expectClose(forward.layers[i].output, stack.perLayer[i].output, `${name} layer ${i} output`)
      expectClose(grads.gradOutputs[i], stack.perLayer[i].gradOutput, `${name} layer ${i} dE/dy`)
      const gw = stack.perLayer[i].gradWeight
      if (gw) expectClose(grads.gradWeights[i], gw, `${name} layer ${i} dE/dw`)
      const gb = stack.perLayer[i].gradBias
      if (gb) expectClose(grads.gradBiases[i], gb, `${name} layer ${i} dE/db`)
    })
    expectClose(grads.gradInput, stack.gradInput, `${name} dE/dx`)
    const unit = await stackBackwardAsync(stack.layers, forward, { kind: 'unit', ...stack.unit }, run, { weights: false })
    expectClose(unit.gradInput, stack.unitGradInput, `${name} unit dE/dx`)
    expect(unit.gradWeights.every((g) => g === null)).toBe(true)

    const sync = stackForward(stack.layers, stack.x, kernels)
    const syncGrads = stackBackward(stack.layers, sync, { kind: 'output', gradOutput: stack.gradOutput }, kernels)
    expect([...grads.gradInput.data]).toEqual([...syncGrads.gradInput.data])
  })
})
