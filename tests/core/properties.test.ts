// Algebraic properties of Conv2d over random valid settings: the backward pass is the adjoint
// of the forward pass (for every padding mode, since unpadGradient is the adjoint of padInput),
// the forward pass is linear in x and in w, and dE/db sums dE/dy.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Conv2dOptions, Pair, Padding, Tensor } from '../../core'
import { PADDING_MODES, conv2d, conv2dBackward, convGeometry, normalTensor, outputShape, seededSource } from '../../core'

interface Setting {
  inputShape: [number, number, number, number]
  weightShape: [number, number, number, number]
  options: Conv2dOptions
  seed: number
}

const small = (min: number, max: number) => fc.integer({ min, max })

/** Pads [before, after] of one axis, worked out here independently of core's geometry. */
function axisPads(padding: Padding, axis: 0 | 1, kernel: number, dilation: number): [number, number] {
  if (padding === 'valid') return [0, 0]
  if (padding === 'same') {
    const total = dilation * (kernel - 1)
    return [Math.floor(total / 2), total - Math.floor(total / 2)]
  }
  const pad = typeof padding === 'number' ? padding : padding[axis]
  return [pad, pad]
}

/** Random settings that are valid by construction: the input is made just large enough, plus a little. */
const settings: fc.Arbitrary<Setting> = fc
  .record({
    batch: small(1, 2),
    groups: small(1, 3),
    inPerGroup: small(1, 2),
    outPerGroup: small(1, 2),
    kernel: fc.tuple(small(1, 4), small(1, 4)),
    stride: fc.tuple(small(1, 3), small(1, 3)),
    dilation: fc.tuple(small(1, 3), small(1, 2)),
    padding: fc.oneof(small(0, 3), fc.tuple(small(0, 3), small(0, 3)), fc.constant('same'), fc.constant('valid')),
    paddingMode: fc.constantFrom(...PADDING_MODES),
    asPairs: fc.boolean(),
    extra: fc.tuple(small(0, 4), small(0, 4)),
    seed: fc.nat(),
  })
  .map((s): Setting => {
    const stride: [number, number] = s.padding === 'same' ? [1, 1] : s.asPairs ? s.stride : [s.stride[0], s.stride[0]]
    const dilation: [number, number] = s.asPairs ? s.dilation : [s.dilation[0], s.dilation[0]]
    const padding = s.padding as Padding
    const sizes = ([0, 1] as const).map((axis) => {
      const [before, after] = axisPads(padding, axis, s.kernel[axis], dilation[axis])
      const span = dilation[axis] * (s.kernel[axis] - 1) + 1
      const largestPad = Math.max(before, after)
      const modeMinimum = s.paddingMode === 'reflect' ? largestPad + 1 : s.paddingMode === 'circular' ? largestPad : 1
      return Math.max(1, modeMinimum, span - before - after) + s.extra[axis]
    })
    const pair = (value: [number, number]): Pair => (s.asPairs ? value : value[0])
    return {
      inputShape: [s.batch, s.groups * s.inPerGroup, sizes[0], sizes[1]],
      weightShape: [s.groups * s.outPerGroup, s.inPerGroup, s.kernel[0], s.kernel[1]],
      options: { stride: pair(stride), dilation: pair(dilation), padding, groups: s.groups, paddingMode: s.paddingMode },
      seed: s.seed,
    }
  })

const RUNS = { numRuns: 300 }

function dot(a: Tensor, b: Tensor): { value: number; scale: number } {
  let value = 0
  let scale = 0
  for (let k = 0; k < a.data.length; k++) {
    value += a.data[k] * b.data[k]
    scale += Math.abs(a.data[k] * b.data[k])
  }
  return { value, scale }
}

/** Two dot products of the same quantity agree up to rounding, relative to the size of their terms. */
function expectSameDot(left: { value: number; scale: number }, right: { value: number; scale: number }): void {
  const tolerance = 1e-12 * Math.max(1, left.scale, right.scale)
  expect(Math.abs(left.value - right.value)).toBeLessThanOrEqual(tolerance)
}

function combine(a: number, x: Tensor, b: number, y: Tensor): Tensor {
  return { shape: x.shape, data: x.data.map((value, k) => a * value + b * y.data[k]) }
}

function expectClose(actual: Tensor, expected: Tensor, scale: number): void {
  expect(actual.shape).toEqual(expected.shape)
  const tolerance = 1e-12 * Math.max(1, scale)
  for (let k = 0; k < expected.data.length; k++) {
    expect(Math.abs(actual.data[k] - expected.data[k])).toBeLessThanOrEqual(tolerance)
  }
}

