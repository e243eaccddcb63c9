// The rest of the family in `npm run bench` (issue 12): ConvTranspose2d on a 1024×1024 RGB input
// (8 channels, 3×3, stride 2, padding 1: output 2047×2047) and both pools on a 1024×1024 RGB
// input with 3×3 windows, forward and gradients, each beside the Conv2d of the same work on the
// same kernels and PyTorch float64 (bench/torch_family.py). Runs in one child process of its own.

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { ConvGeometry, Pool2dOptions, Tensor } from '../core'
import {
  avgPool2d,
  avgPool2dBackward,
  convGeometry,
  convTranspose2d,
  convTranspose2dBackward,
  convTranspose2dGeometry,
  convTranspose2dGradInput,
  convTranspose2dGradWeight,
  maxPool2d,
  maxPool2dBackward,
  normalTensor,
  outputShape,
  poolGeometry,
  poolOutputShape,
  seededSource,
} from '../core'
import type { FastKernels } from '../core/fast'
import { createFastKernels } from '../core/fast'

export interface FamilyRow {
  problem: string
  op: string
  impl: string
  median_ms: number
}

export interface FamilyProblem {
  name: string
  title: string
  /** What the Conv2d rows of the same work are. */
  conv: string
}

export const FAMILY_PROBLEMS: readonly FamilyProblem[] = [
  {
    name: 'T1',
    title: 'ConvTranspose2d N1 C3 1024×1024 → 8 channels, 3×3, stride 2, padding 1, output padding 0 (output 2047×2047), bias',
    conv: 'the Conv2d whose dE/dx it is: N1 C8 2047×2047 → 3, 3×3, stride 2, padding 1 (forward ↔ grad-input swapped)',
  },
  {
    name: 'P1',
    title: 'MaxPool2d / AvgPool2d N1 C3 1024×1024, 3×3 windows, stride 3 (the default)',
    conv: 'depthwise Conv2d with the same windows: C3 → 3, groups 3, 3×3, stride 3',
  },
  {
    name: 'P2',
    title: 'MaxPool2d / AvgPool2d N1 C3 1024×1024, 3×3 windows, stride 1, padding 1',
    conv: 'depthwise Conv2d with the same windows: C3 → 3, groups 3, 3×3, stride 1, padding 1',
  },
]

