import { describe, expect, it } from 'vitest'
import { convGeometry } from '../../core/geometry'
import { PRESETS, presetById } from '../../src-renderer/src/lib/kernels/presets'
import { applyPreset, placeLoadedKernel, randomFilter, reshapeWeight } from '../../src-renderer/src/lib/kernels/weights'
import { floodFill, hexToRgb, paintCell, resizeInput } from '../../src-renderer/src/lib/input/draw'
import { sampleImage } from '../../src-renderer/src/lib/input/samples'
import { pytorchCode, pytorchLine, toOptions, DEFAULT_SETTINGS } from '../../src-renderer/src/lib/settings/options'

const sum = (values: ArrayLike<number>) => Array.from(values).reduce((a, b) => a + b, 0)

describe('kernel presets', () => {
  it('blurs keep the brightness and edge detectors see nothing on a flat image', () => {
    for (const id of ['box-blur', 'gaussian', 'motion-blur', 'identity', 'sharpen'] as const) {
      expect(sum(presetById(id).values), id).toBeCloseTo(1, 14)
    }
    for (const id of ['laplacian', 'sobel-x', 'sobel-y', 'prewitt-x', 'prewitt-y', 'outline'] as const) {
      expect(sum(presetById(id).values), id).toBe(0)
    }
    for (const preset of PRESETS) expect(preset.values).toHaveLength(preset.height * preset.width)
  })

  it('puts a preset into every input slice of one filter and resizes the kernel', () => {
    const weight = { shape: [2, 3, 3, 3], data: new Float64Array(54).fill(7) }
    const placed = applyPreset(weight, presetById('motion-blur'), 1)
    expect(placed.shape).toEqual([2, 3, 5, 5])
    expect(Array.from(placed.data.subarray(75, 100))).toEqual(presetById('motion-blur').values)
    expect(Array.from(placed.data.subarray(125, 150))).toEqual(presetById('motion-blur').values)
    // Filter 0 keeps its values where the old 3×3 reaches and gets zeros beyond.
    expect(placed.data[0]).toBe(7)
    expect(placed.data[3]).toBe(0)
  })

  it('keeps overlapping values when reshaped, and new input slices copy the first one', () => {
    const weight = { shape: [1, 1, 2, 2], data: Float64Array.from([1, 2, 3, 4]) }
    const grown = reshapeWeight(weight, [2, 3, 3, 3])
    expect(Array.from(grown.data.subarray(0, 9))).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0])
    expect(Array.from(grown.data.subarray(9, 18))).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0])
    expect(sum(grown.data.subarray(27))).toBe(0)
  })

  it('draws seeded random filters that replay, Kaiming within PyTorch bounds', () => {
    const weight = { shape: [2, 3, 3, 3], data: new Float64Array(54) }
    const a = randomFilter(weight, 1, 'kaiming', 42)
    const b = randomFilter(weight, 1, 'kaiming', 42)
    expect(Array.from(a.data)).toEqual(Array.from(b.data))
    expect(sum(a.data.subarray(0, 27))).toBe(0)
    const bound = 1 / Math.sqrt(27)
    expect(Array.from(a.data.subarray(27)).every((v) => Math.abs(v) <= bound && v !== 0)).toBe(true)
  })

  it('places loaded kernels by their rank and refuses shapes that do not fit', () => {
    const weight = { shape: [2, 3, 3, 3], data: new Float64Array(54) }
    expect(placeLoadedKernel(weight, { shape: [2, 2], data: Float64Array.from([1, 2, 3, 4]) }, 1, 2)?.shape).toEqual([2, 3, 2, 2])
    expect(placeLoadedKernel(weight, { shape: [3, 1, 1], data: Float64Array.from([1, 2, 3]) }, 0, 0)?.data.subarray(0, 3)).toEqual(Float64Array.from([1, 2, 3]))
    expect(placeLoadedKernel(weight, { shape: [4, 1, 5, 5], data: new Float64Array(100) }, 0, 0)?.shape).toEqual([4, 1, 5, 5])
    expect(placeLoadedKernel(weight, { shape: [5], data: new Float64Array(5) }, 0, 0)).toBeNull()
    expect(placeLoadedKernel(weight, { shape: [2, 3, 3], data: new Float64Array(18) }, 0, 0)).toBeNull()
  })
})

