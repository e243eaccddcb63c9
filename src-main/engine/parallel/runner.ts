// Runs the fast kernels on worker threads that share one WebAssembly memory: the calling thread
// packs the tensors into it, each thread computes its share of output rows (see core/fast/plans),
// and the calling thread reads the results. Runs are queued one at a time; cancel() ends the
// one in progress at once by terminating the threads (fresh ones start for the next run).

import { Worker } from 'node:worker_threads'
import type { ConvGeometry } from '../../../core'
import { ConvolabError } from '../../../core'
import type {
  Dtype,
  FastGradients,
  FastKernels,
  FloatArray,
  KernelCall,
  GradientRequest,
  KernelArrays,
  KernelKind,
  BackwardMapped,
  ForwardMapped,
  PackedImage,
  Plan,
  ResultTargets,
} from '../../../core/fast'
import {
  backwardMappable,
  BlockArena,
  detectKernelKind,
  ensureMemory,
  kernelBinary,
  MAXIMUM_KERNEL_BYTES,
  packPlan,
  planBackward,
  planBackwardMapped,
  planForward,
  planForwardMapped,
  scalarKernels,
} from '../../../core/fast'
import { WORKER_SOURCE } from './worker-source'

export interface ParallelRunnerOptions {
  /** Worker threads that share the work (default 2). */
  threads?: number
  /** Fastest kernel kind to try (default relaxed-simd, then simd, then scalar). */
  prefer?: KernelKind
  /** Most bytes of kernel memory a stack's tensors take (default half of it, 2 GiB; see KernelArrays). */
  arrayBytes?: number
}

export interface ParallelRunner {
  readonly kind: KernelKind
  readonly threads: number
  forward(x: Float64Array, weight: Float64Array, bias: Float64Array | null, geometry: ConvGeometry, dtype: Dtype, into?: ResultTargets): Promise<FloatArray>
  backward(
    x: Float64Array,
    weight: Float64Array,
    gradOutput: Float64Array,
    geometry: ConvGeometry,
    dtype: Dtype,
    wants?: GradientRequest,
    into?: ResultTargets,
  ): Promise<FastGradients>
  /** A stack's Conv2d with its maps and a ReLU beside it, on the kernel threads (core/fast/mapped-plans.ts). */
  forwardMapped?: ForwardMapped
  backwardMapped?: BackwardMapped
  /**
   * The arrays the mapped passes were given may change from now on: the next run packs its
   * input again (a stack calls it before each request, whose arrays may take new values).
   * Resolves once no thread writes into those arrays any more (threads ended by cancel() have
   * exited).
   */
  forget?(): Promise<void>
  /** Abandons the run in progress and the queued ones: they reject with ConvolabError 'cancelled'. */
  cancel(): void
  /** Ends the threads; later calls reject. */
  close(): Promise<void>
  /** Threads started and not yet exited (diagnostics, and the leak test). */
  liveThreads(): number
}

/** Largest shared memory: the whole 32-bit address space of the kernels (4 GiB), in 64 KiB pages. */
const MAXIMUM_PAGES = MAXIMUM_KERNEL_BYTES / 65536

/** Most of it a stack's tensors take (see KernelArrays): the rest stays for the runs' own buffers. */
const ARRAY_BYTES = MAXIMUM_KERNEL_BYTES / 2

/**
 * Parts of a run per thread. The threads take parts as they finish the last one, so a thread
 * slowed down by other work on its core (the engine's own thread making maps, the page, the
 * system) takes fewer instead of keeping the others waiting: with one part a thread, the slower
 * of two took 5-11 ms longer per pass of the VGG block, and a whole request took 30-45 ms longer
 * at the median (18 requests each, interleaved). Since the phases of a plan run from one message
 * (runPhases), a thread that ends its last part early waits for the other at the phase's end:
 * 8 parts a thread against 4 took the VGG block's request from 238.7, 258.1 and 271.3 ms to
 * 226.5, 245.6 and 245.6 (medians of blocks of 6 requests, interleaved, three runs); 16 measured
 * the same as 8.
 */
const PARTS_PER_THREAD = 8

/**
 * Every thread runs the phases of a plan (before, calls, after), each phase's parts as it takes
 * them, the next phase once all parts of the last are done (see worker-source.ts): one message
 * a thread for the whole plan. Resolves when all are done. Against a message a phase (the
 * threads idle while this thread hears that a phase is done and sends the next), the VGG block's
 * request took 10-17 ms less CPU and 0-27 ms less wall time (medians of blocks of 6 requests,
 * interleaved, in four runs).
 */