const POOL_OPTIONS: Record<string, Pool2dOptions> = {
  P1: { kernelSize: 3 },
  P2: { kernelSize: 3, stride: 1, padding: 1 },
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** One warm-up, then up to 7 runs within about 2 s (at least 3), as bench/measure.ts times. */
function time(run: () => unknown): number {
  run()
  const times: number[] = []
  const budgetEnd = performance.now() + 2000
  while (times.length < 7 && (times.length < 3 || performance.now() < budgetEnd)) {
    const start = performance.now()
    run()
    times.push(performance.now() - start)
  }
  return Number(median(times).toFixed(3))
}

function convRows(problem: string, kernels: FastKernels, g: ConvGeometry, x: Tensor, w: Tensor, source: () => number): FamilyRow[] {
  const gy = normalTensor(outputShape(g), source)
  const impl = `conv2d-same-work (${kernels.kind})`
  return [
    { problem, op: 'conv forward', impl, median_ms: time(() => kernels.forward(x.data, w.data, null, g, 'f64')) },
    {
      problem,
      op: 'conv grad-input',
      impl,
      median_ms: time(() => kernels.backward(x.data, w.data, gy.data, g, 'f64', { input: true, weight: false, bias: false })),
    },
    {
      problem,
      op: 'conv grad-weight',
      impl,
      median_ms: time(() => kernels.backward(x.data, w.data, gy.data, g, 'f64', { input: false, weight: true, bias: false })),
    },
  ]
}

async function transposedRows(kernels: FastKernels): Promise<FamilyRow[]> {
  const source = seededSource(2026)
  const x = normalTensor([1, 3, 1024, 1024], source)
  const w = normalTensor([3, 8, 3, 3], source)
  const b = normalTensor([8], source)
  const g = convTranspose2dGeometry(x.shape, w.shape, { stride: 2, padding: 1 }, 8)
  const gy = normalTensor([1, 8, g.outH, g.outW], source)
  const impl = `convolab-wasm (${kernels.kind})`
  const rows: FamilyRow[] = [
    { problem: 'T1', op: 'forward', impl, median_ms: time(() => convTranspose2d(x, w, b, g, kernels)) },
    { problem: 'T1', op: 'grad-input', impl, median_ms: time(() => convTranspose2dGradInput(gy, w, g, kernels)) },
    { problem: 'T1', op: 'grad-weight', impl, median_ms: time(() => convTranspose2dGradWeight(x, gy, w.shape, g, kernels)) },
    { problem: 'T1', op: 'backward (all three)', impl, median_ms: time(() => convTranspose2dBackward(x, w, gy, g, true, kernels)) },
  ]
  // the Conv2d whose dE/dx this layer is: its input is the transposed output
  rows.push(...convRows('T1', kernels, g.conv, gy, w, source))
  rows.push({ problem: 'T1', op: 'forward', impl: 'convolab-scalar-ts', median_ms: time(() => convTranspose2d(x, w, b, g)) })
  return rows
}

/**
 * Medians of several operations timed in turns (one run of each per round, one warm-up each, up
 * to 11 rounds within about 8 s, at least 5): on a shared machine each row and the row it is
 * compared with then see the same load, which separate timing a few seconds apart does not, and
 * under load (rounds of a second or more) the median of 3-4 rounds moved a ratio by 2× between runs.
 */
function timeInTurns(runs: Array<() => unknown>): number[] {
  for (const run of runs) run()
  const times: number[][] = runs.map(() => [])
  const budgetEnd = performance.now() + 8000
  for (let round = 0; round < 11 && (round < 5 || performance.now() < budgetEnd); round++) {
    runs.forEach((run, k) => {
      const start = performance.now()
      run()
      times[k].push(performance.now() - start)
    })
  }
  return times.map((t) => Number(median(t).toFixed(3)))
}

function poolRows(kernels: FastKernels, name: string): FamilyRow[] {
  const source = seededSource(2026)
  const x = normalTensor([1, 3, 1024, 1024], source)
  const options = POOL_OPTIONS[name]
  const g = poolGeometry(x.shape, options)
  const gy = normalTensor(poolOutputShape(g), source)
  const { indices } = maxPool2d(x, g)
  const stride = options.stride ?? 3
  const padding = options.padding ?? 0
  const conv = convGeometry(x.shape, [3, 1, 3, 3], { stride, padding, groups: 3 })
  const w = normalTensor([3, 1, 3, 3], source)
  const convGy = normalTensor(outputShape(conv), source)
  // the WebAssembly pool kernels (core/wasm/pool.as) through the public API, in turns with the
  // depthwise Conv2d of the same windows on the same kernels
  const wasm = `convolab-wasm (${kernels.kind})`
  const same = `conv2d-same-work (${kernels.kind})`
  const measured: Array<[string, string, () => unknown]> = [
    ['max forward', wasm, () => maxPool2d(x, g, kernels)],
    ['max grad-input', wasm, () => maxPool2dBackward(gy, indices, g, kernels)],
    ['avg forward', wasm, () => avgPool2d(x, g, kernels)],
    ['avg grad-input', wasm, () => avgPool2dBackward(gy, g, kernels)],
    ['conv forward', same, () => kernels.forward(x.data, w.data, null, conv, 'f64')],
    ['conv grad-input', same, () => kernels.backward(x.data, w.data, convGy.data, conv, 'f64', { input: true, weight: false, bias: false })],
  ]
  const times = timeInTurns(measured.map(([, , run]) => run))
  const rows: FamilyRow[] = measured.map(([op, impl], k) => ({ problem: name, op, impl, median_ms: times[k] }))
  // core's TypeScript loops (no kernels), as before the WebAssembly kernels
  const impl = 'convolab-ts'
  rows.push(
    { problem: name, op: 'max forward', impl, median_ms: time(() => maxPool2d(x, g)) },
    { problem: name, op: 'max grad-input', impl, median_ms: time(() => maxPool2dBackward(gy, indices, g)) },
    { problem: name, op: 'avg forward', impl, median_ms: time(() => avgPool2d(x, g)) },
    { problem: name, op: 'avg grad-input', impl, median_ms: time(() => avgPool2dBackward(gy, g)) },
  )
  return rows
}

/** Runs in the family child process: every Convolab row, printed as one BENCH line. */
export async function familyChild(problems: readonly string[]): Promise<void> {
  const kernels = await createFastKernels({ prefer: 'relaxed-simd' })
  const rows: FamilyRow[] = []
  // S5, the app's Conv2d on the same 1024×1024 RGB input (8 channels, 3×3, padding 1): 226 M
  // multiply-adds per pass, exactly T1's
  const source = seededSource(2026)
  const s5x = normalTensor([1, 3, 1024, 1024], source)
  const s5w = normalTensor([8, 3, 3, 3], source)
  const s5 = convRows('', kernels, convGeometry(s5x.shape, s5w.shape, { padding: 1 }), s5x, s5w, source).map((row) => ({
    ...row,
    impl: row.impl.replace('conv2d-same-work', 'conv2d-S5'),
  }))
  for (const name of problems) rows.push(...s5.map((row) => ({ ...row, problem: name })))
  if (problems.includes('T1')) rows.push(...(await transposedRows(kernels)))
  for (const name of ['P1', 'P2']) if (problems.includes(name)) rows.push(...poolRows(kernels, name))
  process.stdout.write(`FAMILY ${JSON.stringify(rows)}\n`)
  process.exit(0)
}

function lineOf(stdout: string, prefix: string): unknown[] | null {
  const line = stdout.split('\n').find((l) => l.startsWith(prefix))
  return line ? JSON.parse(line.slice(prefix.length)) : null
}

/** Runs the family child and PyTorch's script; returns their rows and why any are missing. */
export function runFamily(root: string, python: string, torch: boolean, problems: readonly string[]): { rows: FamilyRow[]; notes: string[] } {
  const notes: string[] = []
  const ours = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--family-child', problems.join(',')], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  })
  const rows = (lineOf(ours.stdout, 'FAMILY ') as FamilyRow[] | null) ?? []
  if (rows.length === 0) notes.push(`convolab family rows failed: ${(ours.stderr || ours.stdout).trim().split('\n').pop()}`)
  const script = join(root, 'bench/torch_family.py')
  if (torch && existsSync(script)) {
    const result = spawnSync(python, [script, problems.join(',')], { encoding: 'utf8' })
    const torchRows = lineOf(result.stdout, 'FAMILY ') as FamilyRow[] | null
    if (torchRows) rows.push(...torchRows)
    else notes.push(`pytorch family rows failed: ${result.stderr.trim().split('\n').pop()}`)
  } else notes.push('pytorch family rows: not measured (no torch)')
  return { rows, notes }
}

/** Each operation beside the same operation of S5. */
const S5_PAIRS: Record<string, string> = {
  forward: 'conv forward',
  'grad-input': 'conv grad-input',
  'grad-weight': 'conv grad-weight',
  'max forward': 'conv forward',
  'avg forward': 'conv forward',
  'max grad-input': 'conv grad-input',
  'avg grad-input': 'conv grad-input',
}

/** Each problem's rows: our layer, the Conv2d of the same work, PyTorch; ratios to the Conv2d row. */
export function printFamilyTable(rows: FamilyRow[], notes: string[]): void {
  const pairs: Record<string, Record<string, string>> = {
    T1: { forward: 'conv grad-input', 'grad-input': 'conv forward', 'grad-weight': 'conv grad-weight' },
    P1: { 'max forward': 'conv forward', 'max grad-input': 'conv grad-input', 'avg forward': 'conv forward', 'avg grad-input': 'conv grad-input' },
    P2: { 'max forward': 'conv forward', 'max grad-input': 'conv grad-input', 'avg forward': 'conv forward', 'avg grad-input': 'conv grad-input' },
  }
  console.log(
    '\nThe rest of the family (issue 12): float64, one thread. vs same = our layer / the Conv2d of the same work ' +
      "(same windows or the transposed pair); vs S5 = our layer / the same operation of the app's Conv2d on the same input (S5)",
  )
  for (const problem of FAMILY_PROBLEMS) {
    if (!rows.some((row) => row.problem === problem.name)) continue
    console.log(`\n${problem.name}: ${problem.title}\n    Conv2d of the same work: ${problem.conv}`)
    console.log(`${'op'.padEnd(20)}  ${'impl'.padEnd(34)}  ${'median ms'.padStart(10)}  ${'vs same'.padStart(8)}  ${'vs S5'.padStart(8)}`)
    const mine = rows.filter((r) => r.problem === problem.name)
    const ratio = (row: FamilyRow, op: string | undefined, impl: string): string => {
      const conv = op && row.impl.startsWith('convolab') ? mine.find((r) => r.op === op && r.impl.startsWith(impl)) : undefined
      return conv ? `${(row.median_ms / conv.median_ms).toFixed(2)}×` : ''
    }
    for (const row of mine) {
      const same = ratio(row, pairs[problem.name][row.op], 'conv2d-same-work')
      const s5 = ratio(row, S5_PAIRS[row.op], 'conv2d-S5')
      console.log(`${row.op.padEnd(20)}  ${row.impl.padEnd(34)}  ${row.median_ms.toFixed(2).padStart(10)}  ${same.padStart(8)}  ${s5.padStart(8)}`)
    }
  }
  for (const note of notes) console.log(`  ${note}`)
}
