// Stacks: partial results when a layer does not fit, backward from a unit, presets, the
// activations' derivatives at their kinks, and the seed's gradient check through a stack.
import { describe, expect, it } from 'vitest'
import type { Layer } from '../../core'
import { formatStackGradcheck } from '../../messages'
import {
  ConvolabError,
  STACK_PRESET_IDS,
  activationBackward,
  activationForward,
  layersFromEntries,
  parseStackFile,
  stackToFile,
  normalTensor,
  planStack,
  seededSource,
  stackBackward,
  stackForward,
  stackGradcheck,
  stackPreset,
  tensor,
} from '../../core'
import { messageOf } from '../../messages'
import { refusalOf } from '../support/refusal'

const source = seededSource(5)
const conv = (cout: number, cin: number, k: number, extra: Partial<Layer> = {}): Layer =>
  ({ type: 'conv2d', weight: normalTensor([cout, cin, k, k], source), bias: normalTensor([cout], source), ...extra }) as Layer

describe('a layer that cannot take its input', () => {
  const layers: Layer[] = [conv(4, 3, 3, { padding: 1 }), { type: 'relu' }, conv(2, 5, 3), { type: 'tanh' }]
  const x = normalTensor([1, 3, 6, 6], source)

  it('is named with its index and reason, in English and Spanish, and the layers before it compute', () => {
    const forward = stackForward(layers, x)
    expect(forward.layers).toHaveLength(2)
    expect(forward.output.shape).toEqual([1, 4, 6, 6])
    const failure = forward.failure as ConvolabError
    expect(failure).toBeInstanceOf(ConvolabError)
    expect(failure.code).toBe('stack-layer')
    expect(messageOf(failure, 'en')).toBe(
      'layer 2 (Conv2d) cannot take its input (1, 4, 6, 6): the weight has 5 input channels per filter but in_channels 4 / groups 1 = 4',
    )
    expect(messageOf(failure, 'es')).toBe(
      'la capa 2 (Conv2d) no puede tomar su entrada (1, 4, 6, 6): el peso tiene 5 canales de entrada por filtro pero in_channels 4 / grupos 1 = 4',
    )
  })

  it('still lets a computed layer be traced back from one of its units, not from the missing output', () => {
    const forward = stackForward(layers, x)
    const grads = stackBackward(layers, forward, { kind: 'unit', layer: 1, unit: [0, 2, 3, 3] })
    expect(grads.from).toBe(1)
    expect(grads.gradInput.shape).toEqual([1, 3, 6, 6])
    expect(grads.gradWeights[0]?.shape).toEqual([4, 3, 3, 3])
    expect(refusalOf(() => stackBackward(layers, forward, { kind: 'output', gradOutput: tensor([1, 4, 6, 6]) }))).toMatch(/layer 2/)
    expect(refusalOf(() => stackBackward(layers, forward, { kind: 'unit', layer: 2, unit: [0, 0, 0, 0] }))).toMatch(/layer 2 was not computed/)
    expect(refusalOf(() => stackBackward(layers, forward, { kind: 'unit', layer: 3, unit: [0, 0, 0, 0] }))).toBe(
      'layer 3 was not computed (the stack stops at layer 2)',
    )
    expect(refusalOf(() => stackBackward(layers, forward, { kind: 'unit', layer: 4, unit: [0, 0, 0, 0] }))).toBe(
      'there is no layer 4 (the stack has 4 layers, from 0)',
    )
  })

  it('refuses a unit outside its layer, naming the layer and its shape', () => {
    const forward = stackForward(layers, x)
    expect(refusalOf(() => stackBackward(layers, forward, { kind: 'unit', layer: 0, unit: [0, 4, 0, 0] }))).toBe(
      'there is no unit (0, 4, 0, 0) in layer 0, whose output has shape (1, 4, 6, 6)',
    )
  })

  it('names pool and transposed refusals too', () => {
    const plan = planStack(
      [
        { type: 'max-pool2d', kernelSize: 2 },
        { type: 'max-pool2d', kernelSize: 4 },
      ],
      [1, 1, 5, 5],
    )
    expect(plan.plans).toHaveLength(1)
    expect(messageOf(plan.failure)).toMatch(/^layer 1 \(MaxPool2d\) cannot take its input \(1, 1, 2, 2\): /)
  })
})

