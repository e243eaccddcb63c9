// How much two threads can gain on this machine right now: the same integer loop on one worker
// thread, then on two at once. On a shared or SMT-backed 2-vCPU machine this is well below 2×,
// and no convolution runner can beat it; the table prints it next to our two-thread rows.

import { Worker } from 'node:worker_threads'

const SPIN = `
const { parentPort } = require('node:worker_threads')
parentPort.on('message', () => {
  const start = performance.now()
  let a = 0
  for (let i = 0; i < 2e8; i++) a = (a + i * 7) | 0
  parentPort.postMessage([performance.now() - start, a])
})`

async function spin(threads: number): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(SPIN, { eval: true }))
  const started = performance.now()
  await Promise.all(
    workers.map((worker) => new Promise((resolve) => (worker.once('message', resolve), worker.postMessage(0)))),
  )
  const elapsed = performance.now() - started
  await Promise.all(workers.map((worker) => worker.terminate()))
  return elapsed
}

/** Work per second of two threads over one thread (2.0 = two free cores); the best of three tries. */
export async function twoThreadCapacity(): Promise<number> {
  await spin(1) // warm-up
  let best = 0
  for (let attempt = 0; attempt < 3; attempt++) {
    const one = await spin(1)
    const two = await spin(2)
    best = Math.max(best, (2 * one) / two)
  }
  return best
}
