// One vitest suite that runs every PyTorch reference case through a Conv2d implementation.
// The scalar core runs it in tests/core/reference.test.ts; another kernel (WebAssembly, a
// worker, ...) runs the very same cases by calling referenceSuite with its own functions.

import { afterAll, describe, expect, it } from 'vitest'
import type { Conv2dOptions, Tensor } from '../../core'
import type { Comparison, ReferenceCase } from './cases'
import { REFERENCE_TOLERANCE, compareWithReference, referenceCases } from './cases'

type MaybePromise<T> = T | Promise<T>

export interface Conv2dImplementation {
  forward(x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions): MaybePromise<Tensor>
  backward(
    x: Tensor,
    weight: Tensor,
    bias: Tensor | null,
    gradOutput: Tensor,
    options: Conv2dOptions,
  ): MaybePromise<{ gradInput: Tensor; gradWeight: Tensor; gradBias: Tensor | null }>
}

/** The smallest number of cases the reference must hold (issue 2). */
export const MINIMUM_CASES = 30

function describeFailure(name: string, result: string, comparison: Comparison): string {
  return `${name} ${result}: worst |a-b|/max(1,|b|) = ${comparison.worstError} at flat index ${comparison.worstIndex}`
}

export function referenceSuite(label: string, implementation: Conv2dImplementation): void {
  const cases: ReferenceCase[] = referenceCases()
  let worst = { error: 0, where: 'none' }

  const check = (name: string, result: string, actual: Tensor | null, expected: Tensor | null): void => {
    if (expected === null || actual === null) {
      expect(actual, `${name} ${result}`).toBe(expected)
      return
    }
    const comparison = compareWithReference(actual, expected)
    if (comparison.worstError > worst.error) worst = { error: comparison.worstError, where: `${name} ${result}` }
    expect(comparison.passed, describeFailure(name, result, comparison)).toBe(true)
  }

  describe(`${label}: PyTorch reference cases`, () => {
    it(`holds at least ${MINIMUM_CASES} cases`, () => {
      expect(cases.length).toBeGreaterThanOrEqual(MINIMUM_CASES)
    })

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
      const output = await implementation.forward(c.x, c.weight, c.bias, c.options)
      check(name, 'output', output, c.expected.output)
      const grads = await implementation.backward(c.x, c.weight, c.bias, c.gradOutput, c.options)
      check(name, 'grad_input', grads.gradInput, c.expected.gradInput)
      check(name, 'grad_weight', grads.gradWeight, c.expected.gradWeight)
      check(name, 'grad_bias', grads.gradBias, c.expected.gradBias)
    })

    afterAll(() => {
      console.log(
        `${label}: ${cases.length} PyTorch reference cases, largest relative error ${worst.error.toExponential(3)} ` +
          `(${worst.where}; tolerance ${REFERENCE_TOLERANCE})`,
      )
    })
  })
}
