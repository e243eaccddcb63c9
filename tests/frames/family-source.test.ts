// The family animation's tensors come from the engine (a one-layer computeStack, read back with
// probeStack): here an engine stand-in that runs core's layers answers, and the source is checked
// against core's whole-input results — a region's crop gives exactly the region's outputs.
import { describe, expect, it } from 'vitest'
import type { GradOutputSpec, Result, StackComputeRequest, Transport } from '../../contract'
import type { Layer, Tensor } from '../../core'
import { filled, layerBackward, layerForward, normalTensor, planLayer, seededSource } from '../../core'
import { familyCrop } from '../../frames/family-region'
import type { FamilyRequest } from '../../src-renderer/src/lib/animation/family-source'
import { coreLayerOf, loadFamilySource } from '../../src-renderer/src/lib/animation/family-source'
import { close, expectClose, random } from './family-helpers'

/** What the engine does for a stack of one layer, on core's loops. */
function fakeEngine(): Transport & { computes: number } {
  const inputs = new Map<string, Tensor>()
  let last: { request: StackComputeRequest; output: Tensor; gradOutput?: Tensor; gradInput?: Tensor; indices?: Int32Array; input: Tensor } | null = null
  const engine = {
    host: 'browser' as const,
    computes: 0,
    onEvent: () => () => {},
    async invoke(method: string, request: unknown): Promise<Result<unknown>> {
      if (method === 'setInput') {
        const id = `in${inputs.size}`
        inputs.set(id, request as Tensor)
        return { ok: true, value: { inputId: id } }
      }
      if (method === 'computeStack') {
        engine.computes++
        const r = request as StackComputeRequest
        const x = inputs.get(r.inputId)!
        const wire = r.layers[0]
        const layer = ('weight' in wire ? { ...wire, weight: wire.weight, bias: wire.bias } : wire) as Layer
        const plan = planLayer(layer, x.shape)
        const forward = layerForward(layer, plan, x)
        last = { request: r, output: forward.output, indices: forward.indices, input: x }
        let gradWeight = null
        if (r.gradient?.kind === 'output') {
          const spec = r.gradient.gradOutput as GradOutputSpec
          const dy =
            spec.kind === 'ones'
              ? filled(plan.outputShape, 1)
              : spec.kind === 'random'
                ? normalTensor(plan.outputShape, seededSource(spec.seed))
                : (spec as { tensor: Tensor }).tensor
          const grads = layerBackward(layer, plan, x, forward, dy)
          last.gradOutput = dy
          last.gradInput = grads.gradInput
          gradWeight = grads.gradWeight
        }
        return {
          ok: true,
          value: {
            requestId: r.requestId,
            inputShape: x.shape,
            layers: [{ type: layer.type, output: { shape: plan.outputShape }, receptiveField: null, ...(gradWeight ? { gradWeight } : {}) }],
            kernel: 'js',
            timings: { computeMs: 0 },
          },
        }
      }
      if (method === 'probeStack') {
        const r = request as { requestId: number; layer: number; which: string; start: number; count: number }
        if (!last || r.requestId !== last.request.requestId) return { ok: false, code: 'stale', params: {}, message: 'stale' }
        const source =
          r.layer === -1
            ? r.which === 'output'
              ? last.input.data
              : last.gradInput!.data
            : r.which === 'output'
              ? last.output.data
              : r.which === 'indices'
                ? last.indices!
                : last.gradOutput!.data
        return { ok: true, value: Float64Array.from(source.slice(r.start, r.start + r.count)) }
      }
      throw new Error(`unexpected ${method}`)
    },
  }
  return engine as unknown as Transport & { computes: number }
}

function request(layer: FamilyRequest['layer'], input: Tensor, extra: Partial<FamilyRequest> = {}): FamilyRequest {
  return {
    layer,
    input,
    weight: random([input.shape[1], 2, 3, 3], 1),
    bias: null,
    n: 0,
    region: null,
    gradOutput: { kind: 'random', seed: 3 },
    pair: false,
    ...extra,
  }
}

function whole(req: FamilyRequest) {
  const layer = coreLayerOf(req.layer, req.weight, req.bias)
  const plan = planLayer(layer, req.input.shape)
  const forward = layerForward(layer, plan, req.input)
  return { plan, forward, grads: layerBackward(layer, plan, req.input, forward, normalTensor(plan.outputShape, seededSource(3))) }
}

