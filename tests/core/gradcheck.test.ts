// The seed's finite-difference check (edunn check_gradient.common_layer) against core's backward,
// and proof that it catches a wrong backward and says where.
import { describe, expect, it } from 'vitest'
import type { BackwardFunction, GradcheckSettings } from '../../core'
import { ConvolabError, conv2dBackward, gradcheck } from '../../core'
import { formatGradcheck } from '../../messages'

describe("the notebook's gradient check", () => {
  it('input (2,3,5,5), 5 filters 3×3, no bias, 100 samples, tolerance 1e-5: SUCCESS 28500', () => {
    const report = gradcheck({ inputShape: [2, 3, 5, 5], outChannels: 5, kernelSize: [3, 3], samples: 100, tolerance: 1e-5 })
    expect(report.passed).toBe(true)
    expect(report.failures).toBe(0)
    expect(report.samples).toBe(100)
    // 100 × (2·3·5·5 inputs + 5·3·3·3 weights)
    expect(report.checked).toBe(28500)
    expect(report.worst?.relativeError).toBeLessThan(1e-5)
    expect(formatGradcheck(report)).toBe('SUCCESS 28500 partial derivatives checked (100 random input samples)')
  })
})

describe('the gradient check over other options', () => {
  const cases: Array<[string, GradcheckSettings, number]> = [
    [
      'bias, stride 2, reflect padding, dilation, groups',
      {
        inputShape: [2, 4, 7, 6],
        outChannels: 4,
        kernelSize: [3, 2],
        bias: true,
        options: { stride: 2, padding: [2, 1], dilation: [2, 1], groups: 2, paddingMode: 'reflect' },
      },
      2 * 4 * 7 * 6 + 4 * 2 * 3 * 2 + 4,
    ],
    [
      "'same' with an even kernel, circular padding, depthwise",
      {
        inputShape: [1, 3, 5, 6],
        outChannels: 3,
        kernelSize: [4, 2],
        bias: true,
        options: { padding: 'same', dilation: [1, 3], groups: 3, paddingMode: 'circular' },
      },
      3 * 5 * 6 + 3 * 4 * 2 + 3,
    ],
    [
      'replicate padding larger than the kernel, stride not dividing',
      {
        inputShape: [2, 2, 6, 5],
        outChannels: 3,
        kernelSize: [2, 3],
        options: { stride: [3, 2], padding: 3, paddingMode: 'replicate' },
      },
      2 * 2 * 6 * 5 + 3 * 2 * 2 * 3,
    ],
  ]

  it.each(cases)('%s', (_name, settings, perSample) => {
    const report = gradcheck({ ...settings, samples: 10, tolerance: 1e-5 })
    expect(report.passed, formatGradcheck(report)).toBe(true)
    expect(report.checked).toBe(10 * perSample)
  })
})

describe('the gradient check can fail', () => {
  const settings: GradcheckSettings = {
    inputShape: [1, 2, 5, 5],
    outChannels: 2,
    kernelSize: [3, 3],
    bias: true,
    samples: 5,
    options: { padding: 1, paddingMode: 'reflect' },
  }

  it('reports a wrong weight gradient with its worst element', () => {
    const doubled: BackwardFunction = (x, weight, bias, gradOutput, options) => {
      const gradients = conv2dBackward(x, weight, bias, gradOutput, options)
      gradients.gradWeight.data[(1 * 2 + 0) * 9 + 2 * 3 + 1] *= 2 // w[1, 0, 2, 1]
      return gradients
    }
    const report = gradcheck({ ...settings, backward: doubled })
    expect(report.passed).toBe(false)
    expect(report.failures).toBe(5)
    expect(report.worst?.parameter).toBe('weight')
    expect(report.worst?.index).toEqual([1, 0, 2, 1])
    // Doubling gives |n - 2n| / (|n| + |2n|) = 1/3.
    expect(report.worst?.relativeError).toBeCloseTo(1 / 3, 6)
    expect(formatGradcheck(report)).toMatch(
      /^FAILURE 5 of 440 partial derivatives exceed the tolerance 0.00001; worst: weight\[1,0,2,1\] \(numeric .*, analytic .*, relative error 3.33e-1\)$/,
    )
    expect(formatGradcheck(report, 'es')).toMatch(/^ERROR 5 de 440 derivadas parciales .* la peor: weight\[1,0,2,1\]/)
  })

  it('catches a backward that forgets to fold the reflected border back (zeros instead of reflect)', () => {
    const forgetful: BackwardFunction = (x, weight, bias, gradOutput, options) =>
      conv2dBackward(x, weight, bias, gradOutput, { ...options, paddingMode: 'zeros' })
    const report = gradcheck({ ...settings, backward: forgetful })
    expect(report.passed).toBe(false)
    expect(report.worst?.parameter).toBe('input')
    // Only cells that are copied into the border are wrong: rows/columns 1 and 3 of a 5×5 input.
    const [, , row, col] = report.worst?.index ?? []
    expect([1, 3].includes(row) || [1, 3].includes(col)).toBe(true)
  })

  it('counts a NaN gradient as a failure, not a pass', () => {
    const broken: BackwardFunction = (x, weight, bias, gradOutput, options) => {
      const gradients = conv2dBackward(x, weight, bias, gradOutput, options)
      gradients.gradBias?.data.fill(NaN)
      return gradients
    }
    const report = gradcheck({ ...settings, samples: 2, backward: broken })
    expect(report.passed).toBe(false)
    expect(report.failures).toBe(2 * 2)
    expect(report.worst?.parameter).toBe('bias')
    expect(report.worst?.relativeError).toBe(Infinity)
  })

  it('stops when asked and is then not a pass', () => {
    const report = gradcheck({ ...settings, samples: 50, onSample: (done) => done < 2 })
    expect(report.cancelled).toBe(true)
    expect(report.samples).toBe(2)
    expect(report.passed).toBe(false)
  })

  it('refuses invalid settings once, with the rule', () => {
    expect(() => gradcheck({ inputShape: [1, 3, 5, 5], outChannels: 2, kernelSize: [3, 3], options: { groups: 2 } })).toThrow(
      new ConvolabError('groups-divide-in', { groups: 2, inChannels: 3 }),
    )
  })
})
