// Entry of the compute worker thread (built to out/main/engine-worker.js).
// The kernel is chosen here: the one place a faster implementation is plugged in. It may be
// created asynchronously (WebAssembly); messages wait for it, in order.

import { parentPort, workerData } from 'node:worker_threads'
import { ComputeHost } from './compute-host'
import { createFastKernel } from './fast-kernel'
import type { ConvKernel } from './kernel'
import { scalarKernel } from './kernel'
import type { ToWorker } from './messages'

const port = parentPort
if (!port) throw new Error('engine-worker must run as a worker thread')

// The kernels run on this worker's own thread (0 kernel threads): the worker is already off the
// main thread, and on this 2-vCPU machine, shared with other work, nested kernel threads
// measured no steady gain for a 1024×1024 RGB image, 8 channels, 3×3, padding 1 (engine
// compute with 256-pixel maps, medians of 11 in two rounds: forward 50/60 ms here, 50/51 with
// one kernel thread (maps made meanwhile), 41/53 with two; forward + all gradients 124/134,
// 136/130, 126/137; the benchmark's S5 rows agree: 41 vs 42 ms forward, 57 vs 66 grad-input).
// Threads also compete with the page's own drawing in browser mode, and stopping a superseded
// run on threads means starting new ones. The fallbacks (relaxed-simd → simd → scalar) are
// createFastKernel's; a kernel that fails to load at all leaves core's scalar one.
const KERNEL_THREADS = 0
const kernel: Promise<ConvKernel> = createFastKernel({ threads: KERNEL_THREADS }).catch(() => scalarKernel)
const host = kernel.then(
  (chosen) =>
    new ComputeHost(chosen, (workerData as { control: Int32Array }).control, (message, transfer) =>
      port.postMessage(message, transfer ?? []),
    ),
)
port.on('message', (message: ToWorker) => void host.then((ready) => ready.receive(message)))
