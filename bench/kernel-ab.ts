// `npm run bench -- --kernels [--direct] [--before OLD_GENERATED_KERNELS.ts] [--shapes VGG1,S5] [--threads 1,2]`:
// kernel-only GFLOP/s of the Conv2d float64 kernels (forward, grad-input, grad-weight) on the
// benchmark's shapes and the VGG block's layers, without packing or copies: each plan is packed
// once, then only its kernel calls are timed, on 1 or 2 worker threads over one shared memory
// (the runner's split by output rows). With --before, the kernels of an older build (its
// core/wasm/generated/kernels.ts) run on the same packed memory, timed in turns with these, and
// their results are compared bit for bit (a reordering of loops must not change a single sum);
// a build from before the Winograd kernels lacks them: --before then fails on the 3 × 3 stride-1 shapes they run.
// With --direct, this build's direct kernels come first, as the baseline of its Winograd ones
// (plans with method 'direct'; each packed before its turn, results compared within 1e-12).

import { readFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { Worker } from 'node:worker_threads'
import { convGeometry, multiplyAdds, normalTensor, seededSource } from '../core'
import type { ConvGeometry } from '../core'
import type { ConvMethod, KernelCall, Plan } from '../core/fast'
import { ensureMemory, kernelBinary, planBackward, planForward } from '../core/fast'
import { WORKER_SOURCE } from '../src-main/engine/parallel/worker-source'
import { SHAPES } from './shapes'
import type { BenchShape } from './shapes'

/** The VGG block's two kinds of layer (issue 13) beside the benchmark's shapes. */
const VGG_LAYERS: BenchShape[] = [
  { name: 'VGG1', input: [1, 3, 512, 512], weight: [16, 3, 3, 3], options: { padding: 1 } },
  { name: 'VGG2', input: [1, 16, 512, 512], weight: [16, 16, 3, 3], options: { padding: 1 } },
]

type Op = 'forward' | 'grad-input' | 'grad-weight'
const OPS: Op[] = ['forward', 'grad-input', 'grad-weight']

function option(args: string[], name: string): string | undefined {
  const at = args.indexOf(name)
  return at >= 0 ? args[at + 1] : undefined
}

/** The relaxed-SIMD shared-memory binary embedded in a generated kernels.ts. */
function binaryOf(generatedFile: string): Uint8Array<ArrayBuffer> {
  const match = /export const relaxedSimdShared = '([^']+)'/.exec(readFileSync(generatedFile, 'utf8'))
  if (!match) throw new Error(`no relaxedSimdShared binary in ${generatedFile}`)
  return new Uint8Array(Buffer.from(match[1], 'base64'))
}

class Thread {
  private worker: Worker
  private waiting: ((value: unknown) => void) | null = null
  readonly ready: Promise<unknown>

  constructor(module: WebAssembly.Module, memory: WebAssembly.Memory) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true })
    this.ready = new Promise((resolve) => (this.waiting = resolve))
    this.worker.on('message', (message: { type: string; message?: string }) => {
      if (message.type === 'failed') throw new Error(message.message)
      const resolve = this.waiting
      this.waiting = null
      resolve?.(message)
    })
    this.worker.postMessage({ type: 'init', module, memory })
  }

  /** Runs these calls (one phase of one part, its own: each thread is given its part here). */
  run(calls: KernelCall[]): Promise<unknown> {
    return new Promise((resolve) => {
      this.waiting = resolve
      this.worker.postMessage({ type: 'run', id: 1, phases: [[calls]], sync: new Int32Array(new SharedArrayBuffer(12)) })
    })
  }

  stop(): Promise<number> {
    return this.worker.terminate()
  }
}

interface Variant {
  name: string
  threads: Thread[]
  method: ConvMethod
}

function makePlan(shape: BenchShape, op: Op, parts: number, method: ConvMethod): { plan: Plan<unknown>; geometry: ConvGeometry } {
  const random = seededSource(7)
  const geometry = convGeometry(shape.input, shape.weight, shape.options, shape.weight[0])
  const x = normalTensor(shape.input, random).data
  const w = normalTensor(shape.weight, random).data
  const b = normalTensor([shape.weight[0]], random).data
  const gy = normalTensor([geometry.batch, geometry.outChannels, geometry.outH, geometry.outW], random).data
  if (op === 'forward') return { plan: planForward(x, w, b, geometry, 'f64', parts, {}, 0, method), geometry }
  const wants = op === 'grad-input' ? { input: true, weight: false, bias: false } : { input: false, weight: true, bias: false }
  return { plan: planBackward(x, w, gy, geometry, 'f64', wants, parts, {}, 0, method), geometry }
}

/** CPU milliseconds of this process, every thread: what other processes' load does not inflate. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

/** One run's wall-clock and CPU milliseconds. */
async function timeOnce(variant: Variant, plan: Plan<unknown>, memory: WebAssembly.Memory, op: Op): Promise<[number, number]> {
  // grad-weight adds into its partial sums: start each run from zero so results compare
  if (op === 'grad-weight') plan.pack(memory.buffer, true)
  const start = performance.now()
  const cpu = cpuNow()
  await Promise.all(variant.threads.map((thread, part) => thread.run(plan.calls(part))))
  return [performance.now() - start, cpuNow() - cpu]
}

