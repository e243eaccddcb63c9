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

function loop(worker: Worker): Promise<number> {
  return new Promise((resolve) => {
    worker.once('message', ([elapsed]: [number, number]) => resolve(elapsed))
    worker.postMessage(0)
  })
}

/** Work per second of two threads over one thread (2.0 = two free cores); the median of five tries. */
export async function twoThreadCapacity(): Promise<number> {
  const workers = [new Worker(SPIN, { eval: true }), new Worker(SPIN, { eval: true })]
  try {
    await Promise.all(workers.map(loop)) // start-up and JIT warm-up
    const ratios: number[] = []
    for (let attempt = 0; attempt < 5; attempt++) {
      const alone = await loop(workers[0])
      const together = await Promise.all(workers.map(loop))
      ratios.push((2 * alone) / Math.max(...together))
    }
    return ratios.sort((a, b) => a - b)[2]
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()))
  }
}