function runPhases(workers: KernelThread[], phases: KernelCall[][][]): Promise<unknown> {
  const lists = phases.map((parts) => parts.filter((calls) => calls.length > 0)).filter((parts) => parts.length > 0)
  if (lists.length === 0) return Promise.resolve()
  const sync = new Int32Array(new SharedArrayBuffer(4 * (2 * lists.length + 1)))
  return Promise.all(workers.map((worker) => worker.run(lists, sync)))
}

interface Pending {
  resolve: () => void
  reject: (error: Error) => void
}

class KernelThread {
  readonly worker: Worker
  readonly ready: Promise<void>
  private pending = new Map<number, Pending>()
  private nextId = 1
  private failure: Error | null = null
  exited = false

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true })
    this.worker.once('exit', () => (this.exited = true))
    this.worker.unref()
    let started: Pending = { resolve: () => {}, reject: () => {} }
    this.ready = new Promise<void>((resolve, reject) => (started = { resolve, reject }))
    this.ready.catch(() => undefined) // a thread ended before use is reported by run()
    this.worker.on('message', (message: { type: string; id?: number; message?: string }) => {
      if (message.type === 'ready') return started.resolve()
      const waiting = this.pending.get(message.id ?? -1)
      if (!waiting) return
      this.pending.delete(message.id!)
      if (this.pending.size === 0) this.worker.unref()
      if (message.type === 'done') waiting.resolve()
      else waiting.reject(new Error(`kernel thread failed: ${message.message}`))
    })
    const fail = (error: Error) => {
      this.failure ??= error
      started.reject(error)
      for (const waiting of this.pending.values()) waiting.reject(error)
      this.pending.clear()
    }
    this.worker.on('error', fail)
    this.worker.on('exit', (code) => fail(new Error(`kernel thread exited (code ${code})`)))
    this.worker.postMessage({ type: 'init', module, memory })
  }

  /** Runs the parts not taken yet by the threads sharing `sync`, phase by phase (see worker-source.ts). */
  run(phases: unknown[][][], sync: Int32Array): Promise<void> {
    if (this.failure) return Promise.reject(this.failure)
    const id = this.nextId++
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.ref() // keep the process alive while the thread computes; unref'd when idle
      this.worker.postMessage({ type: 'run', id, phases, sync })
    })
  }

  terminate(reason: Error): Promise<number> {
    this.failure ??= reason
    for (const waiting of this.pending.values()) waiting.reject(reason)
    this.pending.clear()
    return this.worker.terminate()
  }
}

