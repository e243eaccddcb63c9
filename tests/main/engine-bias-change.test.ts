// A change of the bias alone reuses the kept sums Σ w·x (and, when dE/dy does not depend on y,
// every gradient) instead of running the kernels; a weight change then reuses dE/dw and dE/db
// and computes dE/dx alone: the engine says so in timings.reused, and
// every number the user reads is the one a fresh engine gives for the same request, bit for
// bit (probed y, dE/dx, dE/dw, dE/db, the maps and their exact ranges), and core's within 1e-12.
// A new weight, input, option, display size or dE/dy runs the kernels again.

import { afterAll, beforeEach, describe, expect, it } from 'vitest'
import type { Tensor } from '../../core'
import { conv2d, conv2dBackward, filled, normalTensor, seededSource } from '../../core'
import type { ComputeRequest, ComputeResult, GradOutputSpec, ResultTensor } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { runCompute } from '../../src-main/engine/compute'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import type { Kept } from '../../src-main/engine/kept-sums'
import type { ConvKernel } from '../../src-main/engine/kernel'
import { value, payload, expectClose } from '../support/engine-results'

// on this thread, and on two kernel threads (the runner skips dE/dw on its own path)
const kernels: Array<[string, ConvKernel]> = [
  ['this thread', await createFastKernel({ threads: 0 })],
  ['two kernel threads', await createFastKernel({ threads: 2 })],
]
let kernel = kernels[0][1]
const engines: Engine[] = []
afterAll(() => engines.forEach((engine) => engine.close()))

async function newEngine(x: Tensor): Promise<{ engine: Engine; inputId: string }> {
  const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(kernel) })
  engines.push(engine)
  return { engine, inputId: value(await engine.invoke('setInput', payload(x))).inputId }
}

const source = seededSource(77)
// odd sizes: box means over partial boxes, 3 planes per channel group
const x = normalTensor([1, 3, 37, 29], source)
const weight = normalTensor([4, 3, 3, 3], source)
const otherWeight: Tensor = { shape: weight.shape, data: weight.data.map((v, k) => (k === 13 ? v + 0.25 : v)) }
const twoChanged: Tensor = { shape: weight.shape, data: otherWeight.data.map((v, k) => (k === 80 ? -v : v)) }
const threeChanged: Tensor = { shape: weight.shape, data: twoChanged.data.map((v, k) => (k % 30 === 0 && k < 90 ? v * 2 : v)) }
const drawn = normalTensor([1, 4, 37, 29], source)
const options = { padding: 1 }
const biases = [normalTensor([4], source), normalTensor([4], source), normalTensor([4], source)]

/** A request and what the engine answered, with every exact tensor probed. */
async function run(
  engine: Engine,
  inputId: string,
  requestId: number,
  w: Tensor,
  bias: Tensor | null,
  gradOutput: GradOutputSpec | undefined,
  maxSide = 8,
): Promise<{ result: ComputeResult; exact: Partial<Record<ResultTensor, Float64Array>> }> {
  const request: ComputeRequest = {
    requestId,
    inputId,
    weight: payload(w),
    bias: bias ? payload(bias) : null,
    options,
    display: { maxSide },
    ...(gradOutput ? { gradOutput } : {}),
  }
  const result = value(await engine.invoke('compute', request))
  const exact: Partial<Record<ResultTensor, Float64Array>> = {}
  const probe = async (which: ResultTensor, count: number) => value(await engine.invoke('probe', { requestId, which, start: 0, count }))
  exact.output = await probe('output', 4 * 37 * 29)
  if (gradOutput) {
    exact.gradInput = await probe('gradInput', x.data.length)
    exact.gradOutput = await probe('gradOutput', 4 * 37 * 29)
  }
  return { result, exact }
}

/** Everything the user reads of a result, as plain numbers (NaN kept). */
function readable(result: ComputeResult, exact: Partial<Record<ResultTensor, Float64Array>>): unknown {
  const maps = (stack: ComputeResult['output'] | undefined) =>
    stack && { data: Array.from(stack.data), min: Array.from(stack.min), max: Array.from(stack.max), nonFinite: Array.from(stack.nonFinite) }
  return {
    output: maps(result.output),
    gradInput: maps(result.gradInput),
    gradOutput: maps(result.gradOutput),
    gradWeight: result.gradWeight && Array.from(result.gradWeight.data),
    gradBias: result.gradBias && Array.from(result.gradBias.data),
    exact: Object.fromEntries(Object.entries(exact).map(([k, v]) => [k, Array.from(v)])),
  }
}