describe('drawing', () => {
  it('fills the 4-connected region of equal values only', () => {
    const input = { shape: [1, 1, 3, 4], data: Float64Array.from([0, 0, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0]) }
    floodFill(input, 0, 0, 0, [5])
    expect(Array.from(input.data)).toEqual([5, 5, 1, 0, 5, 1, 0, 0, 1, 0, 0, 0])
  })

  it('paints every channel of one batch item with a colour', () => {
    const input = { shape: [2, 3, 2, 2], data: new Float64Array(24) }
    paintCell(input, 1, 1, 0, hexToRgb('#ff8000'))
    expect([input.data[12 + 2], input.data[16 + 2], input.data[20 + 2]]).toEqual([1, 128 / 255, 0])
    expect(sum(input.data.subarray(0, 12))).toBe(0)
  })

  it('keeps the top-left of each plane when the grid is resized', () => {
    const input = { shape: [1, 1, 2, 2], data: Float64Array.from([1, 2, 3, 4]) }
    expect(Array.from(resizeInput(input, [1, 1, 3, 3]).data)).toEqual([1, 2, 0, 3, 4, 0, 0, 0, 0])
    expect(Array.from(resizeInput(input, [1, 3, 1, 2]).data)).toEqual([1, 2, 1, 2, 1, 2])
  })

  it('generates samples in [0, 1] of any size', () => {
    for (const id of ['checkerboard', 'gradient', 'digit', 'disc'] as const) {
      const image = sampleImage(id, 9, 13)
      expect(image).toHaveLength(117)
      expect(
        Array.from(image).every((v) => v >= 0 && v <= 1),
        id,
      ).toBe(true)
      expect(sum(image), id).toBeGreaterThan(0)
    }
  })
})

describe('PyTorch code', () => {
  it('writes only the options that differ from the defaults', () => {
    const plain = toOptions(DEFAULT_SETTINGS)
    expect(pytorchLine(convGeometry([1, 1, 7, 7], [1, 1, 3, 3], plain, 1), plain)).toBe('torch.nn.Conv2d(1, 1, kernel_size=3, dtype=torch.float64)')
    const options = toOptions({
      ...DEFAULT_SETTINGS,
      strideH: 2,
      strideW: 1,
      paddingKind: 'number',
      paddingH: 1,
      paddingW: 1,
      dilationH: 2,
      dilationW: 2,
      groups: 3,
      paddingMode: 'circular',
    })
    expect(pytorchLine(convGeometry([1, 3, 9, 9], [6, 1, 2, 3], options), options)).toBe(
      "torch.nn.Conv2d(3, 6, kernel_size=(2, 3), stride=(2, 1), padding=1, dilation=2, groups=3, bias=False, padding_mode='circular', dtype=torch.float64)",
    )
    const same = toOptions({ ...DEFAULT_SETTINGS, paddingKind: 'same' })
    expect(pytorchLine(convGeometry([1, 1, 5, 5], [1, 1, 4, 4], same, 1), same)).toBe(
      "torch.nn.Conv2d(1, 1, kernel_size=4, padding='same', dtype=torch.float64)",
    )
  })
})

describe('PyTorch snippet', () => {
  it('writes small tensors out in full and large inputs as their shape', () => {
    const options = toOptions({ ...DEFAULT_SETTINGS, strideH: 2, strideW: 2 })
    const geometry = convGeometry([1, 1, 3, 3], [1, 1, 2, 2], options, 1)
    const code = pytorchCode(geometry, options, {
      input: { shape: [1, 1, 3, 3], data: [0.1, 0.2, 0.30000000000000004, 1, 2, 3, -1, -2, -3] },
      weight: { shape: [1, 1, 2, 2], data: [1, -1, 0.5, 0.25] },
      bias: Float64Array.from([0.5]),
    })
    expect(code.split('\n')).toEqual([
      'import torch',
      'conv = torch.nn.Conv2d(1, 1, kernel_size=2, stride=2, dtype=torch.float64)',
      'with torch.no_grad():',
      '    conv.weight.copy_(torch.tensor([[[[1, -1], [0.5, 0.25]]]], dtype=torch.float64))',
      '    conv.bias.copy_(torch.tensor([0.5], dtype=torch.float64))',
      'x = torch.tensor([[[[0.1, 0.2, 0.30000000000000004], [1, 2, 3], [-1, -2, -3]]]], dtype=torch.float64)',
      'y = conv(x)  # y: (1, 1, 1, 1)',
    ])
    const big = pytorchCode(
      convGeometry([1, 3, 64, 96], [1, 3, 3, 3], {}),
      {},
      {
        input: { shape: [1, 3, 64, 96], data: new Float64Array(3 * 64 * 96) },
        weight: { shape: [1, 3, 3, 3], data: new Float64Array(27) },
        bias: null,
      },
    )
    expect(big).toContain('x = torch.rand(1, 3, 64, 96, dtype=torch.float64)  # x: (1, 3, 64, 96)')
    expect(big).toContain('bias=False')
  })
})
