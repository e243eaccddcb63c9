// The compute side of the engine, as plain code: it runs in the worker thread (worker.ts) and,
// in tests, in the same thread. It holds the inputs by id, so a big input crosses once, and the
// exact tensors of the last result for probes.

import type { Tensor } from '../../core'
import { ConvolabError, gradcheck } from '../../core'
import type { ProbeRequest, Result } from '../../contract'
import { errorOf } from '../../contract'
import type { ExactTensors, SpareArrays } from './compute'
import type { Kept } from './kept-sums'
import { runCompute, Superseded, transferablesOf } from './compute'
import { consoleLogger, toEnvelope, type Logger } from './envelope'
import type { ConvKernel } from './kernel'
import type { FromWorker, ToWorker } from './messages'
import { CONTROL } from './messages'
import { checkGradients } from './gradient-check'
import { learnSteps } from './learn'
import { filteredTarget, resolveStoredTarget } from './filtered-target'
import { regionValues } from './region'
import { StackJobs } from './stack-host'

/** Inputs kept at once; the least recently used goes first. */
export const MAX_INPUTS = 16
/** Milliseconds between two progress events of a long task. */
const PROGRESS_INTERVAL = 50

export type Post = (message: FromWorker, transfer?: ArrayBuffer[]) => void

export class ComputeHost {
  private readonly inputs = new Map<string, Tensor>()
  private last: ExactTensors | null = null
  /** The result before the last: no probe reads it, so the next compute writes into its arrays. */
  private spare: SpareArrays = {}
  /** What a change of the bias alone leaves as it was: the sums Σ w·x, their maps, the gradients. */
  private readonly kept: Kept = { sums: null, gradients: null, weightGradients: null }
  private queue: Promise<void> = Promise.resolve()
  /** The lane of the compute running now (null: none): a newer one of the same lane stops it. */
  private computing: 'view' | 'animation' | null = null
  private readonly stacks: StackJobs

  constructor(
    private readonly kernel: ConvKernel,
    private readonly control: Int32Array,
    private readonly post: Post,
    private readonly log: Logger = consoleLogger,
  ) {
    this.stacks = new StackJobs(kernel, control, this.inputs)
  }

  /** Messages are handled one after the other, in arrival order. */
  receive(message: ToWorker): Promise<void> {
    // An asynchronous kernel leaves this thread free while it runs: a newer compute stops it now.
    const lane = message.op === 'compute' ? 'view' : message.op === 'computeStack' ? (message.request.lane ?? 'view') : null
    if (lane && this.computing === lane) this.kernel.cancel?.()
    this.queue = this.queue.then(() => this.handle(message))
    return this.queue
  }

  private async handle(message: ToWorker): Promise<void> {
    let transfer: ArrayBuffer[] = []
    let result: Result<unknown>
    let afterPost: (() => void) | null = null
    try {
      switch (message.op) {
        case 'setInput':
          this.remember(message.inputId, message.tensor)
          result = { ok: true, value: { inputId: message.inputId } }
          break
        case 'compute': {
          const isStale = (): boolean => Atomics.load(this.control, CONTROL.latestCompute) !== message.seq
          if (isStale()) {
            result = errorOf('cancelled', { requestId: message.request.requestId })
            break
          }
          const input = this.inputs.get(message.request.inputId)
          if (!input) throw new ConvolabError('unknown-input')
          this.remember(message.request.inputId, input)
          this.computing = 'view'
          const spare = this.spare
          // taken out while the run may write into it, so it is never handed out twice
          this.spare = {}
          const request = { ...message.request, gradOutput: resolveStoredTarget(message.request.gradOutput, this.inputs) }
          const { result: value, settle } = await runCompute(input, request, this.kernel, isStale, spare, this.kept)
            .catch((error: unknown) => {
              this.spare = spare
              throw error
            })
            .finally(() => {
              this.computing = null
            })
          // y is read back from the kernels' memory once the maps are on their way
          afterPost = () => {
            const next = settle()
            this.spare = unshared(this.last, next)
            this.last = next
          }
          result = { ok: true, value }
          transfer = transferablesOf(value)
          break
        }
        case 'probe':
          result = { ok: true, value: this.probe(message.request) }
          break
        case 'computeStack': {
          const input = this.inputs.get(message.request.inputId)
          if (input) this.remember(message.request.inputId, input)
          this.computing = message.request.lane ?? 'view'
          const stack = await this.stacks.compute(message.seq, message.request).finally(() => {
            this.computing = null
          })
          result = { ok: true, value: stack.value }
          transfer = stack.transfer
          break
        }
        case 'probeStack':
          result = { ok: true, value: this.stacks.probe(message.request) }
          break
        case 'gradcheck':
          result = { ok: true, value: this.gradcheck(message) }
          break
        case 'about':
          result = { ok: true, value: { kernel: this.kernel.name } }
          break
        case 'learn':
          result = { ok: true, value: await learnSteps(this.kernel, this.inputs, message.request) }
          break
        case 'filteredTarget': {
          const { answer, target } = await filteredTarget(this.kernel, this.inputs, message.targetId, message.request)
          this.remember(message.targetId, target)
          result = { ok: true, value: answer }
          break
        }
        case 'region':
          result = { ok: true, value: regionValues(this.lastFor(message.request.requestId, 'regionValues'), message.request) }
          break
        case 'inputCopy': {
          const input = this.inputs.get(message.inputId)
          if (!input) throw new ConvolabError('unknown-input')
          const data = input.data.slice()
          result = { ok: true, value: { shape: [...input.shape], data } }
          transfer = [data.buffer]
          break
        }
        case 'checkGradients': {
          const { generation, input, request } = message
          const progress = this.progress(() => Atomics.load(this.control, CONTROL.gradcheckGeneration) === generation)
          result = { ok: true, value: await checkGradients(this.kernel, input, request, progress) }
          break
        }
      }
    } catch (error) {
      const stopped = error instanceof Superseded || (error instanceof ConvolabError && error.code === 'cancelled')
      result = stopped ? errorOf('cancelled', requestIdOf(message)) : toEnvelope(error, this.log)
    }
    this.post({ id: message.id, result }, transfer)
    afterPost?.()
  }

