// `npm run bench:profile`: where the time of one interactive change goes in the engine, driven
// as the page drives it (tests/e2e/interactive.test.ts): a 1024×1024 RGB input, 8 output channels,
// 3×3 kernels, padding 1, maps asked for at the size they are shown (171 per side), a bias change
// (forward) and the same with all gradients (dE/dy = ones).
//
// Two views, medians of RUNS runs after a warm-up:
// - the pieces, timed one by one on this thread with the engine's own code: packing the tensors
//   into kernel memory, the WebAssembly calls, reading results back, the display maps, and the
//   socket's encoding of the result (the browser decodes the same bytes);
// - the whole request through the Engine with its real worker thread (the built
//   out/main/engine-worker.js), as computeMs (inside the worker) and as the invoke's wall time
//   (plus the hop between threads).

import { join } from 'node:path'
import { availableParallelism, cpus, loadavg } from 'node:os'
import type { ComputeRequest, ComputeResult, Result } from '../contract'
import { encodeMessage } from '../contract/wire'
import type { Tensor } from '../core'
import { convGeometry, filled } from '../core'
import { ensureMemory, kernelBinary, packPlan, planBackward, planForward, type PackedImage, type Plan } from '../core/fast'
import { enableRelaxedSimd } from '../src-main/engine/parallel'
import { toMapStack } from '../src-main/engine/map-stack'
import { Engine, nodeWorker } from '../src-main/engine/engine'

const RUNS = Number(process.env.PROFILE_RUNS ?? 15)
const SIDE = 1024
const MAX_SIDE = 171

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

function photo(): Tensor {
  const data = new Float64Array(3 * SIDE * SIDE)
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) data[(c * SIDE + y) * SIDE + x] = (((x * 7 + y * 13 + c * 29) % 256) + 0.5 * Math.sin(x / 9)) / 255
    }
  }
  return { shape: [1, 3, SIDE, SIDE], data }
}

const weight: Tensor = { shape: [8, 3, 3, 3], data: new Float64Array(8 * 27).map((_, k) => Math.sin(k)) }
const bias = (run: number): Tensor => ({ shape: [8], data: new Float64Array(8).fill(run * 1e-3) })
const options = { padding: 1 }

/** Times a function: the median of RUNS runs after two warm-ups. */
async function timed(run: (k: number) => unknown | Promise<unknown>): Promise<number> {
  const times: number[] = []
  for (let k = -2; k < RUNS; k++) {
    const start = performance.now()
    await run(k)
    if (k >= 0) times.push(performance.now() - start)
  }
  return median(times)
}

type Row = [string, number]

async function pieces(x: Tensor): Promise<{ forward: Row[]; backward: Row[] }> {
  enableRelaxedSimd()
  const module = await WebAssembly.compile(kernelBinary('relaxed-simd'))
  const memory = new WebAssembly.Memory({ initial: 1 })
  const exports = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as Record<string, (...args: number[]) => void>
  const geometry = convGeometry(x.shape, weight.shape, options, 8)
  let packed: PackedImage | null = null
  const stages = async <R>(make: () => Plan<R>): Promise<{ pack: number; kernel: number; unpack: number; result: R }> => {
    let result!: R
    const pack: number[] = []
    const kernel: number[] = []
    const unpack: number[] = []
    for (let k = -2; k < RUNS; k++) {
      const t0 = performance.now()
      const plan = make()
      ensureMemory(memory, plan.bytes)
      // as the engine runs them: its stored input stays packed in kernel memory between runs
      packed = packPlan(plan, memory.buffer, packed)
      const t1 = performance.now()
      for (const call of plan.calls(0)) exports[call.kernel](...call.args)
      const t2 = performance.now()
      result = plan.unpack(memory.buffer)
      const t3 = performance.now()
      if (k >= 0) {
        pack.push(t1 - t0)
        kernel.push(t2 - t1)
        unpack.push(t3 - t2)
      }
    }
    return { pack: median(pack), kernel: median(kernel), unpack: median(unpack), result }
  }
  const outputs = new Float64Array(8 * SIDE * SIDE)
  const fwd = await stages(() => planForward(x.data, weight.data, bias(1).data, geometry, 'f64', 1, { output: outputs }))
  const y: Tensor = { shape: [1, 8, SIDE, SIDE], data: fwd.result as Float64Array }
  const outputMaps = await timed(() => toMapStack(y, MAX_SIDE))
  const maps = toMapStack(y, MAX_SIDE)
  const encode = await timed(() => encodeMessage({ kind: 'result', id: 1, result: { ok: true, value: { output: maps } } }))

  const ones = filled([1, 8, SIDE, SIDE], 1)
  const gradInput = new Float64Array(x.data.length)
  const bwd = await stages(() => planBackward(x.data, weight.data, ones.data, geometry, 'f64', { input: true, weight: true, bias: true }, 1, { gradInput }))
  const dx: Tensor = { shape: x.shape, data: bwd.result.gradInput as Float64Array }
  const gradMaps = await timed(() => toMapStack(dx, MAX_SIDE))
  const onesMaps = await timed(() => toMapStack(ones, MAX_SIDE))
  const all = { output: maps, gradInput: toMapStack(dx, MAX_SIDE), gradOutput: toMapStack(ones, MAX_SIDE) }
  const encodeAll = await timed(() => encodeMessage({ kind: 'result', id: 1, result: { ok: true, value: all } }))
  return {
    forward: [
      ['pack w, b (x stays packed from the last run)', fwd.pack],
      ['forward kernel (wasm)', fwd.kernel],
      ['read y back (copy)', fwd.unpack],
      ['maps of y (171², ranges)', outputMaps],
      ['socket encoding of the maps', encode],
    ],
    backward: [
      ['pack dE/dy (spread), wᵀ (x packed already)', bwd.pack],
      ['grad-weight + grad-input kernels (wasm)', bwd.kernel],
      ['fold dE/dx back, dE/db sums', bwd.unpack],
      ['maps of dE/dx', gradMaps],
      ['maps of dE/dy (cached in the engine)', onesMaps],
      ['socket encoding of all maps', encodeAll],
    ],
  }
}