/** The one float64 result of a kernel-only plan: y, dE/dx or dE/dw. */
function resultOf(result: unknown): Float64Array {
  if (result instanceof Float64Array) return result
  const grads = result as { gradInput: Float64Array | null; gradWeight: Float64Array | null }
  return (grads.gradInput ?? grads.gradWeight)!
}

/** The largest |a − b| relative to the largest |b|. */
function worstRelative(a: Float64Array, b: Float64Array): number {
  let scale = 0
  let worst = 0
  for (let k = 0; k < b.length; k++) scale = Math.max(scale, Math.abs(b[k]))
  for (let k = 0; k < b.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]))
  return a.length === b.length ? worst / scale : Infinity
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]

export async function kernelBench(args: string[]): Promise<void> {
  const wanted = option(args, '--shapes')?.toUpperCase().split(',')
  const threadCounts = (option(args, '--threads') ?? '1,2').split(',').map(Number)
  const rounds = Number(option(args, '--rounds') ?? 5)
  const ops = OPS.filter((op) => (option(args, '--ops') ?? OPS.join(',')).split(',').includes(op))
  const before = option(args, '--before')
  const shapes = [...VGG_LAYERS, ...SHAPES].filter((s) => !wanted || wanted.includes(s.name))
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true })
  const current = await WebAssembly.compile(kernelBinary('relaxed-simd', true))
  const modules: Array<[string, WebAssembly.Module]> = [['this', current]]
  // --before a.ts or --before name=a.ts,name2=b.ts: older builds, the first one the baseline
  for (const [index, entry] of (before ? before.split(',') : []).entries()) {
    const [name, file] = entry.includes('=') ? entry.split('=') : [index === 0 ? 'before' : `before${index + 1}`, entry]
    modules.splice(index, 0, [name, await WebAssembly.compile(binaryOf(file))])
  }
  if (args.includes('--direct')) modules.unshift(['direct', current])
  console.log(
    `kernel-only float64 (relaxed SIMD), medians of ${rounds} turns; load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  console.log('wall = wall-clock ms, GF/s = GFLOP/s by wall clock, cpu = CPU ms of all threads (other processes do not inflate it)')
  const head = modules.map(([name]) => `${`${name} wall`.padStart(12)} ${'GF/s'.padStart(6)} ${'cpu'.padStart(8)}`).join('  ')
  console.log(`shape  op           threads ${head}${modules.length > 1 ? '  speed-up over the first (wall, cpu) per later build' : ''}`)
  for (const threads of threadCounts) {
    const variants: Variant[] = modules.map(([name, module]) => ({
      name,
      threads: Array.from({ length: threads }, () => new Thread(module, memory)),
      method: name === 'direct' ? 'direct' : 'auto',
    }))
    await Promise.all(variants.flatMap((v) => v.threads.map((t) => t.ready)))
    for (const shape of shapes) {
      for (const op of ops) {
        const plans = variants.map((variant) => makePlan(shape, op, threads, variant.method))
        const { geometry } = plans[0]
        const flops = 2 * multiplyAdds(geometry)
        const times: number[][] = variants.map(() => [])
        const cpus: number[][] = variants.map(() => [])
        const results: Uint8Array[] = []
        const values: Float64Array[] = []
        let packed: Plan<unknown> | null = null
        for (let round = -1; round < rounds; round++) {
          for (const [index, variant] of variants.entries()) {
            const { plan } = plans[index]
            if (plan !== packed) {
              ensureMemory(memory, plan.bytes)
              plan.pack(memory.buffer)
              packed = plan
            }
            const [ms, cpu] = await timeOnce(variant, plan, memory, op)
            if (round >= 0) times[index].push(ms)
            if (round >= 0) cpus[index].push(cpu)
            else {
              results.push(new Uint8Array(memory.buffer.slice(plan.imageEnd, plan.bytes)))
              values.push(resultOf(plan.unpack(memory.buffer)))
            }
          }
        }
        // the same kernels on the same layout: the same bytes; direct and Winograd: within 1e-12
        const same = variants.every((variant, i) =>
          variant.method === variants[0].method
            ? results[i].length === results[0].length && results[i].every((byte, k) => byte === results[0][k])
            : worstRelative(values[i], values[0]) <= 1e-12,
        )
        const medians = times.map(median)
        const cpuMedians = cpus.map(median)
        const cells = medians.map(
          (ms, i) => `${ms.toFixed(2).padStart(12)} ${(flops / ms / 1e6).toFixed(2).padStart(6)} ${cpuMedians[i].toFixed(1).padStart(8)}`,
        )
        const ratio = medians
          .slice(1)
          .map((ms, i) => `  ${(medians[0] / ms).toFixed(2).padStart(5)}× ${(cpuMedians[0] / cpuMedians[i + 1]).toFixed(2).padStart(5)}×`)
          .join('')
        const differ = same ? '' : '  RESULTS DIFFER'
        console.log(`${shape.name.padEnd(6)} ${op.padEnd(12)} ${String(threads).padStart(7)} ${cells.join('  ')}${ratio}${differ}`)
      }
    }
    await Promise.all(variants.flatMap((v) => v.threads.map((t) => t.stop())))
  }
  console.log(
    `load ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
}
