// Receptive fields: the Araujo et al. recurrences on classic stacks, the exact set of input
// cells against brute force (where a unit gradient is nonzero), and the effective field.
import { describe, expect, it } from 'vitest'
import type { Layer, Tensor } from '../../core'
import {
  effectiveReceptiveField,
  normalTensor,
  planStack,
  reachingCells,
  receptiveFields,
  seededSource,
  stackBackward,
  stackForward,
  stackPreset,
  unitBox,
} from '../../core'
import { refusalOf } from '../support/refusal'

const source = seededSource(9)
// small weights: sigmoids deep in a stack must not saturate to exactly 0 or 1
const weights = (shape: number[]) => normalTensor(shape, source, 0, 0.3)

function fieldsOf(layers: Layer[], shape: number[]) {
  return receptiveFields(layers, planStack(layers, shape))
}

describe('theoretical receptive field (Araujo et al. 2019)', () => {
  it('dilated 3×3 stack with dilation 1, 2, 4, 8 sees 31×31 = 1 + 2·(1+2+4+8)', () => {
    const fields = fieldsOf(stackPreset('dilated'), [1, 3, 64, 64])
    expect(fields.map((f) => f.size[0])).toEqual([3, 3, 7, 7, 15, 15, 31])
    const last = fields[fields.length - 1]
    expect(last.size).toEqual([31, 31])
    expect(last.jump).toEqual([1, 1])
    expect(last.start).toEqual([-15, -15])
    expect(unitBox(last, 32, 20)).toEqual({ rows: [17, 47], cols: [5, 35] })
  })

  it('ResNet stem: conv 7 stride 2 padding 3, max-pool 3 stride 2 padding 1 sees 11×11 with jump 4', () => {
    const fields = fieldsOf(stackPreset('resnet-stem'), [1, 3, 224, 224])
    expect(fields.map((f) => [f.type, f.size[0], f.jump[0], f.start[0]])).toEqual([
      ['conv2d', 7, 2, -3],
      ['relu', 7, 2, -3],
      ['max-pool2d', 11, 4, -5],
    ])
    expect(fields[2].outputShape).toEqual([1, 16, 56, 56])
  })

  it('VGG block and LeNet-like', () => {
    expect(fieldsOf(stackPreset('vgg-block'), [1, 3, 32, 32]).map((f) => f.size[0])).toEqual([3, 3, 5, 5, 7])
    const lenet = fieldsOf(stackPreset('lenet', 1), [1, 1, 32, 32])
    expect(lenet.map((f) => [f.size[0], f.jump[0]])).toEqual([
      [5, 1],
      [5, 1],
      [6, 2],
      [14, 2],
      [14, 2],
      [16, 4],
    ])
  })

  it('per axis: rectangular kernels, pairs of stride, padding and dilation', () => {
    const layers: Layer[] = [
      { type: 'conv2d', weight: weights([1, 1, 3, 5]), bias: null, stride: [1, 2], padding: [1, 0], dilation: [2, 1] },
      { type: 'avg-pool2d', kernelSize: [2, 3], stride: [2, 1] },
    ]
    const [conv, pool] = fieldsOf(layers, [1, 1, 20, 20])
    expect([conv.size, conv.jump, conv.start]).toEqual([
      [5, 5],
      [1, 2],
      [-1, 0],
    ])
    expect([pool.size, pool.jump, pool.start]).toEqual([
      [6, 9],
      [2, 2],
      [-1, 0],
    ])
    expect(pool.box).toBe(true)
  })

  it('on an intermediate layer: the fields of the layers after it, in its cells', () => {
    const layers = stackPreset('resnet-stem')
    const plan = planStack(layers, [1, 3, 64, 64])
    const onConv = receptiveFields(layers, plan, 0)
    expect(onConv.map((f) => [f.layer, f.size[0], f.jump[0], f.start[0]])).toEqual([
      [1, 1, 1, 0],
      [2, 3, 2, -1],
    ])
    expect(receptiveFields(layers, plan, 2)).toEqual([])
    const cells = reachingCells(plan, 2, [0, 5, 0, 3], 1)
    expect(cells).toEqual({ sample: 0, channels: [5], rows: [0, 1], cols: [5, 6, 7] })
  })

  it('a transposed layer has a fractional jump (j/S) and gives an envelope, not a box', () => {
    const layers: Layer[] = [{ type: 'conv-transpose2d', weight: weights([1, 1, 3, 3]), bias: null, stride: 2, padding: 1 }]
    const [field] = fieldsOf(layers, [1, 1, 5, 5])
    expect(field.jump).toEqual([0.5, 0.5])
    expect(field.size).toEqual([2, 2])
    expect(field.start).toEqual([-0.5, -0.5])
    expect(field.box).toBe(false)
  })
})

