// The layer as a sparse matrix C (conv_arithmetic's section 4.1) against core's own layers, for
// many random settings: C·x + b is the Conv2d forward, Cᵀ·dE/dy its dE/dx, the transposed layer's
// matrix is the Conv2d's Cᵀ, and the pools' matrices reproduce their forward and backward.
// Multiplying here is the test's job only: the app draws the structure and reads the engine's numbers.
import { describe, expect, it } from 'vitest'
import type { Conv2dOptions, LayerMatrix, PaddingMode, Pool2dOptions, Tensor } from '../../core'
import {
  ConvolabError,
  avgPool2d,
  avgPool2dBackward,
  avgPool2dMatrix,
  conv2d,
  conv2dBackward,
  conv2dMatrix,
  convTranspose2d,
  convTranspose2dBackward,
  convTranspose2dMatrix,
  maxPool2d,
  maxPool2dBackward,
  maxPool2dSelection,
  normalTensor,
  planeIndex,
  seededSource,
  transposeMatrix,
  unravel,
} from '../../core'

/** Relative agreement the app promises (SEMANTICS.md): |a − b| ≤ 1e-12·max(1, |b|). */
const TOLERANCE = 1e-12

/** y = M·x for batch item n of x (N, C, H, W), the test's own multiplication. */
function multiply(matrix: LayerMatrix, x: Float64Array, n = 0): Float64Array {
  const y = new Float64Array(matrix.rows)
  const offset = n * matrix.cols
  for (let r = 0; r < matrix.rows; r++) {
    let sum = 0
    for (let e = matrix.rowStart[r]; e < matrix.rowStart[r + 1]; e++) sum += matrix.value[e] * x[offset + matrix.column[e]]
    y[r] = sum
  }
  return y
}

/** The worst |a − b| / max(1, |b|) of M·x against a reference tensor, over every batch item. */
function worstError(matrix: LayerMatrix, x: Tensor, reference: Tensor, bias: Float64Array | null = null): number {
  const batch = x.shape[0]
  const plane = matrix.rowShape[1] * matrix.rowShape[2]
  let worst = 0
  expect(reference.data.length).toBe(batch * matrix.rows)
  for (let n = 0; n < batch; n++) {
    const y = multiply(matrix, x.data, n)
    for (let r = 0; r < matrix.rows; r++) {
      const value = y[r] + (bias ? bias[Math.floor(r / plane)] : 0)
      const expected = reference.data[n * matrix.rows + r]
      worst = Math.max(worst, Math.abs(value - expected) / Math.max(1, Math.abs(expected)))
    }
  }
  return worst
}

/** Same structure and values, entry by entry (weight terms too). */
function expectSameMatrix(a: LayerMatrix, b: LayerMatrix): void {
  expect([a.rows, a.cols, a.rowShape, a.colShape]).toEqual([b.rows, b.cols, b.rowShape, b.colShape])
  expect([...a.rowStart]).toEqual([...b.rowStart])
  expect([...a.column]).toEqual([...b.column])
  expect([...a.value]).toEqual([...b.value])
  expect([...a.termStart]).toEqual([...b.termStart])
  expect([...a.termWeight].sort()).toEqual([...b.termWeight].sort())
}

const source = seededSource(20261201)
const pick = <T>(choices: readonly T[]): T => choices[Math.floor(source() * choices.length)]

interface ConvCase {
  name: string
  x: Tensor
  weight: Tensor
  bias: Tensor | null
  options: Conv2dOptions
}

