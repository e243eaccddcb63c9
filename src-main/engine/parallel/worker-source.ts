// The code of one kernel thread, as source text for `new Worker(source, { eval: true })`: it has
// no imports and no file of its own, so it runs the same from the TypeScript sources (tests),
// from electron-vite's CommonJS bundle and from the CLI without another build entry.
//
// Protocol (from the runner): { type: 'init', module, memory } once, then
// { type: 'run', id, calls: [{ kernel, args, target?, source? }] } (copyPlanes and copyIn: copies
// out of the memory into target, or into it from source, arrays over a SharedArrayBuffer, not
// WebAssembly calls), or { type: 'run', id, parts: [calls, …], next } where every thread gets the
// same parts and takes the next one not taken (Atomics.add on the shared Int32Array next) until
// none is left: a thread slowed down by other work on its core takes fewer. It answers
// { type: 'ready' }, { type: 'done', id } or { type: 'failed', id, message }.

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
// core/fast/plans.ts copyIn, likewise
function copyIn(view, source, args) {
  const [to, pitch, planeStride, planes, height, width, from] = args
  for (let p = 0; p < planes; p++) {
    for (let r = 0; r < height; r++) {
      const start = from + (p * height + r) * width
      view.set(source.subarray(start, start + width), to + p * planeStride + r * pitch)
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
      const run = (calls) => {
        for (const call of calls) {
          if (call.kernel === 'copyPlanes') copyPlanes((view = view || new Float64Array(memory.buffer)), call.target, call.args)
          else if (call.kernel === 'copyIn') copyIn((view = view || new Float64Array(memory.buffer)), call.source, call.args)
          else kernels[call.kernel](...call.args)
        }
      }
      if (message.parts) {
        for (let part = Atomics.add(message.next, 0, 1); part < message.parts.length; part = Atomics.add(message.next, 0, 1)) run(message.parts[part])
      } else run(message.calls)
      parentPort.postMessage({ type: 'done', id: message.id })
    } catch (error) {
      parentPort.postMessage({ type: 'failed', id: message.id, message: String((error && error.message) || error) })
    }
  }
})
`
