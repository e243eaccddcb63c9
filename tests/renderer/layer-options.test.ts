// The explorer's layer of the family as pure data: switching layers (what carries over, the
// weight's two layouts), the check, the field errors, the output-size formula and the PyTorch code.

import { describe, expect, it } from 'vitest'
import { conv2d } from '../../core/conv2d'
import { convTranspose2d } from '../../core/conv-transpose2d'
import { convTranspose2dGeometry, describeTransposedOutputSize } from '../../core/conv-transpose2d-geometry'
import { describePoolOutputSize, poolGeometry } from '../../core/pool-geometry'
import { normalTensor, seededSource } from '../../core/random'
import type { SessionLayer } from '../../core/session'
import { convToTransposed, transposedToConv } from '../../src-renderer/src/lib/kernels/layout'
import { layerCode } from '../../src-renderer/src/lib/settings/layer-code'
import { layerFieldErrors } from '../../src-renderer/src/lib/settings/layer-field-errors'
import { checkLayer, coreLayerOf, outputSizeLines, poolWindowGeometry, switchLayer, wireLayerOf } from '../../src-renderer/src/lib/settings/layer-options'
import { DEFAULT_SETTINGS } from '../../src-renderer/src/lib/settings/options'

const random = (shape: number[], seed: number) => normalTensor(shape, seededSource(seed))

describe('the two weight layouts', () => {
  it('keep the kernel joining input channel c to output channel m, and round-trip exactly', () => {
    for (const [outC, inC, groups] of [
      [4, 6, 1],
      [4, 6, 2],
      [6, 6, 3],
      [3, 3, 3],
    ]) {
      const w = random([outC, inC / groups, 2, 3], outC * 10 + groups)
      const t = convToTransposed(w, groups)
      expect(t.shape).toEqual([inC, outC / groups, 2, 3])
      for (let m = 0; m < outC; m++) {
        const group = Math.floor(m / (outC / groups))
        for (let local = 0; local < inC / groups; local++) {
          const c = group * (inC / groups) + local
          for (let k = 0; k < 6; k++) {
            expect(t.data[(c * (outC / groups) + (m % (outC / groups))) * 6 + k]).toBe(w.data[(m * (inC / groups) + local) * 6 + k])
          }
        }
      }
      expect(transposedToConv(t, groups)).toEqual(w)
    }
  })

  it('give the same layer for 1×1 kernels: conv2d(x, w) = conv_transpose2d(x, w in the transposed layout) to 1e-12', () => {
    for (const groups of [1, 2]) {
      const x = random([2, 4, 5, 6], 1)
      const w = random([6, 4 / groups, 1, 1], 2)
      const b = random([6], 3)
      const conv = conv2d(x, w, b, { groups }).output
      const transposed = convTranspose2d(x, convToTransposed(w, groups), b, { groups }).output
      expect(transposed.shape).toEqual(conv.shape)
      conv.data.forEach((v, k) => expect(Math.abs(transposed.data[k] - v)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(v))))
    }
  })
})

describe('switching layers', () => {
  const weight = random([2, 1, 3, 3], 4)
  const settings = { ...DEFAULT_SETTINGS, strideH: 2, strideW: 2, paddingH: 1, paddingW: 1 }

  it('carries stride, padding, dilation and groups from Conv2d to ConvTranspose2d and back, the weight changing layout', () => {
    const toT = switchLayer({ type: 'conv2d' }, 'conv-transpose2d', settings, weight)
    expect(toT.layer).toEqual({
      type: 'conv-transpose2d',
      options: { stride: [2, 2], padding: [1, 1], outputPadding: [0, 0], dilation: [1, 1], groups: 1 },
    })
    expect(toT.weight.shape).toEqual([1, 2, 3, 3])
    const edited: SessionLayer = { type: 'conv-transpose2d', options: { ...(toT.layer as { options: object }).options, stride: [3, 1], padding: [0, 2] } }
    const back = switchLayer(edited, 'conv2d', settings, toT.weight)
    expect(back.layer).toEqual({ type: 'conv2d' })
    expect(back.weight).toEqual(weight)
    expect(back.settings).toMatchObject({ strideH: 3, strideW: 1, paddingKind: 'number', paddingH: 0, paddingW: 2, groups: 1 })
  })

  it("starts a transposed layer at padding 0 when the Conv2d's padding was 'same' or 'valid'", () => {
    const toT = switchLayer({ type: 'conv2d' }, 'conv-transpose2d', { ...settings, paddingKind: 'same' }, weight)
    expect((toT.layer as { options: { padding: unknown } }).options.padding).toEqual([0, 0])
  })

  it('starts a pool window at the kernel size, keeps the Conv2d weight for the way back, and max ↔ avg keep their common options', () => {
    const toMax = switchLayer({ type: 'conv2d' }, 'max-pool2d', settings, random([1, 1, 2, 3], 5))
    expect(toMax.layer).toEqual({ type: 'max-pool2d', options: { kernelSize: [2, 3], padding: [0, 0], ceilMode: false, dilation: [1, 1] } })
    const max: SessionLayer = { type: 'max-pool2d', options: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, dilation: [2, 2] } }
    const toAvg = switchLayer(max, 'avg-pool2d', settings, weight)
    expect(toAvg.layer).toEqual({
      type: 'avg-pool2d',
      options: { kernelSize: [3, 3], stride: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: true, divisorOverride: null },
    })
    expect(toAvg.weight).toBe(weight)
    // from a transposed layer the pool keeps the weight in the Conv2d layout
    const t = convToTransposed(weight, 1)
    const fromT = switchLayer({ type: 'conv-transpose2d', options: { groups: 1 } }, 'avg-pool2d', settings, t)
    expect(fromT.weight).toEqual(weight)
    expect(switchLayer(toAvg.layer, 'conv-transpose2d', settings, weight).weight).toEqual(t)
  })
})

