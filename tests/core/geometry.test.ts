import { describe, expect, it } from 'vitest'
import { ConvolabError, convGeometry } from '../../core'
import { messageOf } from '../../messages'
import { refusalOf } from '../support/refusal'

function errorOf(run: () => unknown): ConvolabError {
  try {
    run()
  } catch (error) {
    if (error instanceof ConvolabError) return error
    throw error
  }
  throw new Error('expected a ConvolabError')
}

describe('convGeometry', () => {
  it('computes the seed example shape (2,3,7,7) * (4,3,5,5) -> (2,4,3,3)', () => {
    const g = convGeometry([2, 3, 7, 7], [4, 3, 5, 5])
    expect([g.outH, g.outW]).toEqual([3, 3])
  })

  it('uses floor for strides that do not divide evenly', () => {
    const g = convGeometry([1, 1, 8, 8], [1, 1, 3, 3], { stride: 2, padding: 0 })
    expect([g.outH, g.outW]).toEqual([3, 3])
  })

  it("pads 'same' asymmetrically for even kernels, as PyTorch", () => {
    const g = convGeometry([1, 1, 5, 6], [1, 1, 4, 2], { padding: 'same', dilation: [1, 3] })
    expect([g.padTop, g.padBottom, g.padLeft, g.padRight]).toEqual([1, 2, 1, 2])
    expect([g.outH, g.outW]).toEqual([5, 6])
  })

  it('names the parameter, its value and the rule in every error', () => {
    expect(refusalOf(() => convGeometry([1, 1, 5, 5], [1, 1, 3, 3], { padding: 'same', stride: 2 }))).toBe("padding 'same' needs stride 1 (got stride 2)")
    expect(refusalOf(() => convGeometry([1, 4, 5, 5], [3, 1, 3, 3], { groups: 3 }))).toBe('groups 3 must divide in_channels 4')
    expect(refusalOf(() => convGeometry([1, 1, 7, 7], [1, 1, 5, 5], { dilation: 2 }))).toBe('the dilated kernel (9×9) is larger than the padded input (7×7)')
    expect(refusalOf(() => convGeometry([1, 1, 4, 4], [1, 1, 3, 3], { padding: 4, paddingMode: 'reflect' }))).toBe(
      'reflect padding 4 must be smaller than the input height 4',
    )
  })

  it('speaks Spanish too', () => {
    const error = errorOf(() => convGeometry([1, 4, 5, 5], [3, 1, 3, 3], { groups: 3 }))
    expect(messageOf(error, 'es')).toBe('grupos 3 debe dividir a in_channels 4')
  })

  it('names the dimension that has size 0', () => {
    const empty = errorOf(() => convGeometry([1, 1, 0, 5], [1, 1, 3, 3]))
    expect(empty.code).toBe('empty-dimension')
    expect(messageOf(empty)).toBe('input has size 0 in dimension H (shape (1, 1, 0, 5)); every dimension needs at least 1')
    expect(messageOf(empty, 'es')).toBe('input tiene tamaño 0 en la dimensión H (shape (1, 1, 0, 5)); cada dimensión necesita al menos 1')
    expect(errorOf(() => convGeometry([1, 1, 5, 5], [2, 1, 3, 0])).params).toMatchObject({ name: 'weight', axis: 'KW' })
    expect(errorOf(() => convGeometry([0, 1, 5, 5], [1, 1, 3, 3])).params.axis).toBe('N')
  })

  it('says counts in the plural form of each language', () => {
    expect(refusalOf(() => convGeometry([1, 1, 5, 5], [1, 1, 3, 3], {}, 2))).toBe('the bias has 2 values but there is 1 output channel')
    expect(refusalOf(() => convGeometry([1, 1, 5, 5], [3, 1, 3, 3], {}, 1), 'es')).toBe('el bias tiene 1 valor pero hay 3 canales de salida')
  })
})