describe('one unit of a layer', () => {
  it('is dE/dy = 1 there and 0 elsewhere: dE/dx equals the chain of the layers below it only', () => {
    const layers: Layer[] = [conv(2, 1, 3), { type: 'sigmoid' }, conv(1, 2, 3), { type: 'tanh' }]
    const x = normalTensor([1, 1, 7, 7], source)
    const forward = stackForward(layers, x)
    const fromUnit = stackBackward(layers, forward, { kind: 'unit', layer: 1, unit: [0, 1, 2, 3] })
    const upstream = tensor(forward.layers[1].output.shape)
    upstream.data[1 * 25 + 2 * 5 + 3] = 1
    const firstTwo = layers.slice(0, 2)
    const direct = stackBackward(firstTwo, stackForward(firstTwo, x), { kind: 'output', gradOutput: upstream })
    expect([...fromUnit.gradInput.data]).toEqual([...direct.gradInput.data])
    expect(fromUnit.gradOutputs[2]).toBeNull()
    expect(fromUnit.gradWeights[2]).toBeNull()
  })
})

describe('activations (PyTorch semantics)', () => {
  const x = Float64Array.of(-2, 0, 3, NaN)
  const ones = Float64Array.of(1, 1, 1, 1)
  it("ReLU'(0) = 0, ReLU keeps NaN", () => {
    const y = activationForward('relu', x)
    expect([...y]).toEqual([0, 0, 3, NaN])
    expect([...activationBackward('relu', ones, x, y)]).toEqual([0, 0, 1, 1])
  })
  it("LeakyReLU'(0) = slope", () => {
    const y = activationForward('leaky-relu', x, 0.1)
    expect([...y.slice(0, 3)]).toEqual([-0.2, 0, 3])
    expect([...activationBackward('leaky-relu', ones, x, y, 0.1).slice(0, 3)]).toEqual([0.1, 0.1, 1])
  })
  it('tanh and sigmoid derivatives from their outputs', () => {
    const t = activationForward('tanh', Float64Array.of(0.5))
    expect(activationBackward('tanh', Float64Array.of(2), Float64Array.of(0.5), t)[0]).toBeCloseTo(2 / Math.cosh(0.5) ** 2, 15)
    const s = activationForward('sigmoid', Float64Array.of(0.5))
    const sig = 1 / (1 + Math.exp(-0.5))
    expect(activationBackward('sigmoid', Float64Array.of(1), Float64Array.of(0.5), s)[0]).toBeCloseTo(sig * (1 - sig), 15)
  })
})

describe('presets', () => {
  it.each(STACK_PRESET_IDS)('%s fits a 3×64×64 input, with the same weights for the same seed', (id) => {
    const layers = stackPreset(id, 3, 7)
    const plan = planStack(layers, [1, 3, 64, 64])
    expect(plan.failure).toBeNull()
    expect(plan.plans).toHaveLength(layers.length)
    const again = stackPreset(id, 3, 7)
    const other = stackPreset(id, 3, 8)
    const weights = (ls: Layer[]) => ls.flatMap((l) => ('weight' in l ? [...l.weight.data] : []))
    expect(weights(again)).toEqual(weights(layers))
    expect(weights(other)).not.toEqual(weights(layers))
  })

  it('have the shapes of their classic stacks', () => {
    const last = (id: (typeof STACK_PRESET_IDS)[number], inChannels: number, size: number) => {
      const plan = planStack(stackPreset(id, inChannels), [1, inChannels, size, size])
      return plan.plans[plan.plans.length - 1].outputShape
    }
    expect(last('lenet', 1, 32)).toEqual([1, 16, 5, 5])
    expect(last('vgg-block', 3, 512)).toEqual([1, 16, 512, 512])
    expect(last('dilated', 3, 40)).toEqual([1, 8, 40, 40])
    expect(last('encoder-decoder', 3, 64)).toEqual([1, 3, 64, 64])
    expect(last('resnet-stem', 3, 224)).toEqual([1, 16, 56, 56])
  })
})