describe('checking a layer', () => {
  const input = [1, 1, 7, 7]
  const w = random([1, 2, 3, 3], 6)

  it('gives the plan and the layer’s own formula with its numbers', () => {
    const layer = coreLayerOf({ type: 'conv-transpose2d', options: { stride: [2, 2], padding: [1, 1], outputPadding: [1, 1] } }, {}, w, null)
    const check = checkLayer(layer, input)
    expect(check.ok).toBe(true)
    if (!check.ok) return
    expect(check.plan.outputShape).toEqual([1, 2, 14, 14])
    const g = convTranspose2dGeometry(input, w.shape, { stride: 2, padding: 1, outputPadding: 1 })
    expect(outputSizeLines(check.plan)).toEqual([describeTransposedOutputSize(g, 'H'), describeTransposedOutputSize(g, 'W')])
    expect(outputSizeLines(check.plan)[0]).toBe('H_out = (7 − 1)·2 − 2·1 + 1·(3−1) + 1 + 1 = 14')

    const pool = checkLayer(coreLayerOf({ type: 'avg-pool2d', options: { kernelSize: [3, 3], stride: [2, 2], ceilMode: true } }, {}, w, null), input)
    expect(pool.ok && outputSizeLines(pool.plan)).toEqual([
      describePoolOutputSize(poolGeometry(input, { kernelSize: 3, stride: 2, ceilMode: true }), 'H'),
      describePoolOutputSize(poolGeometry(input, { kernelSize: 3, stride: 2, ceilMode: true }), 'W'),
    ])
  })

  it("never throws: an impossible setting is core's error, put on its field in English and Spanish", () => {
    const cases: [SessionLayer, string, string][] = [
      [{ type: 'conv-transpose2d', options: { stride: [2, 2], outputPadding: [2, 0] } }, 'output-padding-too-large', 'outputPadding'],
      [{ type: 'conv-transpose2d', options: { stride: [2, 2], outputSize: [40, 15] } }, 'output-size-range', 'outputSize'],
      [{ type: 'conv-transpose2d', options: { padding: [9, 9] } }, 'transposed-output-too-small', 'padding'],
      [{ type: 'conv-transpose2d', options: { groups: 2 } }, 'groups-divide-in', 'groups'],
      [{ type: 'conv-transpose2d', options: { stride: [0, 1] } }, 'not-positive-int', 'stride'],
      [{ type: 'max-pool2d', options: { kernelSize: [3, 3], padding: [2, 2] } }, 'pool-padding', 'padding'],
      [{ type: 'max-pool2d', options: { kernelSize: [9, 9] } }, 'pool-output-too-small', 'kernelSize'],
      [{ type: 'avg-pool2d', options: { kernelSize: [2, 2], divisorOverride: 0 } }, 'divisor-zero', 'divisor'],
    ]
    for (const [layer, code, field] of cases) {
      const check = checkLayer(coreLayerOf(layer, {}, w, null), input)
      expect(check.ok, code).toBe(false)
      if (check.ok) continue
      expect(check.error.code).toBe(code)
      const en = layerFieldErrors(check.error, 1, 'en')
      const es = layerFieldErrors(check.error, 1, 'es')
      expect(Object.keys(en)).toEqual([field])
      expect(en[field as keyof typeof en]).toBeTruthy()
      expect(es[field as keyof typeof es]).not.toBe(en[field as keyof typeof en])
    }
    expect(layerFieldErrors({ code: 'groups-divide-in', params: { groups: 4, inChannels: 6 } }, 6, 'en').groups).toBe(
      'groups ∈ {1, 2, 3, 6}: they must divide the input channels C_in = 6',
    )
  })

  it("gives a pool's windows as a depthwise Conv2d's for the input view, and none when ceil mode adds windows", () => {
    const g = poolGeometry([1, 3, 7, 7], { kernelSize: 3, stride: 2, padding: 1, dilation: 2 })
    expect(poolWindowGeometry(g)).toMatchObject({ groups: 3, outChannels: 3, kernelH: 3, strideH: 2, padTop: 1, dilationH: 2, outH: g.outH, outW: g.outW })
    expect(poolWindowGeometry(poolGeometry([1, 1, 7, 7], { kernelSize: 3, ceilMode: true }))).toBeNull()
  })

  it('puts the layer on the wire with its weight only when it has one', () => {
    const t = wireLayerOf({ type: 'conv-transpose2d', options: { stride: [2, 2] } }, w, new Float64Array([1, 2]))
    expect(t).toMatchObject({ type: 'conv-transpose2d', stride: [2, 2], weight: { shape: [1, 2, 3, 3] }, bias: { shape: [2] } })
    expect(wireLayerOf({ type: 'max-pool2d', options: { kernelSize: [2, 2] } }, w, null)).toEqual({ type: 'max-pool2d', kernelSize: [2, 2] })
  })
})

