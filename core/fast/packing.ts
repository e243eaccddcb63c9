// Copies tensors into the kernels' layouts: the padded input split into stride phases (so that
// every tap reads contiguous pixels), the upstream gradient spread out for the transposed
// convolution, and weights as 4-channel blocks of splatted vectors.

import type { ConvGeometry } from '../geometry'
import { paddingMaps } from '../geometry'
import type { FloatArray } from './memory-layout'

/**
 * An image buffer of planes × rows × (phases × phaseWidth): column q of a padded row lives at
 * (q mod phases)·phaseWidth + ⌊q / phases⌋. Each phase has `lanes` spare columns so the last
 * vector of a row stays inside it.
 */
export interface PlanarLayout {
  phases: number
  phaseWidth: number
  rowElements: number
  planeElements: number
}

export function planarLayout(height: number, width: number, phases: number, lanes: number): PlanarLayout {
  const phaseWidth = Math.ceil(width / phases) + lanes
  const rowElements = phases * phaseWidth
  return { phases, phaseWidth, rowElements, planeElements: height * rowElements }
}

/** Element offset of tap (c, a, b) from output pixel (0, 0) of channel 0, for every tap in order. */
export function tapOffsets(layout: PlanarLayout, channels: number, kernelH: number, kernelW: number, dilationH: number, dilationW: number): Int32Array {
  const offsets = new Int32Array(channels * kernelH * kernelW)
  let k = 0
  for (let c = 0; c < channels; c++) {
    for (let a = 0; a < kernelH; a++) {
      for (let b = 0; b < kernelW; b++) {
        const column = b * dilationW
        offsets[k++] =
          c * layout.planeElements + a * dilationH * layout.rowElements + (column % layout.phases) * layout.phaseWidth + Math.floor(column / layout.phases)
      }
    }
  }
  return offsets
}

/** Writes padInput(x) (any padding mode, via core's paddingMaps) in the planar layout at `at`. */
export function packPaddedInput(x: Float64Array, geometry: ConvGeometry, layout: PlanarLayout, target: FloatArray, at: number): void {
  const { batch, inChannels, inH, inW, paddedH, paddedW, padLeft } = geometry
  const { rows, cols } = paddingMaps(geometry)
  const { phases, phaseWidth, rowElements, planeElements } = layout
  const destination = new Int32Array(paddedW)
  for (let q = 0; q < paddedW; q++) destination[q] = (q % phases) * phaseWidth + Math.floor(q / phases)
  for (let plane = 0; plane < batch * inChannels; plane++) {
    for (let p = 0; p < paddedH; p++) {
      const row = rows[p]
      const targetRow = at + plane * planeElements + p * rowElements
      if (row < 0) {
        target.fill(0, targetRow, targetRow + rowElements)
        continue
      }
      const source = plane * inH * inW + row * inW
      if (phases === 1) {
        // the interior is one copy; only the border and the spare columns are written one by one
        target.set(x.subarray(source, source + inW), targetRow + padLeft)
        for (let q = 0; q < padLeft; q++) target[targetRow + q] = cols[q] >= 0 ? x[source + cols[q]] : 0
        for (let q = padLeft + inW; q < paddedW; q++) target[targetRow + q] = cols[q] >= 0 ? x[source + cols[q]] : 0
        target.fill(0, targetRow + paddedW, targetRow + rowElements)
      } else {
        target.fill(0, targetRow, targetRow + rowElements)
        for (let q = 0; q < paddedW; q++) if (cols[q] >= 0) target[targetRow + destination[q]] = x[source + cols[q]]
      }
    }
  }
}

/**
 * The upstream gradient with (stride − 1) zeros between pixels and a border of
 * dilation·(kernel − 1) zeros: the input of grad-input computed as a stride-1 convolution.
 */
export function spreadGradHeight(geometry: ConvGeometry): number {
  const g = geometry
  return (g.outH - 1) * g.strideH + 1 + 2 * g.dilationH * (g.kernelH - 1)
}

export function spreadGradWidth(geometry: ConvGeometry): number {
  const g = geometry
  return (g.outW - 1) * g.strideW + 1 + 2 * g.dilationW * (g.kernelW - 1)
}

