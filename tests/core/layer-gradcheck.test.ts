// The seed's finite differences on ConvTranspose2d, MaxPool2d (inputs without ties) and
// AvgPool2d; and that the check fails on a wrong gradient and on a tie.
import { describe, expect, it } from 'vitest'
import { gradcheckAvgPool2d, gradcheckConvTranspose2d, gradcheckMaxPool2d, hasNearTie, maxPool2d, maxPool2dBackward, poolGeometry } from '../../core'
import { formatLayerGradcheck } from '../../messages'

describe('ConvTranspose2d', () => {
  it('passes with every option at once (stride, padding, output padding, dilation, groups, bias)', () => {
    const report = gradcheckConvTranspose2d({
      inputShape: [2, 4, 3, 4],
      outChannels: 6,
      kernelSize: [3, 2],
      options: { stride: [2, 3], padding: [1, 2], outputPadding: [1, 0], dilation: [2, 1], groups: 2 },
      bias: true,
      samples: 5,
    })
    // per sample: x 96 + w (4·3·3·2 = 72) + b 6
    expect(report).toMatchObject({ passed: true, checked: 5 * (96 + 72 + 6), failures: 0 })
    expect(report.worst!.relativeError).toBeLessThan(1e-7)
  })

  it('passes with a wanted output size and depthwise groups', () => {
    const report = gradcheckConvTranspose2d({
      inputShape: [1, 3, 4, 4],
      outChannels: 3,
      kernelSize: [3, 3],
      options: { stride: 2, padding: 1, outputSize: [8, 7], groups: 3 },
      samples: 5,
    })
    expect(report.passed).toBe(true)
  })
})

describe('MaxPool2d', () => {
  it('passes on inputs without ties, with padding, dilation and ceil mode', () => {
    const report = gradcheckMaxPool2d({
      inputShape: [2, 2, 7, 6],
      options: { kernelSize: [3, 2], stride: [2, 1], padding: 1, dilation: [1, 2], ceilMode: true },
      samples: 10,
    })
    expect(report).toMatchObject({ passed: true, checked: 10 * 2 * 2 * 7 * 6 })
  })

  it('says why ties are excluded, in both languages', () => {
    const report = gradcheckMaxPool2d({ inputShape: [1, 1, 4, 4], options: { kernelSize: 2 }, samples: 2 })
    expect(formatLayerGradcheck(report, 'max-pool2d', 'en')).toMatch(
      /^SUCCESS 32 partial derivatives checked \(2 random input samples\)\nInputs were drawn without ties/,
    )
    expect(formatLayerGradcheck(report, 'max-pool2d', 'es')).toMatch(/\nLas entradas se sortearon sin empates/)
  })

  it('would fail at a tie: the central difference splits what PyTorch routes to the first maximum', () => {
    const x = { shape: [1, 1, 1, 2], data: Float64Array.of(1, 1) }
    const g = poolGeometry(x.shape, { kernelSize: [1, 2] })
    expect(hasNearTie(x, g, 2e-5)).toBe(true)
    const { indices } = maxPool2d(x, g)
    const analytic = maxPool2dBackward({ shape: [1, 1, 1, 1], data: Float64Array.of(1) }, indices, g).data
    const h = 1e-5
    const numeric = [0, 1].map((k) => {
      const plus = Float64Array.from(x.data)
      plus[k] += h
      const minus = Float64Array.from(x.data)
      minus[k] -= h
      return (maxPool2d({ shape: x.shape, data: plus }, g).output.data[0] - maxPool2d({ shape: x.shape, data: minus }, g).output.data[0]) / (2 * h)
    })
    expect([...analytic]).toEqual([1, 0])
    expect(numeric[0]).toBeCloseTo(0.5, 6)
    expect(numeric[1]).toBeCloseTo(0.5, 6)
  })
})

describe('AvgPool2d', () => {
  it('passes with ceil mode, both count_include_pad and a divisor override', () => {
    for (const options of [
      { kernelSize: 3, stride: 2, padding: 1, ceilMode: true },
      { kernelSize: 3, stride: 2, padding: 1, ceilMode: true, countIncludePad: false },
      { kernelSize: [2, 3] as [number, number], stride: 1, padding: [1, 1] as [number, number], divisorOverride: 4 },
    ]) {
      const report = gradcheckAvgPool2d({ inputShape: [1, 2, 6, 6], options, samples: 5 })
      expect(report.passed, JSON.stringify(options)).toBe(true)
      expect(report.checked).toBe(5 * 72)
    }
  })
})
