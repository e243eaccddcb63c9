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
import { ensureMemory, kernelBinary, mapsLayout, packPlan, planBackward, planForward, readMaps, type PackedImage, type Plan } from '../core/fast'
import { enableRelaxedSimd } from '../src-main/engine/parallel'
import { toMapStack } from '../src-main/engine/map-stack'
import { Engine, nodeWorker } from '../src-main/engine/engine'
import { encodeFrames, FrameAssembler } from '../contract/wire-parts'
import { WebSocket, WebSocketServer } from 'ws'

const RUNS = Number(process.env.PROFILE_RUNS ?? 15)
const SIDE = 1024
const MAX_SIDE = 171

/**
 * CPU milliseconds of this process (every thread): on a shared, loaded machine the pieces are
 * timed by the CPU they use, which other processes do not inflate; the engine's totals are wall
 * clock (what the user waits).
 */
const cpuNow = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}

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
    const start = cpuNow()
    await run(k)
    if (k >= 0) times.push(cpuNow() - start)
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
  const stages = async <R>(
    make: () => Plan<R>,
    between?: (plan: Plan<R>) => void,
    keepSpread = false,
  ): Promise<{ pack: number; kernel: number; between: number; unpack: number; result: R }> => {
    let result!: R
    const pack: number[] = []
    const kernel: number[] = []
    const middle: number[] = []
    const unpack: number[] = []
    for (let k = -2; k < RUNS; k++) {
      const t0 = cpuNow()
      const plan = make()
      ensureMemory(memory, plan.bytes + 8 * 2 ** 20)
      // as the engine runs them: its stored input stays packed in kernel memory between runs,
      // and so does the spread dE/dy of the remembered 'ones' (backward scratch past the forward's)
      if (keepSpread && k > -2) plan.pack(memory.buffer, true, true)
      else packed = packPlan(plan, memory.buffer, packed)
      const t1 = cpuNow()
      for (const call of plan.calls(0)) exports[call.kernel](...call.args)
      const t2 = cpuNow()
      between?.(plan)
      const t3 = cpuNow()
      result = plan.unpack(memory.buffer)
      const t4 = cpuNow()
      if (k >= 0) {
        pack.push(t1 - t0)
        kernel.push(t2 - t1)
        middle.push(t3 - t2)
        unpack.push(t4 - t3)
      }
    }
    return { pack: median(pack), kernel: median(kernel), between: median(middle), unpack: median(unpack), result }
  }
  const outputs = new Float64Array(8 * SIDE * SIDE)
  const fwd = await stages(
    () => planForward(x.data, weight.data, bias(1).data, geometry, 'f64', 1, { output: outputs }),
    (plan) => {
      // the engine's path: maps made in kernel memory before y is read back
      const at = (plan as ReturnType<typeof planForward>).outputAt
      const layout = mapsLayout(8, SIDE, SIDE, MAX_SIDE, plan.bytes)
      exports.planeMaps_f64(at, 8, SIDE, SIDE, SIDE, SIDE * SIDE, layout.factor, layout.out, layout.sums, layout.ranges)
      readMaps(memory.buffer, layout, new Float64Array(memory.buffer), at / 8)
    },
  )
  const y: Tensor = { shape: [1, 8, SIDE, SIDE], data: fwd.result as Float64Array }
  const outputMaps = await timed(() => toMapStack(y, MAX_SIDE))
  const maps = toMapStack(y, MAX_SIDE)
  const encode = await timed(() => encodeMessage({ kind: 'result', id: 1, result: { ok: true, value: { output: maps } } }))

  const ones = filled([1, 8, SIDE, SIDE], 1)
  const gradInput = new Float64Array(x.data.length)
  const forwardEnd = mapsLayout(8, SIDE, SIDE, MAX_SIDE, planForward(x.data, weight.data, null, geometry, 'f64').bytes).bytes
  const bwd = await stages(
    () => planBackward(x.data, weight.data, ones.data, geometry, 'f64', { input: true, weight: true, bias: true }, 1, { gradInput }, forwardEnd),
    undefined,
    true,
  )
  const dx: Tensor = { shape: x.shape, data: bwd.result.gradInput as Float64Array }
  const gradMaps = await timed(() => toMapStack(dx, MAX_SIDE))
  const onesMaps = await timed(() => toMapStack(ones, MAX_SIDE))
  const all = { output: maps, gradInput: toMapStack(dx, MAX_SIDE), gradOutput: toMapStack(ones, MAX_SIDE) }
  const encodeAll = await timed(() => encodeMessage({ kind: 'result', id: 1, result: { ok: true, value: all } }))
  const loopback = await socketLoopback({ kind: 'result', id: 1, result: { ok: true, value: all } })
  return {
    forward: [
      ['pack w, b (x stays packed from the last run)', fwd.pack],
      ['forward kernel (wasm)', fwd.kernel],
      ['maps of y in kernel memory (wasm, 171², ranges)', fwd.between],
      ['read y back (copy)', fwd.unpack],
      ['(before: maps of y in TypeScript, not summed)', -outputMaps],
      ['socket encoding of the maps', encode],
    ],
    backward: [
      ['pack wᵀ (x and the spread dE/dy = ones kept)', bwd.pack],
      ['grad-weight + grad-input kernels (wasm)', bwd.kernel],
      ['fold dE/dx back, dE/db sums', bwd.unpack],
      ['maps of dE/dx', gradMaps],
      ['(maps of dE/dy: cached in the engine, not summed)', -onesMaps],
      ['socket encoding of all maps', encodeAll],
      [`WebSocket on this machine (${(loopback.bytes / 2 ** 20).toFixed(1)} MB, wall, decoded)`, loopback.ms],
    ],
  }
}

