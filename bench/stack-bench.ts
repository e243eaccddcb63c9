// The stack row of `npm run bench`: the VGG-block preset (three conv 3×3 with 16 channels,
// padding 1, ReLU between) on a 512×512 RGB input, forward and every gradient (dE/dx and each
// conv's dE/dw, dE/db) through core's stack on the fast kernels, float64, on one thread and with
// the Conv2d layers on the engine's two-thread runner, and as the app runs it: computeStack
// through the Engine and its worker thread (maps of every layer, exact dE/dw, dE/db); with
// PyTorch float64 (one thread, nn.Sequential) beside it (bench/torch_stack_bench.py).

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { StackComputeRequest, WireLayer } from '../contract'
import type { Layer } from '../core'
import { normalTensor, planStack, seededSource, stackBackward, stackBackwardAsync, stackForward, stackForwardAsync, stackPreset } from '../core'
import { createFastKernels } from '../core/fast'
import { createParallelRunner } from '../src-main/engine/parallel'
import { Engine, nodeWorker } from '../src-main/engine/engine'

export const STACK_BENCH = {
  name: 'VGG',
  preset: 'vgg-block' as const,
  input: [1, 3, 512, 512] as [number, number, number, number],
  /** The budget for forward + all gradients, median. */
  targetMs: 300,
  /**
   * Display maps asked of the engine: at most 128 per side (what the page's stack view asks,
   * frames/stack-scene.ts STACK_MAP_SIDE), 256 (larger thumbnails), and full size (every value of
   * every map sent as float32).
   */
  maxSides: [128, 256, 512],
}

