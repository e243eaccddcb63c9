// The benchmark's kernel-thread rows and the engine's thread policy: rows for 2 and 4 kernel
// threads where the machine has the cores (1 thread is the plain convolab-wasm row), and one
// line per shape saying how many threads the engine's policy picks for it.

import { availableParallelism } from 'node:os'
import { convGeometry, multiplyAdds } from '../core'
import { kernelThreads, THREAD_WORK_THRESHOLD, threadsFor } from '../src-main/engine/thread-policy'
import type { BenchShape } from './shapes'

/** Thread counts with rows of their own: 2, and 4 on machines with 4 cores or more. */
export function threadRowCounts(cores: number = availableParallelism()): number[] {
  return [2, 4].filter((threads) => threads === 2 || cores >= threads)
}

/** The policy's choice for every shape, as printed under the table. */
export function policyLines(shapes: readonly BenchShape[], cores: number = availableParallelism()): string[] {
  const available = kernelThreads(cores)
  const lines = [
    `Engine thread policy on this machine: ${available} kernel thread${available > 1 ? 's' : ''} (${cores} cores − 1, at most 4), ` +
      `threads only from ${THREAD_WORK_THRESHOLD / 1e6} M multiply-adds per pass:`,
  ]
  for (const shape of shapes) {
    const geometry = convGeometry(shape.input, shape.weight, shape.options, shape.weight[0])
    const threads = threadsFor(geometry, available)
    lines.push(`  ${shape.name}: ${(multiplyAdds(geometry) / 1e6).toFixed(0)} M multiply-adds → ${threads} thread${threads > 1 ? 's' : ''}`)
  }
  return lines
}
