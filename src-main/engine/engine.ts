// The engine as the transports see it: validate a request, run it off the event loop, answer
// with a Result. Plain Node (no Electron), so Electron IPC, the browser socket and tests share it.
//
// Compute runs in one worker thread; a newer compute supersedes every older one (the worker
// skips or stops stale work through shared memory, and stale requests answer 'cancelled').
// Gradient checks run in a second worker so they never hold up the interactive maps.

import { randomUUID } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import type { Tensor } from '../../core'
import type { AboutInfo, EngineEvent, Handlers, MethodName, RequestOf, ResponseOf, Result } from '../../contract'
import { dispatch, ok } from '../../contract'
import { methodName, parseRequest } from '../../contract/schemas'
import { decodeImage } from '../image-io'
import { readTensorFile } from '../tensor-files'
import { Documents, type DocumentShell } from '../storage/documents'
import type { Storage } from '../storage/storage'
import { ConvolabError } from '../../core/errors'
import { builtPaths } from '../built-paths'
import { version } from '../../package.json'
import { ComputeHost } from './compute-host'
import { consoleLogger, toEnvelope, type Logger } from './envelope'
import type { ConvKernel } from './kernel'
import { scalarKernel } from './kernel'
import type { AnswerOf, FromWorker, Job, JobOf, Op, ToWorker } from './messages'
import { CONTROL, createControl } from './messages'

/** What the engine needs of a worker thread (a real Worker, or the same-thread stand-in). */
export interface WorkerLike {
  postMessage(message: ToWorker, transfer?: ArrayBuffer[]): void
  onMessage(listener: (message: FromWorker) => void): void
  /** Called when the thread dies; pending requests then fail and the next request respawns it. */
  onExit(listener: (reason: string) => void): void
  terminate(): void
}

export type SpawnWorker = (control: Int32Array) => WorkerLike

export interface EngineOptions {
  host: 'electron' | 'browser'
  /** How to start a worker; defaults to the built engine-worker.js beside this bundle. */
  spawn?: SpawnWorker
  log?: Logger
  /** The process's data folder (settings, recent files, autosave); without it those methods are refused. */
  storage?: Storage
  /** Native dialogs and the window's title (Electron); browser mode has none. */
  shell?: DocumentShell
}

type Pending = (result: Result<unknown>) => void

/** One worker and the requests waiting for its answers. */
class WorkerSlot {
  private worker: WorkerLike | null = null
  private readonly pending = new Map<number, Pending>()
  private nextId = 1

  constructor(
    private readonly spawn: SpawnWorker,
    readonly control: Int32Array,
    private readonly onEvent: (event: EngineEvent) => void,
  ) {}

  run<O extends Op>(job: JobOf<O> & Job, transfer: ArrayBuffer[] = []): Promise<Result<AnswerOf<O>>> {
    const worker = this.ensure()
    const id = this.nextId++
    const message: ToWorker = { ...job, id }
    return new Promise((resolve) => {
      // the worker answers each job with its op's value (compute-host.ts); the thread boundary
      // carries no types
      this.pending.set(id, resolve as Pending)
      worker.postMessage(message, transfer)
    })
  }

  private ensure(): WorkerLike {
    if (this.worker) return this.worker
    const worker = this.spawn(this.control)
    worker.onMessage((message) => {
      if (message.id === undefined) return this.onEvent(message.event)
      const resolve = this.pending.get(message.id)
      this.pending.delete(message.id)
      resolve?.(message.result)
    })
    worker.onExit((reason) => {
      if (this.worker === worker) this.worker = null
      const failed = toEnvelope(new Error(`the compute worker stopped (${reason})`), () => {})
      for (const resolve of this.pending.values()) resolve(failed)
      this.pending.clear()
    })
    this.worker = worker
    return worker
  }

  close(): void {
    this.worker?.terminate()
    this.worker = null
  }
}

export class Engine {
  private readonly compute: WorkerSlot
  private readonly checks: WorkerSlot
  private readonly listeners = new Set<(event: EngineEvent) => void>()
  private readonly log: Logger
  private readonly documents: Documents | null
  private arrivals = 0
  /** Arrivals of the 'animation' lane's stacks (see StackComputeRequest.lane). */
  private animationArrivals = 0

  constructor(private readonly options: EngineOptions) {
    this.log = options.log ?? consoleLogger
    const spawn = options.spawn ?? ((control: Int32Array) => spawnBuiltWorker(control, this.log))
    const emit = (event: EngineEvent): void => this.emit(event)
    this.compute = new WorkerSlot(spawn, createControl(), emit)
    this.checks = new WorkerSlot(spawn, createControl(), emit)
    this.documents = options.storage ? new Documents(options.storage, options.shell ?? null) : null
  }