export interface StackRow {
  impl: string
  /** Engine rows: the median computeMs the worker reports (the rest of the wall time is the hop between threads). */
  compute_ms?: number
  kernels: string
  op: 'forward' | 'forward+gradients' | 'unit dE/dx, kept fwd'
  threads: number
  median_ms: number
  /** Median CPU time of the whole process (all its threads): what the load of other processes inflates least. */
  cpu_ms: number
  runs: number
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** One warm-up, then 7 runs (at least 3, stopping after about 4 s): the median. */
async function time(run: () => unknown): Promise<{ median: number; cpu: number; runs: number }> {
  await run()
  const times: number[] = []
  const cpu: number[] = []
  const end = performance.now() + 4000
  while (times.length < 7 && (times.length < 3 || performance.now() < end)) {
    const start = performance.now()
    const startCpu = process.cpuUsage()
    await run()
    const used = process.cpuUsage(startCpu)
    times.push(performance.now() - start)
    cpu.push((used.user + used.system) / 1000)
  }
  return { median: median(times), cpu: median(cpu), runs: times.length }
}

/** Measures our stack in this process (the caller runs it in a child with relaxed SIMD). */
export async function measureStack(): Promise<StackRow[]> {
  const layers: Layer[] = stackPreset(STACK_BENCH.preset, STACK_BENCH.input[1], 2026)
  const source = seededSource(2026)
  const x = normalTensor(STACK_BENCH.input, source)
  const plan = planStack(layers, x.shape)
  const gradOutput = normalTensor(plan.plans[plan.plans.length - 1].outputShape, source)
  const kernels = await createFastKernels()
  const forward = await time(() => stackForward(layers, x, kernels))
  const both = await time(() => {
    const result = stackForward(layers, x, kernels)
    stackBackward(layers, result, { kind: 'output', gradOutput }, kernels)
  })
  // the engine's two-thread runner for the Conv2d layers (src-main/engine/parallel)
  const runner = await createParallelRunner({ threads: 2 })
  const run = { conv: runner, kernels }
  const forward2 = await time(() => stackForwardAsync(layers, x, run))
  const both2 = await time(async () => {
    const result = await stackForwardAsync(layers, x, run)
    await stackBackwardAsync(layers, result, { kind: 'output', gradOutput }, run)
  })
  await runner.close()
  kernels.release()
  const engine = await measureEngine(layers, x)
  const row = (op: StackRow['op'], threads: number, measured: { median: number; cpu: number; runs: number }): StackRow => ({
    impl: 'convolab-stack',
    kernels: threads === 1 ? kernels.kind : runner.kind,
    op,
    threads,
    median_ms: measured.median,
    cpu_ms: measured.cpu,
    runs: measured.runs,
  })
  return [row('forward', 1, forward), row('forward+gradients', 1, both), row('forward', 2, forward2), row('forward+gradients', 2, both2), ...engine]
}

/**
 * computeStack through the Engine and its real worker thread (bench/run.mjs builds
 * engine-worker.mjs beside this bundle), as the page asks it: the maps of every layer's output
 * and dE/dy and of dE/dx, the exact dE/dw and dE/db, from a random dE/dy (seeded).
 */
async function measureEngine(layers: Layer[], x: { shape: readonly number[]; data: Float64Array }): Promise<StackRow[]> {
  const file = join(dirname(process.argv[1]), 'engine-worker.mjs')
  if (!existsSync(file)) return []
  const engine = new Engine({ host: 'browser', spawn: (control) => nodeWorker(file, control) })
  try {
    // two stored copies of x, used in turn: the engine takes the last forward pass again for the
    // same input and layers, and each timed run must compute it
    const inputIds: string[] = []
    for (let copy = 0; copy < 2; copy++) {
      const stored = await engine.invoke('setInput', { shape: [...x.shape], data: x.data.slice() })
      if (!stored.ok) throw new Error(stored.message)
      inputIds.push(stored.value.inputId)
    }
    const wire = layers as WireLayer[]
    const last = layers.length - 1
    let requestId = 0
    const rows: StackRow[] = []
    const ops = ['forward', 'forward+gradients', 'unit dE/dx, kept fwd'] as const
    for (const [maxSide, op] of STACK_BENCH.maxSides.flatMap((side) => ops.map((op) => [side, op] as const))) {
      const computeMs: number[] = []
      let kernel = ''
      const request = (): StackComputeRequest => {
        const id = ++requestId
        // a hovered unit of the last layer: the forward pass of the last request is used again
        const unit = op === 'unit dE/dx, kept fwd'
        const gradient =
          op === 'forward'
            ? undefined
            : unit
              ? { kind: 'unit' as const, layer: last, unit: [0, id % 16, 200 + (id % 100), 300] as [number, number, number, number] }
              : { kind: 'output' as const, gradOutput: { kind: 'random' as const, seed: 2026 } }
        return { requestId: id, inputId: inputIds[unit ? 0 : id % 2], layers: wire, gradient, display: { maxSide } }
      }
      const measured = await time(async () => {
        const result = await engine.invoke('computeStack', request())
        if (!result.ok) throw new Error(result.message)
        computeMs.push(result.value.timings.computeMs)
        kernel = result.value.kernel
      })
      // the warm-up's computeMs is left out, as its wall time is
      const threads = Number(/×(\d+)/.exec(kernel)?.[1] ?? 1)
      rows.push({
        impl: `convolab-engine ${maxSide}`,
        kernels: kernel.replace(/^wasm /, '').replace(/ f64.*/, ''),
        op,
        threads,
        median_ms: measured.median,
        compute_ms: median(computeMs.slice(1)),
        cpu_ms: measured.cpu,
        runs: measured.runs,
      })
    }
    return rows
  } finally {
    engine.close()
  }
}

/** Runs our measurement in a child process and PyTorch's beside it; prints the section. */
export function runStackBench(root: string, python: string, torch: boolean, json: boolean): StackRow[] {
  const rows: StackRow[] = []
  const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--stack-child'], { encoding: 'utf8' })
  const line = child.stdout.split('\n').find((l) => l.startsWith('BENCH '))
  if (line) rows.push(...(JSON.parse(line.slice(6)) as StackRow[]))
  else if (!json) console.log(`stack bench failed: ${(child.stderr || child.stdout).trim().split('\n').pop()}`)
  const script = join(root, 'bench/torch_stack_bench.py')
  if (torch && existsSync(script)) {
    const result = spawnSync(python, [script, JSON.stringify(STACK_BENCH.input)], { encoding: 'utf8' })
    const torchLine = result.stdout.split('\n').find((l) => l.startsWith('BENCH '))
    if (torchLine) rows.push(...(JSON.parse(torchLine.slice(6)) as StackRow[]))
    else if (!json) console.log(`pytorch stack bench failed: ${result.stderr.trim().split('\n').pop()}`)
  }
  if (!json) printStackTable(rows)
  return rows
}

export function printStackTable(rows: readonly StackRow[]): void {
  const [n, c, h, w] = STACK_BENCH.input
  console.log(
    `${STACK_BENCH.name}: VGG-block preset (conv3 ${c}→16, ReLU, conv3 16→16, ReLU, conv3 16→16; padding 1) on N${n} C${c} ${h}×${w}, float64; target forward+gradients ≤ ${STACK_BENCH.targetMs} ms`,
  )
  console.log(
    `${'op'.padEnd(22)}${'impl'.padEnd(22)}${'kernels'.padEnd(14)}${'threads'.padStart(7)}${'median ms'.padStart(11)}${'worker ms'.padStart(11)}${'cpu ms'.padStart(10)}${'runs'.padStart(6)}`,
  )
  for (const row of rows) {
    console.log(
      `${row.op.padEnd(22)}${row.impl.padEnd(22)}${row.kernels.padEnd(14)}${String(row.threads).padStart(7)}${row.median_ms.toFixed(1).padStart(11)}${(row.compute_ms?.toFixed(1) ?? '').padStart(11)}${row.cpu_ms.toFixed(1).padStart(10)}${String(row.runs).padStart(6)}`,
    )
  }
}
