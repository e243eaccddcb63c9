// The seed's derivation of the backward pass (dilate, pad, correlate with rot180) must land on
// exactly the numbers of the scatter-form backward, in every geometry.
import { describe, expect, it } from 'vitest'
import {
  conv2dBackward,
  convGeometry,
  dilateByStride,
  gradInputByCorrelation,
  gradWeightByCorrelation,
  normalTensor,
  padInput,
  seededSource,
  type Conv2dOptions,
} from '../../core'

function expectClose(actual: Float64Array, expected: Float64Array, tolerance = 1e-12): void {
  expect(actual.length).toBe(expected.length)
  for (let k = 0; k < actual.length; k++) {
    const scale = Math.max(1, Math.abs(expected[k]))
    if (Math.abs(actual[k] - expected[k]) > tolerance * scale) {
      throw new Error(`element ${k}: ${actual[k]} vs ${expected[k]}`)
    }
  }
}

const cases: Array<[string, number[], number[], Conv2dOptions]> = [
  ['seed example', [2, 3, 7, 7], [4, 3, 5, 5], {}],
  ['stride 2 padding 1', [2, 3, 7, 7], [4, 3, 5, 5], { stride: 2, padding: 1 }],
  ['stride that does not divide', [1, 2, 8, 9], [3, 2, 3, 2], { stride: [3, 2] }],
  ['dilation and padding larger than K-1', [1, 1, 9, 8], [2, 1, 3, 2], { dilation: [2, 3], padding: [4, 3] }],
  ['groups', [2, 4, 6, 6], [6, 2, 3, 3], { groups: 2, padding: 1 }],
  ['depthwise reflect', [1, 3, 6, 5], [3, 1, 3, 3], { groups: 3, padding: 2, paddingMode: 'reflect' }],
  ['same with even kernel, circular', [1, 2, 5, 6], [2, 2, 4, 2], { padding: 'same', paddingMode: 'circular' }],
  ['replicate', [1, 1, 5, 5], [1, 1, 2, 3], { padding: [3, 1], stride: 2, paddingMode: 'replicate' }],
]

describe('backward by the seed derivation', () => {
  for (const [name, inputShape, weightShape, options] of cases) {
    it(`equals the scatter backward: ${name}`, () => {
      const source = seededSource(7)
      const x = normalTensor(inputShape, source)
      const w = normalTensor(weightShape, source)
      const geometry = convGeometry(inputShape, weightShape, options)
      const dy = normalTensor([geometry.batch, geometry.outChannels, geometry.outH, geometry.outW], source)
      const reference = conv2dBackward(x, w, null, dy, options)
      expectClose(gradInputByCorrelation(dy.data, w.data, geometry), reference.gradInput.data)
      const dilated = dilateByStride(dy.data, geometry)
      expectClose(gradWeightByCorrelation(padInput(x.data, geometry), dilated, geometry), reference.gradWeight.data)
    })
  }

  it('inserts stride−1 zeros between gradient elements', () => {
    const geometry = convGeometry([1, 1, 5, 5], [1, 1, 3, 3], { stride: 2 })
    const dilated = dilateByStride(Float64Array.from([1, 2, 3, 4]), geometry)
    expect([dilated.height, dilated.width]).toEqual([3, 3])
    expect([...dilated.data]).toEqual([1, 0, 2, 0, 0, 0, 3, 0, 4])
  })
})
