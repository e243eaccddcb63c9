// The code of one kernel thread, as source text for `new Worker(source, { eval: true })`: it has
// no imports and no file of its own, so it runs the same from the TypeScript sources (tests),
// from electron-vite's CommonJS bundle and from the CLI without another build entry.
//
// Protocol (from the runner): { type: 'init', module, memory } once, then
// { type: 'run', id, calls: [{ kernel, args, target? }] } (copyPlanes: a copy out of the memory
// into target, an array over a SharedArrayBuffer, not a WebAssembly call); it answers { type: 'ready' },
// { type: 'done', id } or { type: 'failed', id, message }.

export const WORKER_SOURCE = `
'use strict'
const { parentPort } = require('node:worker_threads')
let kernels = null
let memory = null
// core/fast/plans.ts copyPlanes, on this thread's view of the memory
function copyPlanes(view, target, args) {
  const [from, pitch, planeStride, planes, height, width, to] = args
  if (pitch === width && planeStride === height * width) {
    target.set(view.subarray(from, from + planes * planeStride), to)
    return
  }
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < height; r++) {
      const start = from + p * planeStride + r * pitch
      target.set(view.subarray(start, start + width), to + (p * height + r) * width)
    }
  }
}
parentPort.on('message', (message) => {
  if (message.type === 'init') {
    memory = message.memory
    kernels = new WebAssembly.Instance(message.module, { env: { memory } }).exports
    parentPort.postMessage({ type: 'ready' })
  } else if (message.type === 'run') {
    try {
      let view = null
      for (const call of message.calls) {
        if (call.kernel === 'copyPlanes') copyPlanes((view = view || new Float64Array(memory.buffer)), call.target, call.args)
        else kernels[call.kernel](...call.args)
      }
      parentPort.postMessage({ type: 'done', id: message.id })
    } catch (error) {
      parentPort.postMessage({ type: 'failed', id: message.id, message: String((error && error.message) || error) })
    }
  }
})
`