/**
 * The answer through a WebSocket on this machine, as the browser mode sends it (ws, frames of
 * contract/wire-parts.ts), until it is decoded on the other end: wall clock, medians of RUNS.
 * The browser's receiving side differs; this is the share of the socket itself.
 */
async function socketLoopback(message: unknown): Promise<{ ms: number; bytes: number }> {
  const server = new WebSocketServer({ port: 0 })
  await new Promise((resolve) => server.once('listening', resolve))
  const port = (server.address() as { port: number }).port
  const sender = new Promise<import('ws').WebSocket>((resolve) => server.once('connection', resolve))
  const client = new WebSocket(`ws://127.0.0.1:${port}`)
  await new Promise((resolve) => client.once('open', resolve))
  const socket = await sender
  const assembler = new FrameAssembler()
  const times: number[] = []
  let bytes = 0
  for (let k = -2; k < RUNS; k++) {
    const start = performance.now()
    const arrived = new Promise<void>((resolve) => {
      client.on('message', function listen(data: Buffer) {
        if (assembler.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) === undefined) return
        client.off('message', listen)
        resolve()
      })
    })
    const frames = encodeFrames(message, k + 2)
    bytes = frames.reduce((sum, frame) => sum + frame.length, 0)
    for (const frame of frames) socket.send(frame)
    await arrived
    if (k >= 0) times.push(performance.now() - start)
  }
  client.close()
  server.close()
  return { ms: median(times), bytes }
}

interface EngineTimes {
  compute: number
  wall: number
  /** CPU ms of the whole process (all threads) per change: what load on the machine does not inflate. */
  cpu: number
  kernel: string
}

/**
 * The same changes through each engine build (name → its engine-worker.js), one engine after the
 * other for every change, so that a loaded machine slows them alike and their ratio holds.
 */