describe('the family source', () => {
  it('a small input comes whole: output, dE/dy, dE/dx and argmaxes as core computes them', async () => {
    const req = request({ type: 'max-pool2d', options: { kernelSize: 3, stride: 2, padding: 1 } }, random([1, 2, 9, 9], 5))
    const answer = await loadFamilySource(fakeEngine(), req)
    if (!answer.ok) throw new Error(answer.message)
    const { forward, grads } = whole(req)
    expect(answer.value.region).toBeNull()
    expectClose(answer.value.values.output, forward.output.data)
    expectClose(answer.value.values.gradInput!, grads.gradInput.data)
    expect(Array.from(answer.value.values.indices!)).toEqual(Array.from(forward.indices!))
  })

  it.each([
    ['max-pool, padding, ceil mode', { type: 'max-pool2d', options: { kernelSize: 3, stride: 2, padding: 1, ceilMode: true } }],
    ['avg-pool, count_include_pad=False', { type: 'avg-pool2d', options: { kernelSize: 3, stride: 2, padding: 1, countIncludePad: false } }],
    ['avg-pool, divisor_override', { type: 'avg-pool2d', options: { kernelSize: 2, divisorOverride: 3 } }],
  ] as const)("%s on a large input: the crop's outputs are the whole output's region, even one asked at the edge", async (_, layer) => {
    const req = request(layer as FamilyRequest['layer'], random([2, 3, 90, 100], 6), { n: 1, region: { i: 0, j: 40, h: 8, w: 8 } })
    const answer = await loadFamilySource(fakeEngine(), req)
    if (!answer.ok) throw new Error(answer.message)
    const { plan, forward } = whole(req)
    const region = answer.value.region!
    expect(region.h).toBe(8)
    const [, channels, outH, outW] = plan.outputShape
    for (let c = 0; c < channels; c++)
      for (let r = 0; r < region.h; r++)
        for (let k = 0; k < region.w; k++) {
          const got = answer.value.values.output[(c * region.h + r) * region.w + k]
          expect(close(got, forward.output.data[((1 * channels + c) * outH + region.i + r) * outW + region.j + k])).toBe(true)
        }
    // dE/dy on the region is the same random draw's values there.
    const full = normalTensor(plan.outputShape, seededSource(3))
    expect(answer.value.values.gradOutput![5]).toBe(full.data[((1 * channels + 0) * outH + region.i) * outW + region.j + 5])
  })

  it('ConvTranspose2d whole, with the Conv2d pair: its dE/dx at dE/dy = x is the output minus the bias', async () => {
    const layer = { type: 'conv-transpose2d' as const, options: { stride: 2, padding: 1, outputPadding: 1 } }
    const req = request(layer, random([1, 2, 4, 4], 7), { bias: Float64Array.from([0.5, -1]), pair: true })
    const engine = fakeEngine()
    const answer = await loadFamilySource(engine, req)
    if (!answer.ok) throw new Error(answer.message)
    expect(engine.computes).toBe(2)
    const { output, pair } = answer.value.values
    const plane = output.length / 2
    expectClose(
      pair!.convGradInput,
      output.map((v, k) => v - (k < plane ? 0.5 : -1)),
    )
    expect(answer.value.values.gradWeight).not.toBeNull()
  })

  it('ConvTranspose2d on a large input: the patch whose stamps reach the region', async () => {
    const layer = { type: 'conv-transpose2d' as const, options: { stride: 2, padding: 1 } }
    const req = request(layer, random([1, 1, 80, 80], 8), { region: { i: 50, j: 50, h: 8, w: 8 } })
    const answer = await loadFamilySource(fakeEngine(), req)
    if (!answer.ok) throw new Error(answer.message)
    expect(answer.value.patch).toBe(true)
    const crop = familyCrop(coreLayerOf(layer, req.weight, null), planLayer(coreLayerOf(layer, req.weight, null), req.input.shape) as never, req.region)
    // Outputs 50..57 read inputs ⌈(50+1−2)/2⌉ = 25 … ⌊(57+1)/2⌋ = 29.
    expect([crop.top, crop.height]).toEqual([25, 5])
  })

  it('an impossible layer is a clear error, not a crash', async () => {
    const req = request({ type: 'max-pool2d', options: { kernelSize: 3, padding: 2 } }, random([1, 1, 5, 5], 1))
    const answer = await loadFamilySource(fakeEngine(), req)
    expect(answer.ok).toBe(false)
    if (!answer.ok) expect(answer.code).toBe('pool-padding')
  })
})
