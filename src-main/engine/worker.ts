// Entry of the compute worker thread (built to out/main/engine-worker.js).
// The kernel is chosen here: the one place a faster implementation is plugged in. It may be
// created asynchronously (WebAssembly); messages wait for it, in order.

import { parentPort, workerData } from 'node:worker_threads'
import { ComputeHost } from './compute-host'
import type { ConvKernel } from './kernel'
import { scalarKernel } from './kernel'
import type { ToWorker } from './messages'

const port = parentPort
if (!port) throw new Error('engine-worker must run as a worker thread')

const kernel: Promise<ConvKernel> = Promise.resolve(scalarKernel)
const host = kernel.then(
  (chosen) =>
    new ComputeHost(chosen, (workerData as { control: Int32Array }).control, (message, transfer) =>
      port.postMessage(message, transfer ?? []),
    ),
)
port.on('message', (message: ToWorker) => void host.then((ready) => ready.receive(message)))
