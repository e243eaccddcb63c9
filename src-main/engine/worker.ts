// Entry of the compute worker thread (built to out/main/engine-worker.js).
// The kernel is chosen here: the one place a faster implementation is plugged in. It may be
// created asynchronously (WebAssembly); messages wait for it, in order.

import { parentPort, workerData } from 'node:worker_threads'
import { ComputeHost } from './compute-host'
import { createPolicyKernel } from './policy-kernel'
import type { ConvKernel } from './kernel'
import { scalarKernel } from './kernel'
import type { ToWorker } from './messages'

const port = parentPort
if (!port) throw new Error('engine-worker must run as a worker thread')

// The kernels run under the thread policy (thread-policy.ts): on this worker's own thread on a
// 2-core machine (measured there: nested kernel threads gained nothing steady for a 1024×1024 RGB
// image, 8 channels, 3×3, and they compete with the page's drawing in browser mode), on up to 4
// kernel threads for large passes where the machine has the cores. The fallbacks (relaxed-simd →
// simd → scalar) are createFastKernel's; a kernel that fails to load at all leaves core's scalar one.
const kernel: Promise<ConvKernel> = createPolicyKernel().catch(() => scalarKernel)
const host = kernel.then(
  (chosen) => new ComputeHost(chosen, (workerData as { control: Int32Array }).control, (message, transfer) => port.postMessage(message, transfer ?? [])),
)
port.on('message', (message: ToWorker) => void host.then((ready) => ready.receive(message)))
