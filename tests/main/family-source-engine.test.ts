// The family animation's tensors through the real engine (computeStack and probeStack on the
// compute worker's code, in this thread): equal to core's layers to 1e-12, argmaxes exact, the
// Conv2d pair's dE/dx equal to ConvTranspose2d(x) − b, a photo-sized input's region exact.
import { afterAll, describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { layerBackward, layerForward, normalTensor, planLayer, seededSource } from '../../core'
import type { Transport } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import type { FamilyRequest } from '../../src-renderer/src/lib/animation/family-source'
import { coreLayerOf, loadFamilySource } from '../../src-renderer/src/lib/animation/family-source'

const running = new Engine({ host: 'browser', spawn: sameThreadWorker() })
afterAll(() => running.close())
/** The engine as the page's transport reaches it. */
const engine: Transport = { host: 'browser', invoke: (method, request) => running.invoke(method, request), onEvent: (listener) => running.onEvent(listener) }

const random = (shape: number[], seed: number): Tensor => normalTensor(shape, seededSource(seed))
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b))
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>) {
  expect(got.length).toBe(want.length)
  for (let k = 0; k < want.length; k++) if (!close(got[k], want[k])) throw new Error(`value ${k}: ${got[k]} ≠ ${want[k]}`)
}

function core(req: FamilyRequest) {
  const layer = coreLayerOf(req.layer, req.weight, req.bias)
  const plan = planLayer(layer, req.input.shape)
  const forward = layerForward(layer, plan, req.input)
  return { plan, forward, grads: layerBackward(layer, plan, req.input, forward, normalTensor(plan.outputShape, seededSource(4))) }
}

describe('the family source on the engine', () => {
  it('MaxPool2d whole: output, dE/dx and argmaxes', async () => {
    const req: FamilyRequest = {
      layer: { type: 'max-pool2d', options: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true } },
      input: random([1, 2, 9, 9], 1),
      weight: random([1, 1, 1, 1], 0),
      bias: null,
      n: 0,
      region: null,
      gradOutput: { kind: 'random', seed: 4 },
      pair: false,
    }
    const answer = await loadFamilySource(engine, req)
    if (!answer.ok) throw new Error(answer.message)
    const { forward, grads } = core(req)
    expectClose(answer.value.values.output, forward.output.data)
    expectClose(answer.value.values.gradInput!, grads.gradInput.data)
    expect(Array.from(answer.value.values.indices!)).toEqual(Array.from(forward.indices!))
  })

  it('ConvTranspose2d whole with its Conv2d pair', async () => {
    const req: FamilyRequest = {
      layer: { type: 'conv-transpose2d', options: { stride: 2, padding: 1, outputPadding: 1, groups: 2 } },
      input: random([1, 4, 3, 3], 2),
      weight: random([4, 1, 3, 3], 3),
      bias: Float64Array.from([0.25, -0.5]),
      n: 0,
      region: null,
      gradOutput: { kind: 'random', seed: 4 },
      pair: true,
    }
    const answer = await loadFamilySource(engine, req)
    if (!answer.ok) throw new Error(answer.message)
    const { forward, grads } = core(req)
    const { values } = answer.value
    expectClose(values.output, forward.output.data)
    expectClose(values.gradInput!, grads.gradInput.data)
    expectClose(values.gradWeight!, grads.gradWeight!.data)
    const plane = values.output.length / 2
    expectClose(
      values.pair!.convGradInput,
      values.output.map((v, k) => v - (k < plane ? 0.25 : -0.5)),
    )
  })

  it("AvgPool2d on a photo-sized input: the region's outputs are the whole output's", async () => {
    const req: FamilyRequest = {
      layer: { type: 'avg-pool2d', options: { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false } },
      input: random([1, 3, 200, 160], 5),
      weight: random([1, 1, 1, 1], 0),
      bias: null,
      n: 0,
      region: { i: 30, j: 20, h: 8, w: 8 },
      gradOutput: { kind: 'ones' },
      pair: false,
    }
    const answer = await loadFamilySource(engine, req)
    if (!answer.ok) throw new Error(answer.message)
    const { plan, forward } = core(req)
    const region = answer.value.region!
    expect(region).toEqual({ i: 30, j: 20, h: 8, w: 8 })
    const [, channels, outH, outW] = plan.outputShape
    for (let c = 0; c < channels; c++)
      for (let r = 0; r < 8; r++)
        for (let k = 0; k < 8; k++)
          expect(close(answer.value.values.output[(c * 8 + r) * 8 + k], forward.output.data[(c * outH + 30 + r) * outW + 20 + k])).toBe(true)
  })

  it.each([
    ['centre', { i: 300, j: 200, h: 8, w: 8 }],
    ['top-left corner', { i: 0, j: 0, h: 8, w: 8 }],
    ['bottom-right corner', { i: 10_000, j: 10_000, h: 8, w: 8 }],
  ])("ConvTranspose2d on a photo-sized input, region at the %s: every region cell is the whole output's, dE/dy the whole one's there", async (_, region) => {
    const req: FamilyRequest = {
      layer: { type: 'conv-transpose2d', options: { stride: 2, padding: 1, outputPadding: 1 } },
      input: random([1, 3, 200, 160], 6),
      weight: random([3, 2, 3, 3], 7),
      bias: Float64Array.from([0.25, -0.5]),
      n: 0,
      region,
      gradOutput: { kind: 'random', seed: 4 },
      pair: false,
    }
    const answer = await loadFamilySource(engine, req)
    if (!answer.ok) throw new Error(answer.message)
    expect(answer.value.patch).toBe(true)
    const { plan, forward } = core(req)
    const got = answer.value.region!
    expect([got.h, got.w]).toEqual([8, 8])
    const [, channels, outH, outW] = plan.outputShape
    const dy = normalTensor(plan.outputShape, seededSource(4))
    for (let c = 0; c < channels; c++)
      for (let r = 0; r < 8; r++)
        for (let k = 0; k < 8; k++) {
          const at = (c * outH + got.i + r) * outW + got.j + k
          expect(close(answer.value.values.output[(c * 8 + r) * 8 + k], forward.output.data[at])).toBe(true)
          expect(answer.value.values.gradOutput![(c * 8 + r) * 8 + k]).toBe(dy.data[at])
        }
  })
})
