// The kernel threads' protocol (src-main/engine/parallel/worker-source.ts): one message a thread
// runs all phases of a plan, a phase starting only once every part of the one before is done,
// whichever thread did it; a thread that fails stops the others instead of leaving them waiting.

import { Worker } from 'node:worker_threads'
import { afterAll, describe, expect, it } from 'vitest'
import { kernelBinary } from '../../core/fast'
import { WORKER_SOURCE } from '../../src-main/engine/parallel/worker-source'

const module = await WebAssembly.compile(kernelBinary('simd', true))
const memory = new WebAssembly.Memory({ initial: 64, maximum: 1024, shared: true })
const threads = await Promise.all(
  [0, 1, 2].map(
    () =>
      new Promise<Worker>((resolve, reject) => {
        const worker = new Worker(WORKER_SOURCE, { eval: true })
        worker.once('message', () => resolve(worker))
        worker.once('error', reject)
        worker.postMessage({ type: 'init', module, memory })
      }),
  ),
)
afterAll(() => Promise.all(threads.map((worker) => worker.terminate())))

type Answer = { type: string; id: number; message?: string }

/** Every thread runs the same phases; their answers. */
function run(phases: unknown[][][], id: number): Promise<Answer[]> {
  const sync = new Int32Array(new SharedArrayBuffer(4 * (2 * phases.length + 1)))
  return Promise.all(
    threads.map(
      (worker) =>
        new Promise<Answer>((resolve) => {
          const answer = (message: Answer) => {
            if (message.id !== id) return
            worker.off('message', answer)
            resolve(message)
          }
          worker.on('message', answer)
          worker.postMessage({ type: 'run', id, phases, sync })
        }),
    ),
  )
}

describe('kernel threads run a plan phase by phase', () => {
  it('a phase sees every value the one before wrote, whichever thread wrote it', async () => {
    const [planes, plane] = [24, 4096]
    const source = new Float64Array(new SharedArrayBuffer(planes * plane * 8)).map((_, k) => Math.sin(k) * 1e3)
    const at = 1024 // f64 elements into the memory
    for (let round = 0; round < 20; round++) {
      const target = new Float64Array(new SharedArrayBuffer(planes * plane * 8))
      // phase 0: part p copies plane p in (p = 0 waits a little first); phase 1: part p copies
      // plane (planes − 1 − p) out, written by another part of phase 0
      const copyIn = (p: number) => ({ kernel: 'copyIn', args: [at + p * plane, plane, plane, 1, 1, plane, p * plane], source })
      const copyOut = (p: number) => ({ kernel: 'copyPlanes', args: [at + p * plane, plane, plane, 1, 1, plane, p * plane], target })
      const slow = Array.from({ length: 40 }, () => copyIn(0))
      const phases = [
        Array.from({ length: planes }, (_, p) => (p === 0 ? slow : [copyIn(p)])),
        Array.from({ length: planes }, (_, p) => [copyOut(planes - 1 - p)]),
      ]
      new Float64Array(memory.buffer).fill(0)
      const answers = await run(phases, round + 1)
      expect(answers.map((answer) => answer.type)).toEqual(['done', 'done', 'done'])
      expect(
        target.every((v, k) => v === source[k]),
        `round ${round}`,
      ).toBe(true)
    }
  })

  it('a failing part stops every thread, none left waiting for the next phase', async () => {
    const phases = [
      [[{ kernel: 'noSuchKernel', args: [] }], [], [{ kernel: 'zeroBorder_f64', args: [64, 1, 4, 16, 4, 1, 1, 2, 2] }]],
      [[{ kernel: 'zeroBorder_f64', args: [64, 1, 4, 16, 4, 1, 1, 2, 2] }], [{ kernel: 'zeroBorder_f64', args: [64, 1, 4, 16, 4, 1, 1, 2, 2] }]],
    ]
    const answers = await run(phases, 100)
    expect(answers.some((answer) => answer.type === 'failed' && /noSuchKernel|not a function/.test(answer.message ?? ''))).toBe(true)
    // the threads still answer the next run
    const next = await run([[[{ kernel: 'zeroBorder_f64', args: [64, 1, 4, 16, 4, 1, 1, 2, 2] }]]], 101)
    expect(next.map((answer) => answer.type)).toEqual(['done', 'done', 'done'])
  })
})
