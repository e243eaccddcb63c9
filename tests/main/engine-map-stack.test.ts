// The engine's maps for the screen: box means (float32) against a plain per-box mean, each
// plane's exact range and its count of NaN/±∞, full size and downsampled.
import { describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { convGeometry, normalTensor, seededSource } from '../../core'
import { createFastKernels, type PlaneMaps } from '../../core/fast'
import { enableRelaxedSimd } from '../../src-main/engine/parallel'
import { boxFactor, toMapStack } from '../../src-main/engine/map-stack'

enableRelaxedSimd()
const simd = await createFastKernels({ prefer: 'simd' })
const relaxed = await createFastKernels()

/**
 * The maps the WebAssembly kernels make in their memory during forward: y = x through a
 * depthwise 1×1 kernel of ones (y equals x exactly, NaN and ±∞ included).
 */
function kernelMaps(kernels: typeof simd, tensor: Tensor, maxSide: number): PlaneMaps {
  const channels = tensor.shape[1]
  const geometry = convGeometry(tensor.shape, [channels, 1, 1, 1], { groups: channels })
  const { maps, readOutput } = kernels.forwardWithMaps!(tensor.data, new Float64Array(channels).fill(1), null, geometry, maxSide)
  // another run first: y is read back before it, so readOutput still gives this y
  kernels.forward(tensor.data, new Float64Array(channels).fill(2), null, geometry, 'f64')
  expect(Array.from(readOutput())).toEqual(Array.from(tensor.data))
  return maps
}

/** The mean of every box, summed box by box in float64. */
function boxMeans(tensor: Tensor, factor: number): number[] {
  const [n, c, h, w] = tensor.shape
  const dh = Math.ceil(h / factor)
  const dw = Math.ceil(w / factor)
  const means: number[] = []
  for (let p = 0; p < n * c; p++) {
    for (let i = 0; i < dh; i++) {
      for (let j = 0; j < dw; j++) {
        let sum = 0
        let count = 0
        for (let r = i * factor; r < Math.min(h, (i + 1) * factor); r++) {
          for (let s = j * factor; s < Math.min(w, (j + 1) * factor); s++) {
            sum += tensor.data[p * h * w + r * w + s]
            count++
          }
        }
        means.push(sum / count)
      }
    }
  }
  return means
}

function finiteRange(values: Float64Array): [number, number, number] {
  const finite = Array.from(values).filter(Number.isFinite)
  return [finite.length ? Math.min(...finite) : NaN, finite.length ? Math.max(...finite) : NaN, values.length - finite.length]
}

const makers: Array<[string, (tensor: Tensor, maxSide: number) => PlaneMaps]> = [
  ['toMapStack (TypeScript)', toMapStack],
  [`planeMaps_f64 in the ${simd.kind} kernels' memory`, (t, m) => kernelMaps(simd, t, m)],
  [`planeMaps_f64 in the ${relaxed.kind} kernels' memory`, (t, m) => kernelMaps(relaxed, t, m)],
]

describe.each(makers)('%s', (_, makeMaps) => {
  const tensor = normalTensor([2, 3, 37, 50], seededSource(11))
  // plane 1 holds NaN, +∞ and -∞; plane 4 is all NaN
  const plane = 37 * 50
  tensor.data[plane + 5] = NaN
  tensor.data[plane + 700] = Infinity
  tensor.data[plane + 1200] = -Infinity
  tensor.data.fill(NaN, 4 * plane, 5 * plane)
  // plane 5: finite values whose box sums overflow to +∞ (the range stays exact, nothing non-finite)
  tensor.data[5 * plane] = 1.7e308
  tensor.data[5 * plane + 1] = 1.7e308

  for (const maxSide of [0, 50, 16, 7]) {
    it(`keeps means within float32 and ranges exact (maxSide ${maxSide})`, () => {
      const factor = boxFactor(37, 50, maxSide)
      const maps = makeMaps(tensor, maxSide)
      expect([maps.displayH, maps.displayW]).toEqual([Math.ceil(37 / factor), Math.ceil(50 / factor)])
      const means = boxMeans(tensor, factor)
      expect(maps.data.length).toBe(means.length)
      for (let k = 0; k < means.length; k++) {
        if (!Number.isFinite(Math.fround(means[k]))) expect(maps.data[k]).toBe(Math.fround(means[k]))
        // float32 rounding (2^-24 relative) and another summation order
        else expect(Math.abs(maps.data[k] - means[k])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(means[k])))
      }
      for (let p = 0; p < 6; p++) {
        const [low, high, bad] = finiteRange(tensor.data.subarray(p * plane, (p + 1) * plane))
        expect([maps.min[p], maps.max[p], maps.nonFinite[p]]).toEqual([low, high, bad])
      }
      expect(maps.nonFinite[1]).toBe(3)
      expect(maps.nonFinite[4]).toBe(plane)
      expect(maps.min[4]).toBeNaN()
      expect([maps.max[5], maps.nonFinite[5]]).toEqual([1.7e308, 0])
    })
  }
})