/** Random Conv2d settings PyTorch accepts: every padding mode, stride, dilation, groups, rectangular kernels and channels. */
function convCases(count: number): ConvCase[] {
  const cases: ConvCase[] = []
  for (let attempt = 0; cases.length < count && attempt < count * 50; attempt++) {
    const groups = pick([1, 1, 2, 3])
    const inChannels = groups * pick([1, 2])
    const outChannels = groups * pick([1, 2])
    const shape = [pick([1, 2]), inChannels, pick([3, 4, 5, 7, 8]), pick([3, 5, 6, 7])]
    const weightShape = [outChannels, inChannels / groups, pick([1, 2, 3]), pick([1, 2, 3, 4])]
    const paddingMode = pick<PaddingMode>(['zeros', 'reflect', 'replicate', 'circular'])
    const stride = pick([1, 2, 3, [1, 2] as const, [2, 1] as const])
    const padding = pick([0, 1, 2, [1, 0] as const, [0, 2] as const, 'same' as const, 'valid' as const])
    const options: Conv2dOptions = { stride: padding === 'same' ? 1 : stride, padding, dilation: pick([1, 1, 2, [2, 1] as const]), groups, paddingMode }
    const x = normalTensor(shape, source)
    const weight = normalTensor(weightShape, source)
    const bias = source() < 0.5 ? normalTensor([outChannels], source) : null
    try {
      conv2d(x, weight, bias, options)
    } catch (error) {
      if (error instanceof ConvolabError) continue
      throw error
    }
    cases.push({ name: `x ${shape.join('×')}, w ${weightShape.join('×')}, ${JSON.stringify(options)}`, x, weight, bias, options })
  }
  return cases
}

describe('Conv2d as the sparse matrix C', () => {
  const cases = convCases(80)

  it('covers every padding mode, groups, stride, dilation and padding', () => {
    expect(cases.length).toBe(80)
    expect(new Set(cases.map((c) => c.options.paddingMode))).toEqual(new Set(['zeros', 'reflect', 'replicate', 'circular']))
    expect(cases.some((c) => c.options.groups! > 1)).toBe(true)
    expect(cases.some((c) => c.options.stride !== 1)).toBe(true)
    expect(cases.some((c) => c.options.dilation !== 1)).toBe(true)
    expect(cases.some((c) => c.options.padding === 'same')).toBe(true)
  })

  it.each(cases.map((c) => [c.name, c] as const))('C·x + b = conv2d(x) and Cᵀ·dE/dy = dE/dx: %s', (_, c) => {
    const matrix = conv2dMatrix(c.x.shape, c.weight, c.options)
    const forward = conv2d(c.x, c.weight, c.bias, c.options)
    expect(worstError(matrix, c.x, forward.output, c.bias?.data ?? null)).toBeLessThanOrEqual(TOLERANCE)
    const gradOutput = normalTensor(forward.output.shape, source)
    const { gradInput } = conv2dBackward(c.x, c.weight, c.bias, gradOutput, c.options)
    expect(worstError(transposeMatrix(matrix), gradOutput, gradInput)).toBeLessThanOrEqual(TOLERANCE)
  })

  it('is the 4×16 matrix of conv_arithmetic’s example: a 3×3 kernel on a 4×4 input', () => {
    const weight: Tensor = { shape: [1, 1, 3, 3], data: Float64Array.from({ length: 9 }, (_, k) => k + 1) }
    const matrix = conv2dMatrix([1, 1, 4, 4], weight)
    expect([matrix.rows, matrix.cols]).toEqual([4, 16])
    const dense = Array.from({ length: 4 }, (_, r) => {
      const row = new Array<number>(16).fill(0)
      for (let e = matrix.rowStart[r]; e < matrix.rowStart[r + 1]; e++) row[matrix.column[e]] = matrix.value[e]
      return row
    })
    // the paper's rows: w00 w01 w02 0 w10 w11 w12 0 w20 w21 w22 0 0 0 0 0, shifted by the stride
    expect(dense[0]).toEqual([1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0, 0])
    expect(dense[1]).toEqual([0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0, 0, 0, 0])
    expect(dense[2]).toEqual([0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9, 0])
    expect(dense[3]).toEqual([0, 0, 0, 0, 0, 1, 2, 3, 0, 4, 5, 6, 0, 7, 8, 9])
    // every entry names the one weight it is: the flat index of w[0, 0, p, q]
    for (let e = 0; e < matrix.column.length; e++) {
      expect(matrix.termStart[e + 1] - matrix.termStart[e]).toBe(1)
      expect(matrix.value[e]).toBe(weight.data[matrix.termWeight[matrix.termStart[e]]])
    }
  })

  it('adds the weights of padded cells that copy one input cell (reflect, replicate, circular), and names them all', () => {
    // 1×3 input, a 1×3 kernel, padding 1 replicate: y[0] reads x0, x0, x1 → entry (0, 0) is w0 + w1
    const weight: Tensor = { shape: [1, 1, 1, 3], data: Float64Array.of(1, 10, 100) }
    const replicate = conv2dMatrix([1, 1, 1, 3], weight, { padding: [0, 1], paddingMode: 'replicate' })
    expect([...replicate.column.subarray(replicate.rowStart[0], replicate.rowStart[1])]).toEqual([0, 1])
    expect(replicate.value[0]).toBe(11)
    expect([...replicate.termWeight.subarray(replicate.termStart[0], replicate.termStart[1])]).toEqual([0, 1])
    // circular: y[0] reads x2, x0, x1; reflect: y[0] reads x1, x0, x1 → entry (0, 1) is w0 + w2
    const reflect = conv2dMatrix([1, 1, 1, 3], weight, { padding: [0, 1], paddingMode: 'reflect' })
    expect([...reflect.value.subarray(reflect.rowStart[0], reflect.rowStart[1])]).toEqual([10, 101])
    const zeros = conv2dMatrix([1, 1, 1, 3], weight, { padding: [0, 1] })
    expect([...zeros.value.subarray(zeros.rowStart[0], zeros.rowStart[1])]).toEqual([10, 100])
  })

  it('names rows and columns by (channel, row, column) and weights by w[o, i, p, q]', () => {
    expect(planeIndex(2 * 12 + 7, [3, 3, 4])).toEqual([2, 1, 3])
    const weight = normalTensor([4, 1, 3, 2], source)
    const matrix = conv2dMatrix([1, 2, 5, 5], weight, { groups: 2 })
    // row (m = 3, i = 0, j = 0) belongs to group 1: it reads input channel 1 only, with w[3, 0, p, q]
    const row = 3 * matrix.rowShape[1] * matrix.rowShape[2]
    for (let e = matrix.rowStart[row]; e < matrix.rowStart[row + 1]; e++) {
      expect(planeIndex(matrix.column[e], matrix.colShape)[0]).toBe(1)
      const [o, i] = unravel(matrix.termWeight[matrix.termStart[e]], weight.shape)
      expect([o, i]).toEqual([3, 0])
    }
  })
})