async function throughEngine(x: Tensor, gradients: boolean): Promise<{ compute: number; wall: number; kernel: string }> {
  const worker = join(process.env.CONVOLAB_ROOT ?? process.cwd(), 'out/main/engine-worker.js')
  const engine = new Engine({ host: 'browser', spawn: (control) => nodeWorker(worker, control) })
  const stored = await engine.invoke('setInput', { shape: [...x.shape], data: x.data.slice() })
  if (!stored.ok) throw new Error(stored.message)
  const compute: number[] = []
  const wall: number[] = []
  let kernel = ''
  for (let k = -2; k < RUNS; k++) {
    const request: ComputeRequest = {
      requestId: k + 10,
      inputId: stored.value.inputId,
      weight: { shape: [...weight.shape], data: weight.data },
      bias: { shape: [8], data: bias(k + 10).data },
      options,
      display: { maxSide: MAX_SIDE },
      ...(gradients ? { gradOutput: { kind: 'ones' as const } } : {}),
    }
    const start = performance.now()
    const result: Result<ComputeResult> = await engine.invoke('compute', request)
    const took = performance.now() - start
    if (!result.ok) throw new Error(result.message)
    kernel = result.value.kernel
    if (k >= 0) {
      compute.push(result.value.timings.computeMs)
      wall.push(took)
    }
  }
  engine.close()
  return { compute: median(compute), wall: median(wall), kernel }
}

function table(title: string, rows: Row[], engine: { compute: number; wall: number }): string {
  const sum = rows.reduce((total, [, ms]) => total + ms, 0)
  const lines = [`${title}`, ...rows.map(([name, ms]) => `  ${name.padEnd(44)} ${ms.toFixed(1).padStart(7)} ms`)]
  lines.push(`  ${'sum of the pieces'.padEnd(44)} ${sum.toFixed(1).padStart(7)} ms`)
  lines.push(`  ${'engine computeMs (worker thread)'.padEnd(44)} ${engine.compute.toFixed(1).padStart(7)} ms`)
  lines.push(`  ${'engine invoke, wall (+ hop between threads)'.padEnd(44)} ${engine.wall.toFixed(1).padStart(7)} ms`)
  return lines.join('\n')
}

const x = photo()
const load = loadavg().map((v) => v.toFixed(2)).join(' ')
console.log(`Engine profile: ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, load ${load}, Node ${process.version}, medians of ${RUNS}`)
const parts = await pieces(x)
const forward = await throughEngine(x, false)
const backward = await throughEngine(x, true)
console.log(`kernel path: ${forward.kernel}`)
console.log(table('bias change → maps (forward)', parts.forward, forward))
console.log(table('forward + all gradients (dE/dy = ones): the backward part', parts.backward, backward))
