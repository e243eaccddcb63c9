// `npm run bench`: every contender on every shape, each in a child process, then one table
// (or, with --json, one JSON array). `--shapes S1,S5` limits the shapes, `--impl convolab,tfjs`
// the contenders (by name prefix). `--kernels`: kernel-only timing, see kernel-ab.ts.
// Run through bench/run.mjs, which builds the kernels and bundles this file for Node.

import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'
import type { BenchRow, Measured } from './measure'
import { measure } from './measure'
import { CONTENDERS } from './contenders'
import { policyLines } from './threads'
import { SHAPES, describeShape } from './shapes'
import { printTable } from './table'
import { twoThreadCapacity } from './cpu-check'
import { STACK_BENCH, measureStack, printStackTable, runStackBench } from './stack-bench'
import { FAMILY_PROBLEMS, familyChild, printFamilyTable, runFamily } from './family'
import { kernelBench } from './kernel-ab'

const args = process.argv.slice(2)

function option(name: string): string | undefined {
  const at = args.indexOf(name)
  if (at >= 0) return args[at + 1]
  const inline = args.find((arg) => arg.startsWith(`${name}=`))
  return inline?.slice(name.length + 1)
}

async function child(): Promise<void> {
  const [shapeName, index] = option('--child')!.split(':')
  const shape = SHAPES.find((s) => s.name === shapeName)!
  const result = await measure(CONTENDERS[Number(index)], shape)
  process.stdout.write(`BENCH ${JSON.stringify(result)}\n`)
  process.exit(0)
}

function runChild(shapeName: string, index: number): Measured {
  const result = spawnSync(process.execPath, [...process.execArgv, process.argv[1], '--child', `${shapeName}:${index}`], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  })
  const line = result.stdout.split('\n').find((l) => l.startsWith('BENCH '))
  if (!line) {
    const contender = CONTENDERS[index]
    const reason = `failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-1)[0] ?? 'no output'}`
    return { rows: [], missing: ['forward', 'grad-input', 'grad-weight'].map((op) => ({ impl: contender.impl, op, reason })) } as Measured
  }
  return JSON.parse(line.slice(6))
}

function torchAvailable(python: string): boolean {
  if (!existsSync(python)) return false
  return spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0
}

function runTorch(python: string, script: string, shapeName: string): Measured {
  const shape = SHAPES.find((s) => s.name === shapeName)!
  const result = spawnSync(python, [script, JSON.stringify(shape)], { encoding: 'utf8' })
  const line = result.stdout.split('\n').find((l) => l.startsWith('BENCH '))
  if (!line) return { rows: [], missing: [{ impl: 'pytorch', op: 'forward', reason: `failed: ${result.stderr.trim().split('\n').pop()}` }] }
  return JSON.parse(line.slice(6))
}

async function main(): Promise<void> {
  if (option('--child')) return child()
  if (args.includes('--kernels')) return kernelBench(args)
  if (args.includes('--stack-child')) {
    process.stdout.write(`BENCH ${JSON.stringify(await measureStack())}\n`)
    process.exit(0)
  }
  if (option('--family-child')) return familyChild(option('--family-child')!.split(','))
  const json = args.includes('--json')
  const wanted = option('--shapes')
    ?.split(',')
    .map((s) => s.trim().toUpperCase())
  // --family-only (or --family T1,P1): just the ConvTranspose2d and pool rows; --no-family: just the Conv2d shapes
  const familyOnly = args.includes('--family-only') || option('--family') !== undefined
  const shapes = SHAPES.filter((s) => !familyOnly && (!wanted || wanted.includes(s.name)))
  // the stack row (its own section) runs with every shape, or alone with --shapes VGG
  const stackWanted = !familyOnly && (!wanted || wanted.includes(STACK_BENCH.name))
  if (shapes.length === 0 && !familyOnly && !stackWanted)
    throw new Error(`no such shapes: ${wanted?.join(', ')} (have ${SHAPES.map((s) => s.name).join(', ')}, ${STACK_BENCH.name})`)
  const impls = option('--impl')?.split(',')
  const root = process.env.CONVOLAB_ROOT ?? process.cwd()
  const python = '/usr/bin/python3'
  const torch = torchAvailable(python)
  const rows: BenchRow[] = []
  const notes = new Map<string, string>()
  const started = performance.now()
  const capacityBefore = json ? 0 : await twoThreadCapacity()
  for (const shape of shapes) {
    if (!json) process.stderr.write(`${shape.name} (${describeShape(shape)}) `)
    const results = CONTENDERS.flatMap((contender, index) => {
      if (impls && !impls.some((name) => contender.impl.startsWith(name))) return []
      if (!json) process.stderr.write('.')
      return [runChild(shape.name, index)]
    })
    if (torch && (!impls || impls.some((name) => 'pytorch'.startsWith(name)))) results.push(runTorch(python, join(root, 'bench/torch_bench.py'), shape.name))
    for (const result of results) {
      rows.push(...result.rows)
      for (const m of result.missing) notes.set(`${m.impl} ${m.op}${m.reason.startsWith('skipped') ? ` ${m.shape}` : ''}`, m.reason)
    }
    if (!json) process.stderr.write('\n')
  }
  if (!torch) notes.set('pytorch', `not measured: ${python} has no torch`)
  const stackRows = stackWanted ? runStackBench(root, python, torch, true) : []
  if (json) {
    const stackJson = stackRows.map((row) => ({ shape: STACK_BENCH.name, ...row }))
    process.stdout.write(`${JSON.stringify([...rows.map(({ kind: _kind, ...row }) => row), ...stackJson])}\n`)
    return
  }
  const cpu = cpus()[0]?.model ?? 'unknown CPU'
  console.log(
    `Convolab benchmark: ${cpu}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}` +
      ` (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  )
  const capacityAfter = await twoThreadCapacity()
  console.log(
    `Two threads of a plain integer loop ran ${capacityBefore.toFixed(2)}× (before) and ${capacityAfter.toFixed(2)}× (after)` +
      ` the work of one: the most any two-thread row can gain on this machine during this run.`,
  )
  if (shapes.length > 0) {
    printTable(rows, shapes, notes)
    for (const line of policyLines(shapes)) console.log(line)
  }
  if (stackWanted) printStackTable(stackRows)
  if (familyOnly || (!wanted && !impls && !args.includes('--no-family'))) {
    // --family T1,P2 limits the family's problems
    const problems =
      option('--family')
        ?.split(',')
        .map((s) => s.trim().toUpperCase()) ?? FAMILY_PROBLEMS.map((p) => p.name)
    const family = runFamily(root, python, torch, problems)
    printFamilyTable(family.rows, family.notes)
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error)
  process.exit(1)
})
