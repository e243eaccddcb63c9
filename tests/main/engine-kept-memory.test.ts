// What the engine keeps between requests (in kernel memory: the packed input, the spread dE/dy of a
// remembered upstream gradient, a forward's y read back after the answer; dE/db of that gradient) never
// shows in a number: a mixed run of forward-only and forward + gradient changes, over two inputs,
// several weights and every upstream kind, gives core's conv2d / conv2dBackward values (1e-12)
// for every probed tensor.

import { describe, it } from 'vitest'
import type { Tensor } from '../../core'
import { conv2d, conv2dBackward, filled, normalTensor, seededSource } from '../../core'
import type { ComputeRequest, GradOutputSpec, ResultTensor } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import { createFastKernel } from '../../src-main/engine/fast-kernel'
import { value, payload, expectClose } from '../support/engine-results'

describe('kernel memory kept between requests', () => {
  it('changes nothing the user reads, whatever the order of requests', async () => {
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(await createFastKernel({ threads: 0 })) })
    const source = seededSource(31)
    const inputs = [normalTensor([1, 3, 40, 37], source), normalTensor([1, 3, 40, 37], source)]
    const ids = await Promise.all(inputs.map(async (x) => value(await engine.invoke('setInput', payload(x))).inputId))
    const weights = [normalTensor([4, 3, 3, 3], source), normalTensor([4, 3, 3, 3], source)]
    const bias = normalTensor([4], source)
    const options = { padding: 1 }
    const target = normalTensor([1, 4, 40, 37], source)
    const kinds: Array<GradOutputSpec | undefined> = [
      undefined,
      { kind: 'ones' },
      { kind: 'ones' },
      undefined,
      { kind: 'random', seed: 1 },
      { kind: 'random', seed: 2 },
      { kind: 'ones' },
      { kind: 'mse', target: payload(target) },
      undefined,
      { kind: 'ones' },
    ]
    let requestId = 0
    for (const [step, gradOutput] of kinds.entries()) {
      const which = step % 3 === 2 ? 1 : 0
      const x = inputs[which]
      const weight = weights[Math.floor(step / 2) % 2]
      const request: ComputeRequest = {
        requestId: ++requestId,
        inputId: ids[which],
        weight: payload(weight),
        bias: payload(bias),
        options,
        display: { maxSide: 8 },
        ...(gradOutput ? { gradOutput } : {}),
      }
      const result = value(await engine.invoke('compute', request))
      const y = conv2d(x, weight, bias, options).output
      const probe = async (tensor: ResultTensor, length: number) => value(await engine.invoke('probe', { requestId, which: tensor, start: 0, count: length }))
      expectClose(await probe('output', y.data.length), y.data)
      expectClose(await probe('input', x.data.length), x.data)
      if (!gradOutput) continue
      const gy: Tensor =
        gradOutput.kind === 'ones'
          ? filled(y.shape, 1)
          : gradOutput.kind === 'mse'
            ? { shape: y.shape, data: y.data.map((v, k) => (2 * (v - target.data[k])) / y.data.length) }
            : { shape: y.shape, data: await probe('gradOutput', y.data.length) }
      if (gradOutput.kind !== 'random') expectClose(await probe('gradOutput', y.data.length), gy.data)
      const grads = conv2dBackward(x, weight, bias, gy, options)
      expectClose(await probe('gradInput', x.data.length), grads.gradInput.data)
      expectClose(result.gradWeight!.data, grads.gradWeight.data)
      expectClose(result.gradBias!.data, grads.gradBias!.data)
    }
    engine.close()
  })
})