function largest(t: Tensor): number {
  return t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0)
}

function draw(setting: Setting) {
  const source = seededSource(setting.seed)
  const geometry = convGeometry(setting.inputShape, setting.weightShape, setting.options)
  return {
    x: normalTensor(setting.inputShape, source),
    x2: normalTensor(setting.inputShape, source),
    w: normalTensor(setting.weightShape, source),
    w2: normalTensor(setting.weightShape, source),
    bias: normalTensor([setting.weightShape[0]], source),
    g: normalTensor(outputShape(geometry), source),
    a: source() * 4 - 2,
    b: source() * 4 - 2,
  }
}

describe('Conv2d properties over random valid settings', () => {
  it('the generated settings are valid and cover every padding mode and padding kind', () => {
    const seen = new Set<string>()
    fc.assert(
      fc.property(settings, (s) => {
        expect(() => convGeometry(s.inputShape, s.weightShape, s.options)).not.toThrow()
        const padding = s.options.padding
        seen.add(`${s.options.paddingMode}`)
        seen.add(typeof padding === 'object' ? 'pair' : typeof padding === 'number' ? 'int' : String(padding))
      }),
      RUNS,
    )
    for (const kind of [...PADDING_MODES, 'pair', 'int', 'same', 'valid']) expect(seen.has(kind), kind).toBe(true)
  })

  it('adjoint in x: <conv(x), g> == <x, grad_input(g)>', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const { x, w, g } = draw(s)
        const y = conv2d(x, w, null, s.options).output
        const { gradInput } = conv2dBackward(x, w, null, g, s.options)
        expectSameDot(dot(y, g), dot(x, gradInput))
      }),
      RUNS,
    )
  })

  it('adjoint in w: <conv(x), g> == <w, grad_weight(g)> without bias', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const { x, w, g } = draw(s)
        const y = conv2d(x, w, null, s.options).output
        const { gradWeight } = conv2dBackward(x, w, null, g, s.options)
        expectSameDot(dot(y, g), dot(w, gradWeight))
      }),
      RUNS,
    )
  })

  it('linear in x: conv(a·x1 + b·x2) == a·conv(x1) + b·conv(x2)', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const { x, x2, w, a, b } = draw(s)
        const y1 = conv2d(x, w, null, s.options).output
        const y2 = conv2d(x2, w, null, s.options).output
        const mixed = conv2d(combine(a, x, b, x2), w, null, s.options).output
        expectClose(mixed, combine(a, y1, b, y2), Math.abs(a) * largest(y1) + Math.abs(b) * largest(y2) + 10)
      }),
      RUNS,
    )
  })

  it('linear in w: conv(x; a·w1 + b·w2) == a·conv(x; w1) + b·conv(x; w2)', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const { x, w, w2, a, b } = draw(s)
        const y1 = conv2d(x, w, null, s.options).output
        const y2 = conv2d(x, w2, null, s.options).output
        const mixed = conv2d(x, combine(a, w, b, w2), null, s.options).output
        expectClose(mixed, combine(a, y1, b, y2), Math.abs(a) * largest(y1) + Math.abs(b) * largest(y2) + 10)
      }),
      RUNS,
    )
  })

  it('the bias adds b[m] to every output of channel m, and grad_bias[m] = Σ_{n,i,j} g[n,m,i,j]', () => {
    fc.assert(
      fc.property(settings, (s) => {
        const { x, w, bias, g } = draw(s)
        const plain = conv2d(x, w, null, s.options).output
        const biased = conv2d(x, w, bias, s.options).output
        const [batch, channels, outH, outW] = plain.shape
        const plane = outH * outW
        const sums = new Float64Array(channels)
        for (let k = 0; k < plain.data.length; k++) {
          const m = Math.floor(k / plane) % channels
          expect(Math.abs(biased.data[k] - plain.data[k] - bias.data[m])).toBeLessThanOrEqual(1e-12 * (largest(plain) + 3))
          sums[m] += g.data[k]
        }
        const { gradBias } = conv2dBackward(x, w, bias, g, s.options)
        expect(gradBias?.shape).toEqual([channels])
        expectClose(gradBias as Tensor, { shape: [channels], data: sums }, batch * plane * 5)
      }),
      RUNS,
    )
  })
})