describe.each([
  ['simd', simd],
  ['relaxed-simd', relaxed],
])("planeMaps_f64 in the %s kernels' memory against toMapStack, bit for bit", (_, kernels) => {
  // boxes of 2 to 8 (even ones take two boxes at a time, odd ones one), zeros, NaN and ±∞ among the values
  const tensor = normalTensor([1, 3, 41, 70], seededSource(31))
  const plane = 41 * 70
  tensor.data.fill(0, 0, 200)
  tensor.data[300] = NaN
  tensor.data[plane + 333] = Infinity
  tensor.data[2 * plane + 1000] = -Infinity
  for (const maxSide of [35, 24, 18, 14, 12, 9]) {
    it(`gives the same maps (box ${boxFactor(41, 70, maxSide)})`, () => {
      const maps = kernelMaps(kernels, tensor, maxSide)
      const want = toMapStack(tensor, maxSide)
      expect(Array.from(maps.data).every((v, k) => Object.is(v, want.data[k]))).toBe(true)
      expect([Array.from(maps.min), Array.from(maps.max), Array.from(maps.nonFinite)]).toEqual([
        Array.from(want.min),
        Array.from(want.max),
        Array.from(want.nonFinite),
      ])
    })
  }
})

describe.each([
  ['simd', simd],
  ['relaxed-simd', relaxed],
])("planeMaps_f64 over dE/dx in the %s kernels' memory", (_, kernels) => {
  const source = seededSource(23)
  const x = normalTensor([2, 3, 37, 50], source)
  const weight = normalTensor([4, 3, 3, 3], source)
  const gradOutput = normalTensor([2, 4, 37, 50], source)
  // NaN and +∞ in dE/dy reach several cells of dE/dx (a plane then counted again exactly)
  gradOutput.data[40] = NaN
  gradOutput.data[37 * 50 * 5 + 7] = Infinity
  const geometry = convGeometry(x.shape, weight.shape, { padding: 1 })

  for (const maxSide of [0, 16, 7]) {
    it(`equals toMapStack of the dE/dx read back (maxSide ${maxSide})`, () => {
      const { grads, gradInputMaps } = kernels.backwardWithMaps!(x.data, weight.data, gradOutput.data, geometry, undefined, maxSide)
      expect(gradInputMaps).not.toBeNull()
      const want = toMapStack({ shape: x.shape, data: grads.gradInput as Float64Array }, maxSide)
      const maps = gradInputMaps!
      expect([maps.displayH, maps.displayW]).toEqual([want.displayH, want.displayW])
      expect(Array.from(maps.min)).toEqual(Array.from(want.min))
      expect(Array.from(maps.max)).toEqual(Array.from(want.max))
      expect(Array.from(maps.nonFinite)).toEqual(Array.from(want.nonFinite))
      expect(maps.nonFinite[0] + maps.nonFinite[4]).toBeGreaterThan(0)
      for (let k = 0; k < want.data.length; k++) {
        if (!Number.isFinite(want.data[k])) expect(maps.data[k]).toBe(want.data[k])
        else expect(Math.abs(maps.data[k] - want.data[k])).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(want.data[k])))
      }
    })
  }

  it('is left to the caller where padding folds sums back (reflect)', () => {
    const reflect = convGeometry(x.shape, weight.shape, { padding: 1, paddingMode: 'reflect' })
    expect(kernels.backwardWithMaps!(x.data, weight.data, gradOutput.data, reflect, undefined, 16).gradInputMaps).toBeNull()
  })
})
