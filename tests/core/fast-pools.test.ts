// The WebAssembly pool kernels (core/wasm/pool.as) against core's TypeScript loops: MaxPool2d
// output and indices and both pools' dE/dx bit for bit (the same operations in the same order),
// over random settings (kernel, stride, padding, dilation, ceil mode, count_include_pad, divisor)
// and inputs with ties, plateaus, NaN, ±∞ and −0, on every kernel kind.

import { setFlagsFromString } from 'node:v8'
import { describe, expect, it } from 'vitest'
import type { Pool2dOptions, Tensor } from '../../core'
import { avgPool2d, avgPool2dBackward, avgPoolGeometry, maxPool2d, maxPool2dBackward, normalTensor, poolGeometry, seededSource } from '../../core'
import type { FastKernels } from '../../core/fast'
import { createFastKernels, scalarKernels, supportsKind } from '../../core/fast'

// Node 20 hides relaxed SIMD behind a V8 flag (Electron and Node 22+ have it)
if (!supportsKind('relaxed-simd')) setFlagsFromString('--experimental-wasm-relaxed-simd')

const paths: Array<[string, FastKernels]> = [
  ['scalar kernels', scalarKernels()],
  ['wasm simd', await createFastKernels({ prefer: 'simd' })],
  ['wasm relaxed-simd', await createFastKernels({ prefer: 'relaxed-simd' })],
]

it('runs the WebAssembly kernels here (both kinds)', () => {
  expect(paths.map(([, kernels]) => kernels.kind)).toEqual(['scalar', 'simd', 'relaxed-simd'])
})

/** Same bits, NaN and the sign of zero included. */
function expectIdentical(got: Float64Array, want: Float64Array, what: string): void {
  expect(got.length, what).toBe(want.length)
  for (let k = 0; k < want.length; k++) {
    if (!Object.is(got[k], want[k])) throw new Error(`${what}: element ${k} is ${got[k]}, core gives ${want[k]}`)
  }
}

type Values = 'normal' | 'integers' | 'special'

function input(shape: number[], values: Values, source: () => number): Tensor {
  const normal = normalTensor(shape, source).data
  const specials = [NaN, Infinity, -Infinity, -0, 0, 1, 1]
  const data =
    values === 'integers'
      ? normal.map((v) => Math.round(v * 1.5))
      : values === 'special'
        ? normal.map((v) => (source() < 0.3 ? specials[Math.floor(source() * specials.length)] : v))
        : normal
  return { shape, data }
}

/** A random setting PyTorch accepts, on a random input shape. */
function randomSetting(source: () => number, max: boolean): { shape: number[]; options: Pool2dOptions } {
  const int = (a: number, b: number) => a + Math.floor(source() * (b - a + 1))
  const kernelSize: [number, number] = [int(1, 4), int(1, 4)]
  const stride: [number, number] = [int(1, 3), int(1, 3)]
  const padding: [number, number] = [int(0, Math.floor(kernelSize[0] / 2)), int(0, Math.floor(kernelSize[1] / 2))]
  const dilation: [number, number] = max ? [int(1, 3), int(1, 3)] : [1, 1]
  const shape = [int(1, 2), int(1, 3), int(dilation[0] * (kernelSize[0] - 1) + 1, 17), int(dilation[1] * (kernelSize[1] - 1) + 1, 19)]
  const options: Pool2dOptions = { kernelSize, stride: source() < 0.2 ? undefined : stride, padding, ceilMode: source() < 0.5 }
  if (max) options.dilation = dilation
  else {
    options.countIncludePad = source() < 0.5
    if (source() < 0.3) options.divisorOverride = int(-3, 7) || 2
  }
  return { shape, options }
}