/** Where a gradient is nonzero in sample n, as "c,h,w" keys. */
function nonzero(gradient: Tensor, n: number): Set<string> {
  const [, channels, height, width] = gradient.shape
  const cells = new Set<string>()
  for (let c = 0; c < channels; c++) {
    for (let h = 0; h < height; h++) {
      for (let w = 0; w < width; w++) {
        if (gradient.data[((n * channels + c) * height + h) * width + w] !== 0) cells.add(`${c},${h},${w}`)
      }
    }
  }
  return cells
}

function productSet(cells: { channels: number[]; rows: number[]; cols: number[] }) {
  const set = new Set<string>()
  for (const c of cells.channels) for (const h of cells.rows) for (const w of cells.cols) set.add(`${c},${h},${w}`)
  return set
}

// Stacks without ReLU or max-pool (which zero or route gradients by value): with random weights
// every connected input cell has a nonzero gradient, so brute force sees the exact set.
const STACKS: Array<[string, Layer[], number[]]> = [
  [
    'transposed stride 2, output padding 1',
    [{ type: 'conv-transpose2d', weight: weights([2, 3, 3, 3]), bias: null, stride: 2, padding: 1, outputPadding: 1 }],
    [1, 2, 5, 6],
  ],
  [
    'conv stride 2 then transposed stride 3, dilation 2, kernel 4',
    [
      { type: 'conv2d', weight: weights([2, 1, 3, 3]), bias: null, stride: 2 },
      { type: 'tanh' },
      { type: 'conv-transpose2d', weight: weights([2, 1, 4, 4]), bias: weights([1]), stride: 3, padding: 2, dilation: 2 },
    ],
    [1, 1, 11, 11],
  ],
  [
    'encoder–decoder with leaky ReLU',
    [
      { type: 'conv2d', weight: weights([3, 2, 3, 3]), bias: null, stride: 2, padding: 1 },
      { type: 'leaky-relu', negativeSlope: 0.3 },
      { type: 'conv2d', weight: weights([4, 3, 3, 3]), bias: null, stride: 2, padding: 1 },
      { type: 'conv-transpose2d', weight: weights([4, 3, 3, 3]), bias: null, stride: 2, padding: 1, outputPadding: 1 },
      { type: 'sigmoid' },
      { type: 'conv-transpose2d', weight: weights([3, 2, 3, 3]), bias: null, stride: 2, padding: 1, outputPadding: 1 },
    ],
    [1, 2, 12, 12],
  ],
  [
    'groups, reflect and circular padding, avg-pool in ceil mode, grouped transposed',
    [
      { type: 'conv2d', weight: weights([4, 1, 3, 2]), bias: null, groups: 2, padding: [2, 1], paddingMode: 'reflect', dilation: [1, 2] },
      { type: 'avg-pool2d', kernelSize: 3, stride: 2, padding: 1, ceilMode: true },
      { type: 'conv-transpose2d', weight: weights([4, 1, 2, 3]), bias: null, groups: 4, stride: [2, 3], dilation: [2, 1] },
      { type: 'conv2d', weight: weights([2, 2, 3, 3]), bias: null, groups: 2, padding: 1, paddingMode: 'circular' },
    ],
    [1, 2, 9, 8],
  ],
]

