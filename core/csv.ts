// Tensors as CSV, for spreadsheets. Layout:
//   # shape (N, C, H, W)              first line: the full shape
//   # [0, 0, :, :]                    one block per leading index (n, c), a comment line each,
//   x00,x01,...                       then H rows of W comma-separated values,
//   ...
//                                     and an empty line between blocks.
// 1-D and 2-D tensors are a single block with no index line. Values are written with the
// shortest text that reads back to the same float64 (NaN as nan, infinities as inf / -inf).
// '#' lines are comments to Convolab's CSV reader, so a 2-D file opens again as the same kernel.

import type { Tensor } from './tensor'
import { formatShape } from './tensor'

function number(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf'
  // String(-0) is "0"; keep the sign so that the file reads back to the same float64.
  return Object.is(value, -0) ? '-0' : String(value)
}

export function encodeCsv(tensor: Tensor): string {
  const shape = tensor.shape.length === 0 ? [1] : tensor.shape
  const width = shape[shape.length - 1]
  const height = shape.length >= 2 ? shape[shape.length - 2] : 1
  const leading = shape.slice(0, -2)
  const blocks = leading.reduce((product, dim) => product * dim, 1)
  const lines = [`# shape ${formatShape(shape)}`]
  for (let block = 0; block < blocks; block++) {
    if (leading.length > 0) {
      const index: number[] = []
      let rest = block
      for (let axis = leading.length - 1; axis >= 0; axis--) {
        index.unshift(rest % leading[axis])
        rest = Math.floor(rest / leading[axis])
      }
      if (block > 0) lines.push('')
      lines.push(`# [${[...index, ':', ':'].join(', ')}]`)
    }
    for (let row = 0; row < height; row++) {
      const start = (block * height + row) * width
      lines.push(Array.from(tensor.data.subarray(start, start + width), number).join(','))
    }
  }
  return lines.join('\n') + '\n'
}