describe.each(paths)('%s: the pools exactly as core computes them', (_name, kernels) => {
  it('MaxPool2d: output, indices and dE/dx over 300 random settings', () => {
    const source = seededSource(41)
    for (let trial = 0; trial < 300; trial++) {
      const { shape, options } = randomSetting(source, true)
      const values = (['normal', 'integers', 'special'] as const)[trial % 3]
      const x = input(shape, values, source)
      const where = `trial ${trial} ${JSON.stringify(options)} ${values} ${shape}`
      const expected = maxPool2d(x, options)
      const got = maxPool2d(x, options, kernels)
      expectIdentical(got.output.data, expected.output.data, `${where} output`)
      expect([...got.indices], `${where} indices`).toEqual([...expected.indices])
      const gy = normalTensor(got.output.shape, source)
      expectIdentical(
        maxPool2dBackward(gy, got.indices, got.geometry, kernels).data,
        maxPool2dBackward(gy, expected.indices, expected.geometry).data,
        `${where} dE/dx`,
      )
    }
  })

  it('AvgPool2d: output and dE/dx over 300 random settings', () => {
    const source = seededSource(42)
    for (let trial = 0; trial < 300; trial++) {
      const { shape, options } = randomSetting(source, false)
      const values = (['normal', 'integers', 'special'] as const)[trial % 3]
      const x = input(shape, values, source)
      const where = `trial ${trial} ${JSON.stringify(options)} ${values} ${shape}`
      const geometry = avgPoolGeometry(x.shape, options)
      expectIdentical(avgPool2d(x, geometry, kernels).output.data, avgPool2d(x, geometry).output.data, `${where} output`)
      const gy = input([geometry.batch, geometry.channels, geometry.outH, geometry.outW], values, source)
      expectIdentical(avgPool2dBackward(gy, geometry, kernels).data, avgPool2dBackward(gy, geometry).data, `${where} dE/dx`)
    }
  })

  it('wide images: the benchmark settings (3×3, stride 3 and stride 1), NaN among them, dilated rectangular windows', () => {
    const source = seededSource(43)
    // normal values, then NaN, ±∞ and −0 among them (the NaN-free and the NaN-testing paths)
    for (const [x, options] of [
      [input([1, 3, 64, 1024], 'normal', source), { kernelSize: 3 }],
      [input([1, 3, 64, 1024], 'normal', source), { kernelSize: 3, stride: 1, padding: 1 }],
      [input([1, 3, 64, 1024], 'special', source), { kernelSize: 3, stride: 1, padding: 1 }],
      [input([2, 2, 40, 300], 'integers', source), { kernelSize: [2, 4], stride: 1, padding: [1, 2], dilation: [2, 1] }],
    ] as Array<[Tensor, Pool2dOptions]>) {
      const g = poolGeometry(x.shape, options)
      const expected = maxPool2d(x, g)
      const got = maxPool2d(x, g, kernels)
      expectIdentical(got.output.data, expected.output.data, 'max output')
      expect(got.indices).toEqual(expected.indices)
      const gy = normalTensor([g.batch, g.channels, g.outH, g.outW], source)
      expectIdentical(maxPool2dBackward(gy, got.indices, g, kernels).data, maxPool2dBackward(gy, expected.indices, g).data, 'max dE/dx')
      if (g.dilationH === 1 && g.dilationW === 1) {
        expectIdentical(avgPool2d(x, g, kernels).output.data, avgPool2d(x, g).output.data, 'avg output')
        expectIdentical(avgPool2dBackward(gy, g, kernels).data, avgPool2dBackward(gy, g).data, 'avg dE/dx')
      }
    }
  })
  it('MaxPool2d at stride 1 (two passes): plateaus of ±0, 1 and −∞, whole −∞ windows and sparse NaN, positions as the scan', () => {
    const source = seededSource(46)
    const plateau = [-Infinity, -0, 0, 1]
    for (const [shape, options, nan] of [
      [[1, 2, 9, 37], { kernelSize: 3, stride: 1, padding: 1 }, false],
      [[2, 1, 12, 29], { kernelSize: [3, 2], stride: [2, 1], padding: [1, 0], ceilMode: true }, false],
      [[1, 2, 15, 41], { kernelSize: [2, 3], stride: 1, padding: 1, dilation: [3, 2] }, true],
      [[1, 1, 7, 16], { kernelSize: 4, stride: [1, 1], padding: 2, ceilMode: true }, true],
    ] as Array<[number[], Pool2dOptions, boolean]>) {
      // mostly plateaus: ties in rows, across rows and between −0 and 0; every fifth row −∞
      const data = input(shape, 'normal', source).data.map((v, k) =>
        Math.floor(k / shape[3]) % 5 === 2 ? -Infinity : source() < 0.9 ? plateau[Math.floor(source() * 4)] : v,
      )
      if (nan) for (let k = 0; k < data.length; k += 11) data[k] = NaN
      const x: Tensor = { shape, data }
      const g = poolGeometry(x.shape, options)
      const expected = maxPool2d(x, g)
      const got = maxPool2d(x, g, kernels)
      const where = `${JSON.stringify(options)} ${shape}`
      expectIdentical(got.output.data, expected.output.data, `${where} output`)
      expect([...got.indices], `${where} indices`).toEqual([...expected.indices])
    }
  })

  it("AvgPool2d's dE/dx with windows that do not overlap: gaps, ceil-mode edge windows, padding, −0 and NaN shares", () => {
    const source = seededSource(47)
    for (const [shape, options] of [
      [[1, 3, 31, 40], { kernelSize: 3 }],
      [[2, 1, 23, 30], { kernelSize: [2, 3], stride: [3, 4], padding: 1, ceilMode: true }],
      [[1, 2, 17, 26], { kernelSize: 2, stride: 3, ceilMode: true, countIncludePad: false }],
      [[1, 1, 20, 21], { kernelSize: [3, 1], stride: [3, 2], padding: [1, 0], divisorOverride: 5 }],
    ] as Array<[number[], Pool2dOptions]>) {
      const g = avgPoolGeometry(shape, options)
      const gy = input([g.batch, g.channels, g.outH, g.outW], 'special', source)
      expectIdentical(avgPool2dBackward(gy, g, kernels).data, avgPool2dBackward(gy, g).data, `${JSON.stringify(options)} ${shape} dE/dx`)
    }
  })
})