describe('ConvTranspose2d as Cᵀ', () => {
  const cases = convCases(40).filter((c) => c.options.paddingMode === 'zeros' && typeof c.options.padding !== 'string')

  it('its matrix is the transpose of the Conv2d C it is the gradient of, and computes its forward and dE/dx', () => {
    expect(cases.length).toBeGreaterThan(5)
    for (const c of cases) {
      const conv = conv2d(c.x, c.weight, null, c.options)
      const options = { stride: c.options.stride, padding: c.options.padding as number, dilation: c.options.dilation, groups: c.options.groups }
      // the transposed layer maps the Conv2d's output shape back to its input shape, with the same weight
      const [, , inH, inW] = c.x.shape
      const transposed = convTranspose2dMatrix(conv.output.shape, c.weight, { ...options, outputSize: [inH, inW] })
      expectSameMatrix(transposed, transposeMatrix(conv2dMatrix(c.x.shape, c.weight, options)))

      const y = normalTensor(conv.output.shape, source)
      // its bias has one value per channel of its output: the Conv2d's input channels
      const bias = c.bias ? normalTensor([c.x.shape[1]], source) : null
      const forward = convTranspose2d(y, c.weight, bias, { ...options, outputSize: [inH, inW] })
      expect(worstError(transposed, y, forward.output, bias?.data ?? null), c.name).toBeLessThanOrEqual(TOLERANCE)
      const gradOutput = normalTensor(forward.output.shape, source)
      const { gradInput } = convTranspose2dBackward(y, c.weight, gradOutput, forward.geometry, false)
      expect(worstError(transposeMatrix(transposed), gradOutput, gradInput), c.name).toBeLessThanOrEqual(TOLERANCE)
    }
  })

  it('keeps output padding that reaches the stride (OP ≥ S, allowed when D > S): rows no weight writes stay empty', () => {
    const x = normalTensor([1, 1, 3, 3], source)
    const weight = normalTensor([1, 1, 2, 2], source)
    const options = { stride: 1, dilation: 3, outputPadding: 2 }
    const matrix = convTranspose2dMatrix(x.shape, weight, options)
    expect(worstError(matrix, x, convTranspose2d(x, weight, null, options).output)).toBeLessThanOrEqual(TOLERANCE)
    // H_out = (3 − 1)·1 + 3·(2 − 1) + 2 + 1 = 8; stamps land on rows i + 3a ≤ 5: rows 6 and 7 have no entry
    expect(matrix.rowShape).toEqual([1, 8, 8])
    for (let r = 0; r < matrix.rows; r++) {
      const [, h, w] = planeIndex(r, matrix.rowShape)
      expect(matrix.rowStart[r + 1] - matrix.rowStart[r] === 0, `row (${h}, ${w})`).toBe(h >= 6 || w >= 6)
    }
  })
})