describe('the exact set of input cells that reach a unit', () => {
  it.each(STACKS)('%s: equals the nonzero pattern of the unit gradient on the input and on every layer between, for every unit', (name, layers, shape) => {
    const x = normalTensor(shape, source)
    const forward = stackForward(layers, x)
    expect(forward.failure).toBeNull()
    const fields = receptiveFields(layers, forward.plan)
    let units = 0
    forward.layers.forEach((computed, layer) => {
      const [n, channels, height, width] = computed.output.shape
      for (let c = 0; c < channels; c++) {
        for (let h = 0; h < height; h++) {
          for (let w = 0; w < width; w++) {
            const unit: [number, number, number, number] = [n - 1, c, h, w]
            const exact = reachingCells(forward.plan, layer, unit)
            const grads = stackBackward(layers, forward, { kind: 'unit', layer, unit })
            expect(productSet(exact), `layer ${layer} unit ${unit}`).toEqual(nonzero(grads.gradInput, n - 1))
            // and on every layer between: where that layer's dE/dy is nonzero
            for (let on = 0; on < layer; on++) {
              const between = productSet(reachingCells(forward.plan, layer, unit, on))
              expect(between, `layer ${layer} unit ${unit} on layer ${on}`).toEqual(nonzero(grads.gradOutputs[on] as Tensor, n - 1))
            }
            // the theoretical (envelope) box holds every cell that reaches the unit; reflect and
            // circular padding bring in cells from elsewhere (they are in the exact set, not the box)
            if (!name.startsWith('groups')) {
              const box = unitBox(fields[layer], h, w)
              for (const row of exact.rows) expect(row >= box.rows[0] - 1e-9 && row <= box.rows[1] + 1e-9).toBe(true)
              for (const col of exact.cols) expect(col >= box.cols[0] - 1e-9 && col <= box.cols[1] + 1e-9).toBe(true)
            }
            units++
          }
        }
      }
    })
    expect(units).toBeGreaterThan(50)
  })

  it('is the clipped box for a stack of zero-padded convs (dilated preset)', () => {
    const layers = stackPreset('dilated', 1)
    const plan = planStack(layers, [1, 1, 40, 40])
    const cells = reachingCells(plan, 6, [0, 3, 5, 30])
    expect(cells.rows).toEqual(Array.from({ length: 5 + 15 + 1 }, (_, k) => k))
    expect(cells.cols).toEqual(Array.from({ length: 40 - 15 }, (_, k) => 15 + k))
    expect(cells.channels).toEqual([0])
  })
})

describe('effective receptive field (Luo et al. 2016)', () => {
  it('is |dE/dx| summed over channels, zero outside the exact set, and smaller than the theoretical box', () => {
    const layers = stackPreset('dilated', 2, 3)
    const x = normalTensor([1, 2, 48, 48], source)
    const forward = stackForward(layers, x)
    const unit: [number, number, number, number] = [0, 1, 24, 24]
    const erf = effectiveReceptiveField(layers, forward, 6, unit)
    expect([erf.height, erf.width]).toEqual([48, 48])
    const exact = productSet({ ...reachingCells(forward.plan, 6, unit), channels: [0] })
    let support = 0
    for (let h = 0; h < 48; h++) {
      for (let w = 0; w < 48; w++) {
        const expected = Math.abs(erf.gradInput.data[h * 48 + w]) + Math.abs(erf.gradInput.data[48 * 48 + h * 48 + w])
        expect(erf.magnitude[h * 48 + w]).toBe(expected)
        if (expected !== 0) {
          support++
          expect(exact.has(`0,${h},${w}`)).toBe(true)
        }
      }
    }
    expect(erf.peak).toBeGreaterThan(0)
    expect(erf.peak).toBe(Math.max(...erf.magnitude))
    // ReLUs switch paths off: the cells that actually move the unit are fewer than the box's 31·31
    expect(support).toBeGreaterThan(0)
    expect(support).toBeLessThan(31 * 31)
  })

  it('refuses a unit that is not in the layer', () => {
    const layers = stackPreset('vgg-block', 1)
    const forward = stackForward(layers, normalTensor([1, 1, 8, 8], source))
    expect(refusalOf(() => effectiveReceptiveField(layers, forward, 2, [0, 16, 0, 0]))).toContain('there is no unit (0, 16, 0, 0) in layer 2')
  })
})
