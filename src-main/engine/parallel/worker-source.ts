// The code of one kernel thread, as source text for `new Worker(source, { eval: true })`: it has
// no imports and no file of its own, so it runs the same from the TypeScript sources (tests),
// from electron-vite's CommonJS bundle and from the CLI without another build entry.
//
// Protocol (from the runner): { type: 'init', module, memory } once, then
// { type: 'run', id, calls: [{ kernel, args }] }; it answers { type: 'ready' },
// { type: 'done', id } or { type: 'failed', id, message }.

export const WORKER_SOURCE = `
'use strict'
const { parentPort } = require('node:worker_threads')
let kernels = null
parentPort.on('message', (message) => {
  if (message.type === 'init') {
    kernels = new WebAssembly.Instance(message.module, { env: { memory: message.memory } }).exports
    parentPort.postMessage({ type: 'ready' })
  } else if (message.type === 'run') {
    try {
      for (const call of message.calls) kernels[call.kernel](...call.args)
      parentPort.postMessage({ type: 'done', id: message.id })
    } catch (error) {
      parentPort.postMessage({ type: 'failed', id: message.id, message: String((error && error.message) || error) })
    }
  }
})
`