export function packSpreadGradient(gradOutput: Float64Array, geometry: ConvGeometry, layout: PlanarLayout, target: FloatArray, at: number): void {
  const g = geometry
  const top = g.dilationH * (g.kernelH - 1)
  const left = g.dilationW * (g.kernelW - 1)
  const planes = g.batch * g.outChannels
  const height = layout.planeElements / layout.rowElements
  for (let plane = 0; plane < planes; plane++) {
    const planeAt = at + plane * layout.planeElements
    for (let p = 0; p < height; p++) {
      const rowAt = planeAt + p * layout.rowElements
      const i = (p - top) / g.strideH
      if (!Number.isInteger(i) || i < 0 || i >= g.outH) {
        target.fill(0, rowAt, rowAt + layout.rowElements)
        continue
      }
      const source = (plane * g.outH + i) * g.outW
      if (g.strideW === 1) {
        target.fill(0, rowAt, rowAt + left)
        target.set(gradOutput.subarray(source, source + g.outW), rowAt + left)
        target.fill(0, rowAt + left + g.outW, rowAt + layout.rowElements)
      } else {
        target.fill(0, rowAt, rowAt + layout.rowElements)
        for (let j = 0; j < g.outW; j++) target[rowAt + left + j * g.strideW] = gradOutput[source + j]
      }
    }
  }
}

/** Output channels per register block of the kernels. */
export const CHANNEL_BLOCK = 4

export function channelBlocks(channelsPerGroup: number): number {
  return Math.ceil(channelsPerGroup / CHANNEL_BLOCK)
}

/**
 * Weights (M, taps) of `groups` groups as [group][block][tap][4 channels] vectors, each weight
 * repeated over the lanes; channels past the group's end get zeros.
 */
export function packWeights(weight: Float64Array, outChannels: number, groups: number, taps: number, lanes: number, target: FloatArray, at: number): void {
  const perGroup = outChannels / groups
  const blocks = channelBlocks(perGroup)
  let offset = at
  for (let group = 0; group < groups; group++) {
    for (let block = 0; block < blocks; block++) {
      for (let k = 0; k < taps; k++) {
        for (let r = 0; r < CHANNEL_BLOCK; r++) {
          const local = block * CHANNEL_BLOCK + r
          const value = local < perGroup ? weight[(group * perGroup + local) * taps + k] : 0
          target.fill(value, offset, offset + lanes)
          offset += lanes
        }
      }
    }
  }
}

/**
 * The weight of the transposed convolution: w'[c, m, a, b] = w[m, c, KH−1−a, KW−1−b]
 * within each group, shape (C_in, C_out/groups, KH, KW).
 */
export function transposedWeight(weight: Float64Array, geometry: ConvGeometry): Float64Array {
  const g = geometry
  const kernel = g.kernelH * g.kernelW
  const result = new Float64Array(weight.length)
  for (let group = 0; group < g.groups; group++) {
    for (let m = 0; m < g.outChannelsPerGroup; m++) {
      for (let c = 0; c < g.inChannelsPerGroup; c++) {
        const source = ((group * g.outChannelsPerGroup + m) * g.inChannelsPerGroup + c) * kernel
        const target = ((group * g.inChannelsPerGroup + c) * g.outChannelsPerGroup + m) * kernel
        for (let k = 0; k < kernel; k++) result[target + k] = weight[source + kernel - 1 - k]
      }
    }
  }
  return result
}

/**
 * Folds the gradient of the padded input's covered part (height × width, from row and column 0)
 * back onto the input, as core's unpadGradient does: zero padding drops the border, the other
 * modes add each padded cell to the cell it copied.
 */
export function foldPaddedGradient(source: FloatArray, at: number, height: number, width: number, geometry: ConvGeometry, target: FloatArray): void {
  const { batch, inChannels, inH, inW, padLeft, paddingMode } = geometry
  const { rows, cols } = paddingMaps(geometry)
  const interiorEnd = Math.min(width, padLeft + inW)
  for (let plane = 0; plane < batch * inChannels; plane++) {
    for (let p = 0; p < height; p++) {
      const row = rows[p]
      if (row < 0) continue
      const from = at + (plane * height + p) * width
      const to = (plane * inH + row) * inW
      if (paddingMode === 'zeros') {
        // each input cell is covered by exactly one padded cell
        if (interiorEnd > padLeft) target.set(source.subarray(from + padLeft, from + interiorEnd), to)
      } else {
        for (let q = 0; q < width; q++) if (cols[q] >= 0) target[to + cols[q]] += source[from + q]
      }
    }
  }
}
