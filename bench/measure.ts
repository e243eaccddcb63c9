// One contender on one shape, in its own process (so that peak memory is its own): times each
// operation (one warm-up, then up to 7 runs within about 2 s; a single run when one takes
// longer than 5 s) and reports medians, GFLOP/s and peak resident memory.

import { convGeometry, multiplyAdds, normalTensor, outputShape, seededSource } from '../core'
import type { Contender, Op, Problem } from './contenders'
import { OPS } from './contenders'
import type { BenchShape } from './shapes'

export interface BenchRow {
  shape: string
  op: Op
  impl: string
  dtype: string
  threads: number
  median_ms: number
  gflops: number
  peak_mb: number
  kind?: string
}

export interface Measured {
  rows: BenchRow[]
  missing: { impl: string; op: Op; reason: string; shape?: string }[]
}

export function makeProblem(shape: BenchShape): Problem {
  const source = seededSource(2026)
  const geometry = convGeometry(shape.input, shape.weight, shape.options, shape.weight[0])
  return {
    geometry,
    x: normalTensor(shape.input, source),
    weight: normalTensor(shape.weight, source),
    bias: normalTensor([shape.weight[0]], source),
    gradOutput: normalTensor(outputShape(geometry), source),
  }
}

const MB = 1024 * 1024

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

export async function measure(contender: Contender, shape: BenchShape): Promise<Measured> {
  const problem = makeProblem(shape)
  const flops = 2 * multiplyAdds(problem.geometry)
  const prepared = await contender.prepare(problem)
  const baseline = process.memoryUsage.rss()
  const rows: BenchRow[] = []
  const missing: Measured['missing'] = []
  for (const op of OPS) {
    const rate = contender.slow?.[op]
    const estimate = rate ? flops / rate / 1e9 : 0
    const reason = prepared.missing[op] ?? (estimate > 60 ? `skipped on ${shape.name}: one run would take about ${estimate.toFixed(0)} s` : undefined)
    if (reason) {
      missing.push({ impl: contender.impl, op, reason, shape: shape.name })
      continue
    }
    const times: number[] = []
    let start = performance.now()
    await prepared.run(op)
    const first = performance.now() - start
    if (first > 5000) times.push(first)
    else {
      const budgetEnd = performance.now() + 2000
      while (times.length < 7 && (times.length < 3 || performance.now() < budgetEnd)) {
        start = performance.now()
        await prepared.run(op)
        times.push(performance.now() - start)
      }
    }
    const medianMs = median(times)
    rows.push({
      shape: shape.name,
      op,
      impl: contender.impl,
      dtype: contender.dtype,
      threads: contender.threads,
      median_ms: Number(medianMs.toFixed(3)),
      gflops: Number((flops / medianMs / 1e6).toFixed(2)),
      peak_mb: Number(Math.max(0, (process.resourceUsage().maxRSS * 1024 - baseline) / MB).toFixed(1)),
      ...(prepared.kind ? { kind: prepared.kind } : {}),
    })
  }
  await prepared.dispose()
  return { rows, missing }
}
