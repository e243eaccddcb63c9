// Stacks of every layer kind against PyTorch's nn.Sequential (generate_stacks.py), on core's
// scalar kernels and on the fast (WebAssembly) ones: every layer's output and dE/dy, every
// dE/dw and dE/db, dE/dx, and dE/dx from one unit; |a-b| <= 1e-12·max(1, |b|).
import { setFlagsFromString } from 'node:v8'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { stackBackward, stackForward } from '../../core'
import type { FastKernels } from '../../core/fast'
import { createFastKernels, supportsKind } from '../../core/fast'
import { REFERENCE_TOLERANCE } from '../reference/cases'
import { loadStackCase, stackCaseNames } from '../reference/stacks'

/** Largest |a-b| / max(1, |b|) over two tensors of the same shape. */
function largestError(actual: Tensor | null, expected: Tensor): number {
  expect(actual).not.toBeNull()
  expect(actual!.shape).toEqual(expected.shape)
  let worst = 0
  for (let k = 0; k < expected.data.length; k++) {
    const b = expected.data[k]
    const error = Math.abs(actual!.data[k] - b) / Math.max(1, Math.abs(b))
    // NaN is never within tolerance
    worst = Math.max(worst, Number.isNaN(error) ? Infinity : error)
  }
  return worst
}

// relaxed SIMD (fused multiply-add) is behind a V8 flag on Node 20, as in fast-relaxed.test.ts
if (!supportsKind('relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd')

type Path = 'scalar' | 'simd' | 'relaxed-simd'
const fast: Partial<Record<Path, FastKernels>> = {}
beforeAll(async () => {
  fast.simd = await createFastKernels({ prefer: 'simd' })
  fast['relaxed-simd'] = await createFastKernels({ prefer: 'relaxed-simd' })
})
const paths: Array<[Path, () => FastKernels | undefined]> = [
  ['scalar', () => undefined],
  ['simd', () => fast.simd],
  ['relaxed-simd', () => fast['relaxed-simd']],
]

const worstByKind: Record<string, Record<string, number>> = { scalar: {}, simd: {}, 'relaxed-simd': {} }

afterAll(() => {
  for (const [path, table] of Object.entries(worstByKind)) {
    const line = Object.entries(table)
      .map(([kind, error]) => `${kind} ${error.toExponential(1)}`)
      .join(', ')
    console.log(`stacks vs PyTorch (${path} kernels), largest relative error per layer kind: ${line}`)
  }
})

describe.each(paths)('stack fixtures (%s kernels)', (path, kernelsOf) => {
  it.each(stackCaseNames())('%s: forward, backward and the unit gradient match PyTorch', (name) => {
    const stack = loadStackCase(name)
    const kernels = kernelsOf()
    expect(kernels?.kind ?? 'scalar').toBe(path)
    const forward = stackForward(stack.layers, stack.x, kernels)
    expect(forward.failure).toBeNull()
    const grads = stackBackward(stack.layers, forward, { kind: 'output', gradOutput: stack.gradOutput }, kernels)
    const table = worstByKind[path]
    const note = (kind: string, error: number) => {
      table[kind] = Math.max(table[kind] ?? 0, error)
      expect(error, `${name} ${kind}`).toBeLessThanOrEqual(REFERENCE_TOLERANCE)
    }
    stack.layers.forEach((layer, i) => {
      const expected = stack.perLayer[i]
      note(layer.type, largestError(forward.layers[i].output, expected.output))
      note(layer.type, largestError(grads.gradOutputs[i], expected.gradOutput))
      if (expected.gradWeight) note(layer.type, largestError(grads.gradWeights[i], expected.gradWeight))
      else expect(grads.gradWeights[i]).toBeNull()
      if (expected.gradBias) note(layer.type, largestError(grads.gradBiases[i], expected.gradBias))
      else expect(grads.gradBiases[i]).toBeNull()
    })
    note('stack output', largestError(forward.output, stack.output))
    note('stack dE/dx', largestError(grads.gradInput, stack.gradInput))

    // without weight gradients (what an effective receptive field asks): the same dE/dx and dE/dy
    const inputOnly = stackBackward(stack.layers, forward, { kind: 'output', gradOutput: stack.gradOutput }, kernels, { weights: false })
    expect(inputOnly.gradWeights.every((g) => g === null) && inputOnly.gradBiases.every((g) => g === null)).toBe(true)
    note('dE/dx without dE/dw', largestError(inputOnly.gradInput, stack.gradInput))
    stack.layers.forEach((_, i) => note('dE/dx without dE/dw', largestError(inputOnly.gradOutputs[i], stack.perLayer[i].gradOutput)))

    const unit = stackBackward(stack.layers, forward, { kind: 'unit', ...stack.unit }, kernels)
    expect(unit.from).toBe(stack.unit.layer)
    expect(unit.gradOutputs.slice(stack.unit.layer + 1).every((g) => g === null)).toBe(true)
    note('unit dE/dx', largestError(unit.gradInput, stack.unitGradInput))
  })
})