describe.each(paths.slice(1))('%s: results written into given arrays', (_name, kernels) => {
  it('fills an array of the right length (old values and all) with the same numbers, and ignores one of another length', () => {
    const source = seededSource(45)
    const x = input([1, 2, 20, 30], 'integers', source)
    const g = poolGeometry(x.shape, { kernelSize: 3, stride: 1, padding: 1 })
    const garbage = (length: number) => Float64Array.from({ length }, () => source() * 100)
    const outLength = g.batch * g.channels * g.outH * g.outW
    const gy = normalTensor([g.batch, g.channels, g.outH, g.outW], source)
    const into = garbage(outLength)
    const max = maxPool2d(x, g, kernels, into)
    expect(max.output.data).toBe(into)
    expectIdentical(max.output.data, maxPool2d(x, g).output.data, 'max output')
    const gradInto = garbage(x.data.length)
    const grad = maxPool2dBackward(gy, max.indices, g, kernels, gradInto)
    expect(grad.data).toBe(gradInto)
    expectIdentical(grad.data, maxPool2dBackward(gy, max.indices, g).data, 'max dE/dx')
    const avgInto = garbage(outLength)
    expect(avgPool2d(x, g, kernels, avgInto).output.data).toBe(avgInto)
    expectIdentical(avgInto, avgPool2d(x, g).output.data, 'avg output')
    const avgGradInto = garbage(x.data.length)
    expect(avgPool2dBackward(gy, g, kernels, avgGradInto).data).toBe(avgGradInto)
    expectIdentical(avgGradInto, avgPool2dBackward(gy, g).data, 'avg dE/dx')
    const wrong = garbage(outLength + 1)
    expect(avgPool2d(x, g, kernels, wrong).output.data).not.toBe(wrong)
  })
})

it('a pool run between a forward with maps and its read-back leaves that output intact', async () => {
  const kernels = await createFastKernels()
  const { convGeometry } = await import('../../core')
  const source = seededSource(44)
  const x = normalTensor([1, 2, 30, 30], source)
  const w = normalTensor([3, 2, 3, 3], source)
  const g = convGeometry(x.shape, w.shape, { padding: 1 })
  const expected = kernels.forward(x.data, w.data, null, g, 'f64') as Float64Array
  const { readOutput } = kernels.forwardWithMaps!(x.data, w.data, null, g, 8)
  // the pool writes over the same kernel memory
  kernels.maxPool(normalTensor([1, 4, 60, 60], source).data, poolGeometry([1, 4, 60, 60], { kernelSize: 2 }))
  expectIdentical(readOutput(), expected, 'forward output read after a pool run')
})