export async function createParallelRunner(options: ParallelRunnerOptions = {}): Promise<ParallelRunner> {
  const threads = Math.max(1, Math.floor(options.threads ?? 2))
  const kind = detectKernelKind({ prefer: options.prefer, shared: true })
  if (kind === 'scalar') return sameThread(scalarKernels(), 1)

  const module = await WebAssembly.compile(kernelBinary(kind, true))
  const memory = new WebAssembly.Memory({ initial: 1, maximum: MAXIMUM_PAGES, shared: true })
  let pool: KernelThread[] | null = null
  const started = new Set<KernelThread>()
  let queue: Promise<unknown> = Promise.resolve()
  let generation = 0
  let closed = false
  // threads ended by cancel() may still be writing to the memory for a moment: the next run
  // waits for them to have exited before it packs anything
  let stopped: Promise<unknown> = Promise.resolve()

  const startPool = (): KernelThread[] => {
    pool ??= Array.from({ length: threads }, () => new KernelThread(module, memory))
    pool.forEach((thread) => started.add(thread))
    return pool
  }

  // the padded input kept in the shared memory between runs (see ResultTargets.stableInput)
  let packed: PackedImage | null = null

  // a stack's tensors live at the bottom of the memory, where the kernels write them in place
  // (see KernelArrays); a block is given back once its array is collected, and every run's
  // buffers start past the blocks in use. Blocks are taken only while a plan is made, so a
  // thread stopped by cancel() has exited before a block it wrote into is taken again.
  const arena = new BlockArena()
  const arrayBytes = options.arrayBytes ?? ARRAY_BYTES
  const addresses = new WeakMap<Float64Array, number>()
  const collected = new FinalizationRegistry<{ at: number; bytes: number }>(({ at, bytes }) => arena.release(at, bytes))
  const arrays: KernelArrays = {
    addressOf: (array) => (array && addresses.get(array)) ?? null,
    take(length) {
      const bytes = length * 8
      const at = arena.take(bytes)
      // within the first half of the memory (the runs' buffers keep the rest), else the caller
      // makes an array of its own, copied out
      if (arena.end <= arrayBytes) {
        try {
          ensureMemory(memory, arena.end)
          const array = new Float64Array(memory.buffer, at, length)
          addresses.set(array, at)
          collected.register(array, { at, bytes })
          return array
        } catch {
          // the system refused the memory: the same
        }
      }
      arena.release(at, bytes)
      return null
    },
    get from() {
      return arena.end
    },
  }

  function enqueue<R>(makePlan: () => Plan<R>, stable = false): Promise<R> {
    if (closed) return Promise.reject(new ConvolabError('cancelled'))
    const mine = generation
    const result = queue.then(async () => {
      await stopped
      if (mine !== generation || closed) throw new ConvolabError('cancelled')
      const plan = makePlan()
      ensureMemory(memory, plan.bytes)
      const image = packPlan(plan, memory.buffer, stable ? packed : null)
      // what memory holds once this run is done; until then (a thread may fail or be stopped
      // half-way through packing) nothing counts as packed
      packed = null
      const workers = startPool()
      try {
        await Promise.all(workers.map((worker) => worker.ready))
        const phase = (callsOf: ((part: number) => KernelCall[]) | undefined) =>
          callsOf ? Array.from({ length: plan.parts }, (_, part) => callsOf.call(plan, part)) : []
        await runPhases(workers, [phase(plan.before), phase(plan.calls), phase(plan.after)])
      } catch (error) {
        if (mine !== generation || closed) throw new ConvolabError('cancelled')
        throw error
      }
      if (mine !== generation) throw new ConvolabError('cancelled')
      // a plan that leaves the next run's input has written it over its own
      packed = plan.leaves ?? (stable ? image : null)
      return plan.unpack(memory.buffer)
    })
    queue = result.catch(() => undefined)
    return result
  }

  const parts = threads * PARTS_PER_THREAD
  return {
    kind,
    threads,
    forward: (x, weight, bias, geometry, dtype, into) =>
      enqueue(() => planForward(x, weight, bias, geometry, dtype, parts, { ...into, from: arrays.from }), into?.stableInput),
    backward: (x, weight, gradOutput, geometry, dtype, wants, into) =>
      enqueue(() => planBackward(x, weight, gradOutput, geometry, dtype, wants, parts, { ...into, from: arrays.from }), into?.stableInput),
    // a stack's passes: x is a tensor of this stack that no one changes until forget()
    forwardMapped: (x, weight, bias, geometry, maxSide, relu, into, next) =>
      enqueue(() => planForwardMapped(x, weight, bias, geometry, parts, maxSide, relu, into, next, arrays), true),
    backwardMapped: (x, weight, gradOutput, geometry, wants, maxSide, relu, into) =>
      backwardMappable(geometry, wants)
        ? enqueue(() => planBackwardMapped(x, weight, gradOutput, geometry, wants, parts, maxSide, relu, into, arrays), true)
        : null,
    forget() {
      // after the queued runs, and after threads ended by cancel() have exited (they may still be
      // copying into the caller's arrays for a moment): the next run packs everything
      const done = queue
        .then(() => stopped)
        .then(() => {
          packed = null
        })
      queue = done.catch(() => undefined)
      return done.catch(() => undefined)
    },
    cancel() {
      packed = null
      generation++
      const stopping = pool ?? []
      pool = null
      stopped = Promise.all([stopped, ...stopping.map((worker) => worker.terminate(new ConvolabError('cancelled')))])
    },
    async close() {
      closed = true
      generation++
      const stopping = pool
      pool = null
      await Promise.all((stopping ?? []).map((worker) => worker.terminate(new ConvolabError('cancelled'))))
    },
    liveThreads() {
      for (const thread of started) if (thread.exited) started.delete(thread)
      return started.size
    },
  }
}

/** The same interface over kernels on the calling thread (no SIMD or no shared memory here). */
function sameThread(kernels: FastKernels, threads: number): ParallelRunner {
  return {
    kind: kernels.kind,
    threads,
    forward: async (...args) => kernels.forward(...args),
    backward: async (...args) => kernels.backward(...args),
    cancel() {},
    async close() {},
    liveThreads: () => 0,
  }
}