describe('Show as PyTorch for the family', () => {
  const x = { shape: [1, 1, 2, 2], data: new Float64Array([1, 2, 3, 4]) }

  it('writes the transposed layer with its weight layout, its values and a wanted output size in the call', () => {
    const w = { shape: [1, 1, 2, 2], data: new Float64Array([1, 0.5, -1, 2]) }
    const session: SessionLayer = { type: 'conv-transpose2d', options: { stride: [2, 2], padding: [0, 0], outputSize: [5, 5], dilation: [1, 1], groups: 1 } }
    const layer = coreLayerOf(session, {}, w, new Float64Array([0.25]))
    const check = checkLayer(layer, x.shape)
    if (!check.ok) throw check.error
    expect(layerCode(layer, check.plan, { input: x, weight: w, bias: new Float64Array([0.25]) })).toBe(
      [
        'import torch',
        'layer = torch.nn.ConvTranspose2d(1, 1, 2, stride=2, dtype=torch.float64)',
        'with torch.no_grad():',
        '    layer.weight.copy_(torch.tensor([[[[1, 0.5], [-1, 2]]]], dtype=torch.float64))  # (C_in, C_out/groups, KH, KW)',
        '    layer.bias.copy_(torch.tensor([0.25], dtype=torch.float64))',
        'x = torch.tensor([[[[1, 2], [3, 4]]]], dtype=torch.float64)',
        'y = layer(x, output_size=[5, 5])  # y: (1, 1, 5, 5)',
      ].join('\n'),
    )
  })

  it('writes pools with only the options that differ from PyTorch’s defaults', () => {
    const avg = coreLayerOf(
      { type: 'avg-pool2d', options: { kernelSize: [2, 2], padding: [1, 1], ceilMode: true, countIncludePad: false, divisorOverride: 3 } },
      {},
      x,
      null,
    )
    const check = checkLayer(avg, x.shape)
    if (!check.ok) throw check.error
    const code = layerCode(avg, check.plan, { input: x, weight: x, bias: null })
    expect(code).toContain('layer = torch.nn.AvgPool2d(2, padding=1, ceil_mode=True, count_include_pad=False, divisor_override=3)')
    expect(code).not.toContain('weight')
    const max = coreLayerOf({ type: 'max-pool2d', options: { kernelSize: [2, 1], stride: [1, 1], dilation: [1, 1] } }, {}, x, null)
    const maxCheck = checkLayer(max, x.shape)
    if (!maxCheck.ok) throw maxCheck.error
    expect(layerCode(max, maxCheck.plan, { input: x, weight: x, bias: null })).toContain('layer = torch.nn.MaxPool2d((2, 1), stride=1)')
  })
})
