// The seed notebook's own numbers (edunn guide 18), reproduced from its NumPy tensors.
// x = np.random.rand(2,3,7,7) and w = np.random.rand(4,3,5,5) after np.random.seed(123)
// travel as fixtures, since NumPy's MT19937 stream cannot be replayed here.
import { describe, expect, it } from 'vitest'
import { conv2d, conv2dBackward, filled, parseNpy } from '../../core'
import type { Tensor } from '../../core'
import { referenceFile } from '../reference/cases'

/** The notebook prints 8 decimals, so its values are exact to 5e-9. */
const PRINTED = 1e-8

function seedTensor(file: string): Tensor {
  const { shape, data } = parseNpy(referenceFile(`cases/seed-stride1-padding0/${file}.npy`))
  return { shape, data }
}

function expectPrinted(actual: ArrayLike<number>, printed: number[]): void {
  expect(actual.length).toBe(printed.length)
  printed.forEach((value, k) => {
    expect(Math.abs(actual[k] - value), `value ${k}: ${actual[k]} vs ${value}`).toBeLessThanOrEqual(PRINTED)
  })
}

describe("the seed's example: x (2,3,7,7), w (4,3,5,5), stride 1, padding 0, no bias", () => {
  const x = seedTensor('x')
  const w = seedTensor('weight')

  it('uses the notebook tensors', () => {
    expect(x.shape).toEqual([2, 3, 7, 7])
    expect(w.shape).toEqual([4, 3, 5, 5])
  })

  it('y[0,0,0,:3] = 18.91400336, 17.74220249, 17.04932403 and the rest of y[0,0]', () => {
    const y = conv2d(x, w, null, { stride: 1, padding: 0 }).output
    expect(y.shape).toEqual([2, 4, 3, 3])
    expectPrinted(y.data.subarray(0, 3), [18.91400336, 17.74220249, 17.04932403])
    expectPrinted(y.data.subarray(0, 9), [18.91400336, 17.74220249, 17.04932403, 18.39506163, 18.76882808, 17.30981571, 19.12504344, 18.17784254, 17.33288676])
    // y[0,1,1,0] from the notebook's second channel.
    expectPrinted([y.data[9 + 3]], [20.4349386])
  })

  it('with dE/dy = ones, dE/dx[0,0,0,:3] = 1.34111656, 4.72856081, 7.41120998 and the rest of the row', () => {
    const { gradInput } = conv2dBackward(x, w, null, filled([2, 4, 3, 3], 1), { stride: 1, padding: 0 })
    expectPrinted(gradInput.data.subarray(0, 3), [1.34111656, 4.72856081, 7.41120998])
    expectPrinted(gradInput.data.subarray(0, 7), [1.34111656, 4.72856081, 7.41120998, 8.41821486, 6.52373009, 3.84108092, 1.49295947])
    expectPrinted(gradInput.data.subarray(7, 14), [3.045064, 7.06538423, 12.27498094, 12.74519571, 12.52338572, 7.31378901, 3.79851025])
  })
})
