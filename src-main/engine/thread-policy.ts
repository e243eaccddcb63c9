// How many kernel threads a convolution runs on: os.availableParallelism() − 1 (one core stays
// for the app's own threads), at most 4, and only for work large enough that splitting pays.
// On a 2-core machine that is 1: the kernels run on the compute worker's own thread.
//
// The threshold comes from `npm run bench` (1 vs 2 vs 4 thread rows): on the 2-core machine of
// bench/README.md, two threads gained 1.3-2× on S2 (43 M multiply-adds, 224² RGB, 32 channels)
// at quiet moments and nothing on S1 (116 M, 56², 64 channels) or S5 (226 M) under load; below
// about 20 M multiply-adds (a 512² RGB image with 8 channels and 3×3 kernels is 57 M) a pass is a
// few milliseconds, which starting work on other threads and waiting for them eats up.

import { availableParallelism } from 'node:os'
import type { ConvGeometry } from '../../core'
import { multiplyAdds } from '../../core'

/** Multiply-adds of one pass below which the kernels stay on one thread. */
export const THREAD_WORK_THRESHOLD = 20_000_000

/** At most this many kernel threads (memory bandwidth, not cores, limits beyond it). */
export const MAX_KERNEL_THREADS = 4

/** Kernel threads this machine gives the engine: cores − 1, at least 1, at most 4. */
export function kernelThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores - 1, MAX_KERNEL_THREADS))
}

/** Threads for one pass of this geometry with `available` kernel threads (1 = the calling thread). */
export function threadsFor(geometry: ConvGeometry, available: number): number {
  return available > 1 && multiplyAdds(geometry) >= THREAD_WORK_THRESHOLD ? available : 1
}

/**
 * Kernel threads for a stack's convolutions: every core, at most 4. A stack's passes are large
 * (the VGG block on a 512×512 photo: 0.6 G multiply-adds each) and while they run the compute
 * worker only makes the display maps of the layers before, so unlike a single Conv2d change the
 * stack takes the core the policy above keeps for the app. Passes below the work threshold stay
 * on the worker's thread.
 */
export function stackKernelThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(cores, MAX_KERNEL_THREADS))
}