describe.each(kernels)('a change of the bias alone, %s', (_, chosen) => {
  beforeEach(() => {
    kernel = chosen
  })

  it('reuses the sums and the gradients it can, and gives what a fresh engine gives', async () => {
    const { engine, inputId } = await newEngine(x)
    const steps: Array<{ w: Tensor; bias: Tensor | null; gradOutput?: GradOutputSpec; maxSide?: number; reused?: string; channels?: number }> = [
      { w: weight, bias: biases[0] },
      { w: weight, bias: biases[1], reused: 'sums' },
      { w: weight, bias: biases[2], gradOutput: { kind: 'ones' }, reused: 'sums' },
      { w: weight, bias: biases[0], gradOutput: { kind: 'ones' }, reused: 'sums and gradients' },
      // dE/dw and dE/db do not depend on w: a weight change computes dE/dx alone, and the sums
      // of the one output channel whose kernel changed
      { w: otherWeight, bias: biases[0], gradOutput: { kind: 'ones' }, reused: 'weight gradients', channels: 1 },
      { w: otherWeight, bias: biases[1], gradOutput: { kind: 'ones' }, reused: 'sums and gradients' },
      { w: otherWeight, bias: biases[1], gradOutput: { kind: 'ones' }, maxSide: 0 },
      { w: otherWeight, bias: biases[2], gradOutput: { kind: 'ones' }, maxSide: 0, reused: 'sums and gradients' },
      // back to the smaller maps: a new display size runs the kernels again
      { w: otherWeight, bias: biases[2], gradOutput: { kind: 'random', seed: 3 } },
      { w: otherWeight, bias: biases[0], gradOutput: { kind: 'random', seed: 3 }, reused: 'sums and gradients' },
      { w: otherWeight, bias: biases[0], gradOutput: { kind: 'random', seed: 4 }, reused: 'sums' },
      { w: otherWeight, bias: biases[1], gradOutput: { kind: 'tensor', tensor: payload(drawn) }, reused: 'sums' },
      { w: otherWeight, bias: biases[2], gradOutput: { kind: 'tensor', tensor: payload(drawn) }, reused: 'sums and gradients' },
      // a drawn dE/dy that changed in one cell is a new one
      {
        w: otherWeight,
        bias: biases[2],
        gradOutput: { kind: 'tensor', tensor: { ...payload(drawn), data: drawn.data.map((v, k) => (k === 50 ? v + 1 : v)) } },
        reused: 'sums',
      },
      // MSE's dE/dy moves with y: the sums are kept, the gradients are computed again
      { w: otherWeight, bias: biases[0], gradOutput: { kind: 'mse', target: payload(drawn) }, reused: 'sums' },
      { w: otherWeight, bias: biases[1], gradOutput: { kind: 'mse', target: payload(drawn) }, reused: 'sums' },
      // no bias at all is another geometry
      { w: otherWeight, bias: null },
      { w: otherWeight, bias: null, reused: 'sums' },
      { w: weight, bias: biases[1] },
      { w: weight, bias: biases[1], gradOutput: { kind: 'ones' }, reused: 'sums' },
      { w: otherWeight, bias: biases[1], gradOutput: { kind: 'ones' }, reused: 'weight gradients', channels: 1 },
      { w: otherWeight, bias: biases[2], gradOutput: { kind: 'ones' }, reused: 'sums and gradients' },
      // another channel's kernel, then three of the four: one whole convolution
      { w: twoChanged, bias: biases[1], channels: 1 },
      { w: threeChanged, bias: biases[1] },
      { w: weight, bias: biases[2], gradOutput: { kind: 'tensor', tensor: payload(drawn) } },
      { w: otherWeight, bias: biases[0], gradOutput: { kind: 'tensor', tensor: payload(drawn) }, reused: 'weight gradients', channels: 1 },
      // MSE's dE/dy moves with w too: every gradient again (the sums of the one changed channel)
      { w: weight, bias: biases[0], gradOutput: { kind: 'mse', target: payload(drawn) }, channels: 1 },
    ]
    let requestId = 0
    for (const step of steps) {
      const { result, exact } = await run(engine, inputId, ++requestId, step.w, step.bias, step.gradOutput, step.maxSide)
      expect(result.timings.reused, `step ${requestId}`).toBe(step.reused)
      // with one kernel thread only (the two-thread runner makes no maps in kernel memory)
      if (kernel === kernels[0][1]) expect(result.timings.channels, `step ${requestId}`).toBe(step.channels)
      // a fresh engine (nothing kept) for the same request reads the same, bit for bit
      const fresh = await newEngine(x)
      const alone = await run(fresh.engine, fresh.inputId, 1, step.w, step.bias, step.gradOutput, step.maxSide)
      expect(alone.result.timings.reused).toBeUndefined()
      expect(readable(result, exact), `step ${requestId}`).toEqual(readable(alone.result, alone.exact))
      fresh.engine.close()
      // and core's numbers
      const y = conv2d(x, step.w, step.bias, options).output
      expectClose(exact.output!, y.data)
      const finite = Array.from(exact.output!)
      expect(result.output.min[0]).toBe(Math.min(...finite.slice(0, 37 * 29)))
      expect(result.output.max[3]).toBe(Math.max(...finite.slice(3 * 37 * 29)))
      if (!step.gradOutput) continue
      const gy =
        step.gradOutput.kind === 'ones'
          ? filled(y.shape, 1)
          : step.gradOutput.kind === 'mse'
            ? { shape: y.shape, data: y.data.map((v, k) => (2 * (v - drawn.data[k])) / y.data.length) }
            : { shape: y.shape, data: exact.gradOutput! }
      const grads = conv2dBackward(x, step.w, step.bias, gy, options)
      expectClose(exact.gradInput!, grads.gradInput.data)
      expectClose(result.gradWeight!.data, grads.gradWeight.data)
      if (step.bias) expectClose(result.gradBias!.data, grads.gradBias!.data)
    }
  })

  it('a non-finite bias shows as non-finite maps, and a finite one after it is whole again', async () => {
    const { engine, inputId } = await newEngine(x)
    const nan: Tensor = { shape: [4], data: Float64Array.from([0, Number.NaN, Number.POSITIVE_INFINITY, 1]) }
    const plane = 37 * 29
    await run(engine, inputId, 1, weight, biases[0], { kind: 'ones' })
    const odd = await run(engine, inputId, 2, weight, nan, { kind: 'ones' })
    expect(Array.from(odd.result.output.nonFinite)).toEqual([0, plane, plane, 0])
    expect(odd.result.output.min[1]).toBeNaN()
    expect(odd.exact.output![plane + 5]).toBeNaN()
    expect(odd.exact.output![2 * plane + 5]).toBe(Number.POSITIVE_INFINITY)
    const back = await run(engine, inputId, 3, weight, biases[1], { kind: 'ones' })
    expect(back.result.timings.reused).toBe('sums and gradients')
    expect(Array.from(back.result.output.nonFinite)).toEqual([0, 0, 0, 0])
    expectClose(back.exact.output!, conv2d(x, weight, biases[1], options).output.data)
  })

  it('a result whose y is not made yet keeps its numbers when the next compute changes a channel and is superseded', async () => {
    const kept: Kept = { sums: null, gradients: null, weightGradients: null }
    const request = (w: Tensor, b: Tensor, requestId: number): ComputeRequest => ({
      requestId,
      inputId: 'x',
      weight: payload(w),
      bias: payload(b),
      options,
      display: { maxSide: 8 },
    })
    await runCompute(x, request(weight, biases[0], 1), chosen, undefined, {}, kept)
    // a bias change: its y is made from the kept sums on first read
    const { settle } = await runCompute(x, request(weight, biases[1], 2), chosen, undefined, {}, kept)
    const last = settle()
    // a weight change in one channel, superseded once its sums are computed
    await expect(runCompute(x, request(otherWeight, biases[1], 3), chosen, () => true, {}, kept)).rejects.toThrow(/superseded/)
    expectClose(last.output.data, conv2d(x, weight, biases[1], options).output.data)
  })
})
