// The engine as the transports see it: validate a request, run it off the event loop, answer
// with a Result. Plain Node (no Electron), so Electron IPC, the browser socket and tests share it.
//
// Compute runs in one worker thread; a newer compute supersedes every older one (the worker
// skips or stops stale work through shared memory, and stale requests answer 'cancelled').
// Gradient checks run in a second worker so they never hold up the interactive maps.

import { randomUUID } from 'node:crypto'
import { Worker } from 'node:worker_threads'
import type { Tensor } from '../../core'
import { encodeNpy } from '../../core/npy'
import type {
  AboutInfo,
  EngineEvent,
  ExportRequest,
  MethodName,
  RequestOf,
  ResponseOf,
  Result,
} from '../../contract'
import { parseRequest } from '../../contract/schemas'
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
import type { FromWorker, ToWorker } from './messages'
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
/** A message to the worker before its id is given. */
type Job = ToWorker extends infer T ? (T extends ToWorker ? Omit<T, 'id'> : never) : never

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

  run(job: Job, transfer: ArrayBuffer[] = []): Promise<Result<unknown>> {
    const worker = this.ensure()
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      worker.postMessage({ ...job, id } as ToWorker, transfer)
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
      const { method: name, request } = parseRequest(method, payload)
      return await this.dispatch(name, request)
    } catch (error) {
      return toEnvelope(error, this.log)
    }
  }

  /** Typed entry for callers in main and for tests; validated like every other request. */
  invoke<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>> {
    return this.handle(method, request) as Promise<Result<ResponseOf<M>>>
  }

  close(): void {
    this.compute.close()
    this.checks.close()
    this.listeners.clear()
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event)
  }

  private async dispatch(method: MethodName, request: unknown): Promise<Result<unknown>> {
    switch (method) {
      case 'setInput':
        return this.storeInput(request as Tensor)
      case 'decodeImage': {
        const r = request as RequestOf<'decodeImage'>
        const image = await decodeImage(r.bytes, { name: r.name, grayscale: r.grayscale, maxSide: r.maxSide })
        const stored = await this.storeInput(image.tensor, false)
        if (!stored.ok) return stored
        const { inputId } = stored.value as { inputId: string }
        return {
          ok: true,
          value: {
            inputId,
            tensor: image.tensor,
            originalWidth: image.originalWidth,
            originalHeight: image.originalHeight,
            resized: image.resized,
            notices: image.notices,
          },
        }
      }
      case 'readTensorFile': {
        const r = request as RequestOf<'readTensorFile'>
        const { tensor, notices } = readTensorFile(r.bytes, r.name)
        return { ok: true, value: { shape: [...tensor.shape], data: tensor.data, notices } }
      }
      case 'compute': {
        // Arrival order decides what is newest, so a renderer that reloads and counts from 0 again still works.
        const seq = ++this.arrivals
        Atomics.store(this.compute.control, CONTROL.latestCompute, seq)
        return this.compute.run({ op: 'compute', seq, request: request as RequestOf<'compute'> })
      }
      case 'probe':
        return this.compute.run({ op: 'probe', request: request as RequestOf<'probe'> })
      case 'gradcheck': {
        const generation = Atomics.load(this.checks.control, CONTROL.gradcheckGeneration)
        return this.checks.run({ op: 'gradcheck', generation, request: request as RequestOf<'gradcheck'> })
      }
      case 'learnStep':
        return this.compute.run({ op: 'learn', request: request as RequestOf<'learnStep'> })
      case 'encodeTensor':
        return { ok: true, value: encodeTensor(request as ExportRequest) }
      case 'cancel':
        if (request === 'gradcheck') Atomics.add(this.checks.control, CONTROL.gradcheckGeneration, 1)
        else Atomics.store(this.compute.control, CONTROL.latestCompute, ++this.arrivals)
        return { ok: true, value: undefined }
      case 'about':
        return this.about()
      default:
        return { ok: true, value: await this.dispatchDocument(method, request) }
    }
  }

  /** The session, autosave and settings methods (src-main/storage/documents.ts). */
  private async dispatchDocument(method: MethodName, request: unknown): Promise<unknown> {
    const documents = this.documents
    const storage = this.options.storage
    if (!documents || !storage) throw new ConvolabError('no-data-folder')
    switch (method) {
      case 'saveSession':
        return documents.saveSession(request as RequestOf<'saveSession'>)
      case 'openSession':
        return documents.openSession(request as RequestOf<'openSession'>)
      case 'autosave':
        return documents.autosave(request as RequestOf<'autosave'>)
      case 'recovery':
        return documents.recovery()
      case 'discardRecovery':
        return storage.discardRecovery()
      case 'getSettings':
        return storage.getSettings()
      case 'setSettings':
        return documents.setSettings(request as RequestOf<'setSettings'>)
      case 'recentFiles':
        return storage.recentFiles()
      case 'addRecentFile':
        return documents.addRecentFile(request as string)
      case 'setDocumentState':
        return documents.setDocumentState(request as RequestOf<'setDocumentState'>)
      default:
        throw new ConvolabError('bad-request', { detail: `unknown method ${method}` })
    }
  }

  private async storeInput(tensor: Tensor, transfer = true): Promise<Result<{ inputId: string }>> {
    const inputId = randomUUID()
    const payload = { shape: [...tensor.shape], data: tensor.data }
    // The worker keeps the input; move its buffer unless the caller still needs it.
    const buffers = transfer && payload.data.byteLength === payload.data.buffer.byteLength ? [payload.data.buffer as ArrayBuffer] : []
    if (!transfer) payload.data = payload.data.slice()
    return (await this.compute.run({ op: 'setInput', inputId, tensor: payload }, buffers)) as Result<{ inputId: string }>
  }

  private async about(): Promise<Result<AboutInfo>> {
    const answer = await this.compute.run({ op: 'about' })
    if (!answer.ok) return answer
    const versions: Record<string, string> = {}
    for (const [name, value] of Object.entries(process.versions)) {
      if (['node', 'v8', 'electron', 'chrome', 'vips'].includes(name) && value) versions[name] = value
    }
    return {
      ok: true,
      value: { version, host: this.options.host, kernel: (answer.value as { kernel: string }).kernel, versions },
    }
  }
}

/** .npy as np.save writes it, or CSV: one row per line of the last axis, shape in a comment. */
export function encodeTensor(request: ExportRequest): Uint8Array {
  const { tensor } = request
  if (request.format === 'npy') return encodeNpy(tensor)
  const columns = tensor.shape[tensor.shape.length - 1]
  const lines = [`# shape (${tensor.shape.join(', ')})`]
  const format = (v: number): string => (Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : String(v))
  for (let start = 0; start < tensor.data.length; start += columns) {
    lines.push(Array.from(tensor.data.subarray(start, start + columns), format).join(','))
  }
  return new TextEncoder().encode(lines.join('\n') + '\n')
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