describe('pools as matrices', () => {
  const poolCases: Pool2dOptions[] = []
  for (let k = 0; k < 60; k++) {
    const kernel = pick([1, 2, 3, [2, 3] as const])
    const kernelH = typeof kernel === 'number' ? kernel : kernel[0]
    const kernelW = typeof kernel === 'number' ? kernel : kernel[1]
    const padding = pick([0, 1]) && Math.min(Math.floor(kernelH / 2), Math.floor(kernelW / 2))
    poolCases.push({
      kernelSize: kernel,
      stride: pick([undefined, 1, 2, [1, 2] as const]),
      padding,
      ceilMode: source() < 0.5,
      countIncludePad: source() < 0.5,
      divisorOverride: source() < 0.2 ? pick([-3, 2, 5]) : null,
    })
  }

  it.each(poolCases.map((o) => [JSON.stringify(o), o] as const))('AvgPool2d: A·x = avg_pool2d(x), Aᵀ·dE/dy = dE/dx: %s', (_, options) => {
    const x = normalTensor([2, 2, pick([4, 5, 7]), pick([3, 6])], source)
    const matrix = avgPool2dMatrix(x.shape, options)
    const { output, geometry } = avgPool2d(x, options)
    expect(worstError(matrix, x, output)).toBeLessThanOrEqual(TOLERANCE)
    const gradOutput = normalTensor(output.shape, source)
    expect(worstError(transposeMatrix(matrix), gradOutput, avgPool2dBackward(gradOutput, geometry))).toBeLessThanOrEqual(TOLERANCE)
  })

  it('MaxPool2d: the selection matrix of one input picks each argmax, and its transpose routes dE/dy there', () => {
    for (let k = 0; k < 30; k++) {
      const options: Pool2dOptions = { kernelSize: pick([2, 3]), stride: pick([1, 2]), dilation: pick([1, 2]), padding: pick([0, 1]), ceilMode: source() < 0.5 }
      const x = normalTensor([1, 3, 7, 6], source)
      let pooled
      try {
        pooled = maxPool2d(x, options)
      } catch (error) {
        if (error instanceof ConvolabError) continue
        throw error
      }
      const matrix = maxPool2dSelection(x.shape, pooled.geometry, pooled.indices)
      expect(worstError(matrix, x, pooled.output)).toBe(0)
      const gradOutput = normalTensor(pooled.output.shape, source)
      expect(worstError(transposeMatrix(matrix), gradOutput, maxPool2dBackward(gradOutput, pooled.indices, pooled.geometry))).toBeLessThanOrEqual(TOLERANCE)
    }
  })

  it('refuses indices of the wrong length', () => {
    expect(() => maxPool2dSelection([1, 1, 4, 4], { kernelSize: 2 }, [0, 1, 2])).toThrow(ConvolabError)
  })
})