  private remember(inputId: string, tensor: Tensor): void {
    this.inputs.delete(inputId)
    this.inputs.set(inputId, tensor)
    while (this.inputs.size > MAX_INPUTS) this.inputs.delete(this.inputs.keys().next().value as string)
  }

  /** The exact tensors of compute `requestId`, which must be the last one answered. */
  private lastFor(requestId: number, method: string): ExactTensors {
    const last = this.last
    if (!last || last.requestId !== requestId) {
      throw new ConvolabError('bad-request', {
        detail: `${method}: no result for request ${requestId} (the last is ${last ? last.requestId : 'none'})`,
      })
    }
    return last
  }

  /** Progress events of a long task at most every PROGRESS_INTERVAL ms; false once cancelled. */
  private progress(goOn: () => boolean): (done: number, total: number) => boolean {
    let lastProgress = 0
    return (done, total) => {
      const now = performance.now()
      if (done === total || now - lastProgress >= PROGRESS_INTERVAL) {
        lastProgress = now
        this.post({ event: { type: 'progress', task: 'gradcheck', done, total } })
      }
      return goOn()
    }
  }

  private probe(request: ProbeRequest): Float64Array {
    const last = this.lastFor(request.requestId, 'probe')
    const tensor = last[request.which]
    if (!tensor) throw new ConvolabError('bad-request', { detail: `probe: the last result has no ${request.which}` })
    const end = request.start + request.count
    if (end > tensor.data.length) {
      throw new ConvolabError('bad-request', {
        detail: `probe: values ${request.start}..${end - 1} are outside ${request.which} (${tensor.data.length} values)`,
      })
    }
    return tensor.data.slice(request.start, end)
  }

  private gradcheck(message: Extract<ToWorker, { op: 'gradcheck' }>) {
    const { request, generation } = message
    return gradcheck({ ...request, onSample: this.progress(() => Atomics.load(this.control, CONTROL.gradcheckGeneration) === generation) })
  }
}

/**
 * An earlier result's arrays, less those the next one still reads (a bias-only change keeps the
 * gradients' arrays): a compute must never write into a result a probe may read.
 */
function unshared(earlier: ExactTensors | null, next: ExactTensors): SpareArrays {
  if (!earlier) return {}
  const held = Object.values(next.arrays()).map((array) => array?.buffer)
  const free = (array: Float64Array | undefined) => (array && !held.includes(array.buffer) ? array : undefined)
  const { output, gradInput } = earlier.arrays()
  return { output: free(output), gradInput: free(gradInput) }
}

function requestIdOf(message: ToWorker): Record<string, number> {
  return message.op === 'compute' || message.op === 'computeStack' ? { requestId: message.request.requestId } : {}
}
