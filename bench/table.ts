// The human-readable benchmark table: one block per shape, one line per operation and contender.

import type { BenchRow } from './measure'
import type { BenchShape } from './shapes'
import { describeShape } from './shapes'

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width)
}

export function printTable(rows: BenchRow[], shapes: readonly BenchShape[], notes: Map<string, string>): void {
  const header = ['op', 'impl', 'kernels', 'dtype', 'threads', 'median ms', 'GFLOP/s', 'peak MB']
  const widths = [11, 20, 12, 5, 7, 10, 8, 8]
  const line = (cells: string[]) => console.log(cells.map((cell, i) => pad(cell, widths[i], i >= 4)).join('  '))
  for (const shape of shapes) {
    console.log(`\n${shape.name}: ${describeShape(shape)}`)
    line(header)
    for (const row of rows.filter((r) => r.shape === shape.name)) {
      line([row.op, row.impl, row.kind ?? '', row.dtype, String(row.threads), row.median_ms.toFixed(2), row.gflops.toFixed(2), row.peak_mb.toFixed(0)])
    }
  }
  if (notes.size > 0) {
    console.log('\nNot measured:')
    for (const [what, why] of notes) console.log(`  ${what}: ${why}`)
  }
  console.log('\nGFLOP/s = 2 × multiply-adds / median time; peak MB = peak resident memory above the inputs, per process.')
}