describe('STACK.json written from layers', () => {
  it.each(STACK_PRESET_IDS)('%s reads back as the same layers', (id) => {
    const layers = stackPreset(id, 2, 3)
    const { json, tensors } = stackToFile(layers)
    const entries = parseStackFile(json, 'stack.json')
    const back = layersFromEntries('stack.json', entries, (path) => tensors.get(path)!)
    const strip = (ls: Layer[]) => JSON.parse(JSON.stringify(ls, (_, v) => (v instanceof Float64Array ? [...v] : v)))
    expect(strip(back)).toEqual(strip(layers))
  })

  it('uses PyTorch keyword names and leaves defaults out', () => {
    const { json } = stackToFile([
      { type: 'avg-pool2d', kernelSize: [2, 3], ceilMode: true, countIncludePad: false, divisorOverride: null },
      { type: 'leaky-relu', negativeSlope: 0.2 },
    ])
    expect(JSON.parse(json)).toEqual({
      layers: [
        { type: 'avg-pool2d', kernel_size: [2, 3], ceil_mode: true, count_include_pad: false },
        { type: 'leaky-relu', negative_slope: 0.2 },
      ],
    })
  })
})

describe("the seed's gradient check through a whole stack", () => {
  it('passes for a stack of every layer kind, counting every partial derivative', () => {
    const layers: Layer[] = [
      conv(3, 2, 3, { padding: 1, paddingMode: 'reflect' }),
      { type: 'tanh' },
      { type: 'avg-pool2d', kernelSize: 2, stride: 1, padding: 1, countIncludePad: false },
      { type: 'max-pool2d', kernelSize: 2 },
      { type: 'conv-transpose2d', weight: normalTensor([3, 2, 3, 3], source), bias: normalTensor([2], source), stride: 2 },
      { type: 'leaky-relu', negativeSlope: 0.2 },
      { type: 'sigmoid' },
      conv(1, 2, 2, { stride: 2 }),
      { type: 'relu' },
    ]
    const report = stackGradcheck({ layers, inputShape: [1, 2, 5, 5], samples: 3, seed: 11 })
    // per sample: x 50, conv 3·2·9 + 3, transposed 3·2·9 + 2, last conv 1·2·4 + 1
    expect(report.checked).toBe(3 * (50 + 57 + 56 + 9))
    expect(formatStackGradcheck(report)).toBe(`SUCCESS ${report.checked} partial derivatives checked (3 random input samples)`)
    expect(report.passed).toBe(true)
  })

  it('fails when finite differences cannot reach the tolerance, naming the worst layer', () => {
    // central differences with h = 1e-5 are good to about 1e-10, never to 1e-15
    const layers: Layer[] = [conv(2, 1, 2), { type: 'tanh' }, conv(1, 2, 2)]
    const report = stackGradcheck({ layers, inputShape: [1, 1, 4, 4], samples: 1, seed: 2, tolerance: 1e-15 })
    expect(report.passed).toBe(false)
    const text = formatStackGradcheck(report)
    expect(text).toMatch(/^FAILURE \d+ of 35 partial derivatives exceed the tolerance 1e-15; worst: /)
    if (report.worstLayer !== null) expect(text).toContain(`worst: layer ${report.worstLayer} ${report.worst?.parameter}[`)
    else expect(text).toContain('worst: input[')
    expect(formatStackGradcheck(report, 'es')).toMatch(/^ERROR \d+ de 35 derivadas parciales superan la tolerancia 1e-15/)
  })
})
