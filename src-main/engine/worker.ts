// Entry of the compute worker thread (built to out/main/engine-worker.js).
// The kernel is chosen here: the one place a faster implementation is plugged in.

import { parentPort, workerData } from 'node:worker_threads'
import { ComputeHost } from './compute-host'
import { scalarKernel } from './kernel'
import type { ToWorker } from './messages'

const port = parentPort
if (!port) throw new Error('engine-worker must run as a worker thread')

const host = new ComputeHost(scalarKernel, (workerData as { control: Int32Array }).control, (message, transfer) =>
  port.postMessage(message, transfer ?? []),
)
port.on('message', (message: ToWorker) => void host.receive(message))