  /** Progress and other events for the renderer. Returns a function that unsubscribes. */
  onEvent(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Validates and runs one request from a transport; never throws. */
  async handle(method: unknown, payload: unknown): Promise<Result<unknown>> {
    try {
      return await this.call(methodName(method), payload)
    } catch (error) {
      return toEnvelope(error, this.log)
    }
  }

  /** Typed entry for callers in main and for tests; validated like every other request. */
  async invoke<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>> {
    try {
      return await this.call(method, request)
    } catch (error) {
      return toEnvelope(error, this.log)
    }
  }

  close(): void {
    this.compute.close()
    this.checks.close()
    this.documents?.close()
    this.listeners.clear()
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  private call<M extends MethodName>(method: M, payload: unknown): Promise<Result<ResponseOf<M>>> {
    return dispatch(this.handlers, method, parseRequest(method, payload))
  }

  /** One handler per method of the contract. */
  private readonly handlers: Handlers = {
    setInput: (tensor) => this.storeInput(tensor),
    decodeImage: async (r) => {
      const image = await decodeImage(r.bytes, { name: r.name, grayscale: r.grayscale, maxSide: r.maxSide })
      const stored = await this.storeInput(image.tensor, false)
      if (!stored.ok) return stored
      const { tensor, originalWidth, originalHeight, resized, notices } = image
      return ok({ inputId: stored.value.inputId, tensor: { shape: [...tensor.shape], data: tensor.data }, originalWidth, originalHeight, resized, notices })
    },
    readTensorFile: async (r) => {
      const { tensor, notices } = readTensorFile(r.bytes, r.name)
      return ok({ shape: [...tensor.shape], data: tensor.data, notices })
    },
    compute: (request) => {
      // Arrival order decides what is newest, so a renderer that reloads and counts from 0 again still works.
      const seq = ++this.arrivals
      Atomics.store(this.compute.control, CONTROL.latestCompute, seq)
      return this.compute.run<'compute'>({ op: 'compute', seq, request })
    },
    probe: (request) => this.compute.run<'probe'>({ op: 'probe', request }),
    gradcheck: (request) => {
      const generation = Atomics.load(this.checks.control, CONTROL.gradcheckGeneration)
      return this.checks.run<'gradcheck'>({ op: 'gradcheck', generation, request })
    },
    checkGradients: async (request) => {
      const generation = Atomics.load(this.checks.control, CONTROL.gradcheckGeneration)
      // the check runs in the checks worker, on its own copy of the input, so computes go on
      const input = await this.compute.run<'inputCopy'>({ op: 'inputCopy', inputId: request.inputId })
      if (!input.ok) return input
      // A target the compute worker keeps (the preset one) goes along as a copy too.
      let checked = request
      if (request.gradOutput.kind === 'mse-stored') {
        const target = await this.compute.run<'inputCopy'>({ op: 'inputCopy', inputId: request.gradOutput.targetId })
        if (!target.ok) return target
        checked = { ...request, gradOutput: { kind: 'mse', target: target.value } }
      }
      return this.checks.run<'checkGradients'>({ op: 'checkGradients', generation, input: input.value, request: checked }, [
        input.value.data.buffer as ArrayBuffer,
      ])
    },
    regionValues: (request) => this.compute.run<'region'>({ op: 'region', request }),
    learnStep: (request) => this.compute.run<'learn'>({ op: 'learn', request }),
    filteredTarget: (request) => this.compute.run<'filteredTarget'>({ op: 'filteredTarget', targetId: randomUUID(), request }),
    cancel: async (what) => {
      if (what === 'gradcheck') Atomics.add(this.checks.control, CONTROL.gradcheckGeneration, 1)
      else Atomics.store(this.compute.control, CONTROL.latestCompute, ++this.arrivals)
      return ok(undefined)
    },
    about: () => this.about(),
    // Stacks and the layer family, in the compute worker: a stack and a compute supersede each other.
    computeStack: (request) => {
      // the stage's animation computes go in their own lane: the maps' computes and they never cancel each other
      const animation = request.lane === 'animation'
      const seq = animation ? ++this.animationArrivals : ++this.arrivals
      Atomics.store(this.compute.control, animation ? CONTROL.latestAnimation : CONTROL.latestCompute, seq)
      return this.compute.run<'computeStack'>({ op: 'computeStack', seq, request })
    },
    probeStack: (request) => this.compute.run<'probeStack'>({ op: 'probeStack', request }),
    // Sessions, autosave and settings (src-main/storage/documents.ts).
    sessionChunk: (request) => this.withDocuments((documents) => documents.sessionChunk(request)),
    saveSession: (request) => this.withDocuments((documents) => documents.saveSession(request)),
    openSession: (request) => this.withDocuments((documents) => documents.openSession(request)),
    autosave: (request) => this.withDocuments((documents) => documents.autosave(request)),
    recovery: () => this.withDocuments((documents) => documents.recovery()),
    discardRecovery: () => this.withDocuments((_, storage) => storage.discardRecovery()),
    getSettings: () => this.withDocuments((_, storage) => storage.getSettings()),
    setSettings: (patch) => this.withDocuments((documents) => documents.setSettings(patch)),
    recentFiles: () => this.withDocuments((_, storage) => storage.recentFiles()),
    addRecentFile: (path) => this.withDocuments((documents) => documents.addRecentFile(path)),
    setDocumentState: (state) => this.withDocuments((documents) => documents.setDocumentState(state)),
  }

  /** The data folder's methods need one; an engine without it refuses them. */
  private async withDocuments<T>(use: (documents: Documents, storage: Storage) => T | Promise<T>): Promise<Result<T>> {
    const documents = this.documents
    const storage = this.options.storage
    if (!documents || !storage) throw new ConvolabError('no-data-folder')
    return ok(await use(documents, storage))
  }

  private async storeInput(tensor: Tensor, transfer = true): Promise<Result<{ inputId: string }>> {
    const inputId = randomUUID()
    const payload = { shape: [...tensor.shape], data: tensor.data }
    // The worker keeps the input; move its buffer unless the caller still needs it.
    const buffers = transfer && payload.data.byteLength === payload.data.buffer.byteLength ? [payload.data.buffer as ArrayBuffer] : []
    if (!transfer) payload.data = payload.data.slice()
    return this.compute.run<'setInput'>({ op: 'setInput', inputId, tensor: payload }, buffers)
  }

  private async about(): Promise<Result<AboutInfo>> {
    const answer = await this.compute.run<'about'>({ op: 'about' })
    if (!answer.ok) return answer
    const versions: Record<string, string> = {}
    for (const [name, value] of Object.entries(process.versions)) {
      if (['node', 'v8', 'electron', 'chrome', 'vips'].includes(name) && value) versions[name] = value
    }
    return ok({ version, host: this.options.host, kernel: answer.value.kernel, versions })
  }
}

/** The built worker beside the main bundle (out/main/engine-worker.js). */
export function spawnBuiltWorker(control: Int32Array, log?: Logger): WorkerLike {
  return nodeWorker(builtPaths.worker(), control, log)
}

/**
 * A worker thread running `file`. With a log, the thread's uncaught errors, its unexpected exits
 * and what it writes to stderr (its own error messages) are logged too; stderr still reaches
 * this process's stderr.
 */
export function nodeWorker(file: string, control: Int32Array, log?: Logger): WorkerLike {
  const worker = new Worker(file, { workerData: { control }, stderr: !!log })
  let stopped = false
  if (log) {
    worker.on('error', (error) => log('the compute worker stopped on an uncaught error', error))
    worker.on('exit', (code) => !stopped && code !== 0 && log(`the compute worker exited with code ${code}`))
    worker.stderr.setEncoding('utf8')
    // One console.error in the thread arrives as one chunk: one entry, its stack included.
    worker.stderr.on('data', (text: string) => {
      process.stderr.write(text)
      if (text.trim()) log(`compute worker: ${text.trimEnd()}`)
    })
  }
  return {
    postMessage: (message, transfer) => worker.postMessage(message, transfer ?? []),
    onMessage: (listener) => worker.on('message', listener),
    onExit: (listener) => {
      worker.on('error', (error) => listener(error.message))
      worker.on('exit', (code) => listener(`exit code ${code}`))
    },
    terminate: () => {
      stopped = true
      void worker.terminate()
    },
  }
}

/** The compute side in this same thread, answering asynchronously like a worker: for tests. */
export function sameThreadWorker(kernel: ConvKernel = scalarKernel, log: Logger = consoleLogger): SpawnWorker {
  return (control) => {
    let listener: (message: FromWorker) => void = () => {}
    const host = new ComputeHost(kernel, control, (message) => setImmediate(() => listener(message)), log)
    return {
      postMessage: (message) => setImmediate(() => void host.receive(message)),
      onMessage: (l) => {
        listener = l
      },
      onExit: () => {},
      terminate: () => {},
    }
  }
}
