// Reading engine answers in tests: the value of a successful Result (a failure fails the test
// with its code), tensors as request payloads, and the 1e-12 closeness every engine test asks.

import { expect } from 'vitest'
import type { Result, TensorPayload } from '../../contract'
import type { Tensor } from '../../core'

/** The answer's value; an error answer fails the test with its code and message. */
export function value<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(`engine error ${result.code}: ${result.message}`)
  return result.value
}

/** A tensor as a request payload, on its own copy of the data. */
export const payload = (t: Tensor): TensorPayload => ({ shape: [...t.shape], data: t.data.slice() })

/** Every element within 1e-12 relative to max(1, |wanted|). */
export function expectClose(got: ArrayLike<number>, want: ArrayLike<number>): void {
  expect(got.length).toBe(want.length)
  let worst = 0
  for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k] - want[k]) / Math.max(1, Math.abs(want[k])))
  expect(worst).toBeLessThanOrEqual(1e-12)
}