async function throughEngines(
  x: Tensor,
  gradients: boolean,
  workers: Record<string, string>,
  change: 'bias' | 'weight' = 'bias',
): Promise<Record<string, EngineTimes>> {
  const runs = await Promise.all(
    Object.entries(workers).map(async ([name, file]) => {
      const engine = new Engine({ host: 'browser', spawn: (control) => nodeWorker(file, control) })
      const stored = await engine.invoke('setInput', { shape: [...x.shape], data: x.data.slice() })
      if (!stored.ok) throw new Error(stored.message)
      return { name, engine, inputId: stored.value.inputId, compute: [] as number[], wall: [] as number[], cpu: [] as number[], kernel: '' }
    }),
  )
  for (let k = -2; k < RUNS; k++) {
    for (const run of runs) {
      const request: ComputeRequest = {
        requestId: k + 10,
        inputId: run.inputId,
        // a weight change moves one kernel cell (as typing in it does); a bias change, the bias
        weight: { shape: [...weight.shape], data: change === 'weight' ? weight.data.map((v, i) => (i === 13 ? v + (k + 10) * 1e-3 : v)) : weight.data },
        bias: { shape: [8], data: bias(change === 'weight' ? 1 : k + 10).data },
        options,
        display: { maxSide: MAX_SIDE },
        ...(gradients ? { gradOutput: { kind: 'ones' as const } } : {}),
      }
      const cpuStart = cpuNow()
      const start = performance.now()
      const result: Result<ComputeResult> = await run.engine.invoke('compute', request)
      const took = performance.now() - start
      if (!result.ok) throw new Error(result.message)
      run.kernel = result.value.kernel
      // as between two changes typed by hand: the engine finishes what it does after answering
      await new Promise((resolve) => setTimeout(resolve, 30))
      if (k >= 0) {
        run.compute.push(result.value.timings.computeMs)
        run.wall.push(took)
        run.cpu.push(cpuNow() - cpuStart)
      }
    }
  }
  for (const run of runs) run.engine.close()
  return Object.fromEntries(runs.map((run) => [run.name, { compute: median(run.compute), wall: median(run.wall), cpu: median(run.cpu), kernel: run.kernel }]))
}

function table(title: string, rows: Row[], engines: Record<string, EngineTimes>): string {
  // a negative entry is shown for comparison and left out of the sum
  const sum = rows.reduce((total, [, ms]) => total + Math.max(0, ms), 0)
  const lines = [`${title}`, ...rows.map(([name, ms]) => `  ${name.padEnd(48)} ${Math.abs(ms).toFixed(1).padStart(7)} ms`)]
  lines.push(`  ${'sum of the pieces'.padEnd(48)} ${sum.toFixed(1).padStart(7)} ms`)
  const names = Object.keys(engines)
  for (const name of names) {
    const engine = engines[name]
    lines.push(`  ${`engine ${name}: computeMs (worker thread)`.padEnd(48)} ${engine.compute.toFixed(1).padStart(7)} ms`)
    lines.push(`  ${`engine ${name}: invoke, wall`.padEnd(48)} ${engine.wall.toFixed(1).padStart(7)} ms`)
    lines.push(`  ${`engine ${name}: CPU of all threads per change`.padEnd(48)} ${engine.cpu.toFixed(1).padStart(7)} ms`)
  }
  if (names.length === 2) {
    const [a, b] = names.map((name) => engines[name])
    lines.push(`  ${`${names[1]} / ${names[0]}: wall, CPU`.padEnd(48)} ${(b.wall / a.wall).toFixed(2).padStart(7)}×, ${(b.cpu / a.cpu).toFixed(2)}×`)
  }
  return lines.join('\n')
}

const x = photo()
const load = loadavg()
  .map((v) => v.toFixed(2))
  .join(' ')
console.log(`Engine profile: ${cpus()[0]?.model ?? 'cpu'}, ${availableParallelism()} cores, load ${load}, Node ${process.version}, medians of ${RUNS}`)
const parts = await pieces(x)
console.log('pieces: CPU time of this thread; engine rows: wall clock')
// `-- --compare NAME=path/to/engine-worker.js`: another build's engine beside this one
const root = process.env.CONVOLAB_ROOT ?? process.cwd()
const workers: Record<string, string> = {}
const compare = process.argv.indexOf('--compare')
if (compare > 0) {
  const [name, file] = process.argv[compare + 1].split('=')
  workers[name] = file
}
workers.this = join(root, 'out/main/engine-worker.js')
const forward = await throughEngines(x, false, workers)
const backward = await throughEngines(x, true, workers)
const weightForward = await throughEngines(x, false, workers, 'weight')
const weightBackward = await throughEngines(x, true, workers, 'weight')
console.log(`kernel path: ${forward.this.kernel}`)
console.log(table('bias change → maps (forward)', parts.forward, forward))
console.log(table('forward + all gradients (dE/dy = ones): the backward part', parts.backward, backward))
console.log(table('weight change (one kernel cell) → maps (forward)', [], weightForward))
console.log(table('weight change with all gradients (dE/dy = ones)', [], weightBackward))
