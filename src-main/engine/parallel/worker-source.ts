// The code of one kernel thread, as source text for `new Worker(source, { eval: true })`: the
// text has no imports and no file of its own, so it runs the same from the TypeScript sources
// (tests), from electron-vite's CommonJS bundle and from the CLI without another build entry.
// Its two copy loops are core/fast/plans.ts's own functions, put in as their source text.
//
// Protocol (from the runner): { type: 'init', module, memory } once, then
// { type: 'run', id, phases: [[calls, …], …], sync } for one plan, where a part's calls are
// [{ kernel, args, target?, source? }] (copyPlanes and copyIn: copies out of the memory into
// target, or into it from source, arrays over a SharedArrayBuffer, not WebAssembly calls).
// Every thread gets the same phases (a plan's before, calls and after) and, phase by phase,
// takes the next part not taken (Atomics.add on the shared Int32Array sync, slot 2·k) until none
// is left: a thread slowed down by other work on its core takes fewer. Slot 2·k + 1 counts the
// parts of phase k done; a thread starts phase k + 1 once all of phase k are done (it waits on
// that slot), so phases need no message in between. Slot 2·phases is set when a thread fails,
// and wakes the others, which stop. It answers { type: 'ready' }, { type: 'done', id } or
// { type: 'failed', id, message }.

import { copyIn, copyPlanes } from '../../../core/fast/plans'

export const WORKER_SOURCE = `
'use strict'
const { parentPort } = require('node:worker_threads')
let kernels = null
let memory = null
// on this thread's view of the memory
const copyPlanes = ${copyPlanes}
const copyIn = ${copyIn}
parentPort.on('message', (message) => {
  if (message.type === 'init') {
    memory = message.memory
    kernels = new WebAssembly.Instance(message.module, { env: { memory } }).exports
    parentPort.postMessage({ type: 'ready' })
  } else if (message.type === 'run') {
    const { phases, sync } = message
    const stop = 2 * phases.length
    try {
      let view = null
      const run = (calls) => {
        for (const call of calls) {
          if (call.kernel === 'copyPlanes') copyPlanes((view = view || new Float64Array(memory.buffer)), call.target, call.args)
          else if (call.kernel === 'copyIn') copyIn((view = view || new Float64Array(memory.buffer)), call.source, call.args)
          else kernels[call.kernel](...call.args)
        }
      }
      for (let k = 0; k < phases.length; k++) {
        const parts = phases[k]
        for (let part = Atomics.add(sync, 2 * k, 1); part < parts.length; part = Atomics.add(sync, 2 * k, 1)) {
          if (Atomics.load(sync, stop) !== 0) throw new Error('another kernel thread failed')
          run(parts[part])
          if (Atomics.add(sync, 2 * k + 1, 1) + 1 === parts.length) Atomics.notify(sync, 2 * k + 1)
        }
        // the next phase reads what every part of this one wrote
        for (let done = Atomics.load(sync, 2 * k + 1); k + 1 < phases.length && done < parts.length; done = Atomics.load(sync, 2 * k + 1)) {
          if (Atomics.load(sync, stop) !== 0) throw new Error('another kernel thread failed')
          // woken by the thread that does the last part, or by one that fails (a failure just
          // after the check above is seen at the timeout)
          Atomics.wait(sync, 2 * k + 1, done, 50)
        }
      }
      parentPort.postMessage({ type: 'done', id: message.id })
    } catch (error) {
      // the threads waiting for this one's parts stop too
      Atomics.store(sync, stop, 1)
      for (let slot = 1; slot < stop; slot += 2) Atomics.notify(sync, slot)
      parentPort.postMessage({ type: 'failed', id: message.id, message: String((error && error.message) || error) })
    }
  }
})
`
