// ReLU forward and backward fused with the display maps of both of their tensors: one pass over
// 4 M values instead of three (the activation, then the maps of its input, then of its output).
// The numbers are those of core/activations.ts and map-stack.ts: the same activation values, the
// same float32 box means (box sums in the same order) and the same exact ranges. A tensor with
// NaN or ±∞ anywhere is answered null, and the caller takes core's loops and toMapStack (the fused
// loops carry no NaN test: a box's sum of the input is NaN or ±∞ when one of its values is).

import type { Tensor } from '../../core'
import type { MapStack } from '../../contract'
import { boxFactor } from './map-stack'

/** One plane's display maps as the loops below write them: box sums, then means. */
interface MapsOut {
  maps: MapStack
  sums: Float64Array
}

function newMaps(shape: readonly number[], maxSide: number): MapsOut {
  const [batch, channels, height, width] = shape
  const planes = batch * channels
  const factor = boxFactor(height, width, maxSide)
  const displayH = Math.ceil(height / factor)
  const displayW = Math.ceil(width / factor)
  return {
    maps: {
      shape: [batch, channels, height, width],
      displayH,
      displayW,
      data: new Float32Array(planes * displayH * displayW),
      min: new Float64Array(planes),
      max: new Float64Array(planes),
      nonFinite: new Uint32Array(planes),
    },
    sums: new Float64Array(displayW),
  }
}

/** Writes one display row's means from its box sums. */
function writeMeans(out: MapsOut, target: number, boxRows: number, width: number, factor: number): void {
  const { sums, maps } = out
  for (let j = 0; j < maps.displayW; j++) maps.data[target + j] = sums[j] / (boxRows * (Math.min(width, (j + 1) * factor) - j * factor))
}

/**
 * y = relu(x) into `y`, with the maps of x and of y (at most maxSide per side). null when x holds
 * NaN or ±∞ (y is then incomplete: the caller computes it again with core's loop).
 */
export function reluForwardWithMaps(x: Tensor, y: Float64Array, maxSide: number): { inputMaps: MapStack; outputMaps: MapStack } | null {
  const [, , height, width] = x.shape
  const values = x.data
  const inputs = newMaps(x.shape, maxSide)
  const outputs = newMaps(x.shape, maxSide)
  const { displayH, displayW } = inputs.maps
  const factor = boxFactor(height, width, maxSide)
  const planes = inputs.maps.min.length
  const plane = height * width
  const sumsX = inputs.sums
  const sumsY = outputs.sums
  let poison = 0
  for (let p = 0; p < planes; p++) {
    const source = p * plane
    let low = Infinity
    let high = -Infinity
    for (let i = 0; i < displayH; i++) {
      sumsX.fill(0)
      sumsY.fill(0)
      const rowEnd = Math.min(height, (i + 1) * factor)
      for (let r = i * factor; r < rowEnd; r++) {
        const row = source + r * width
        let k = row
        for (let j = 0; j < displayW; j++) {
          const end = Math.min(row + width, k + factor)
          // a full box as toMapStack sums it (two running sums), the last partial one in one
          const full = end - k === factor
          let evenX = 0
          let oddX = 0
          let evenY = 0
          let oddY = 0
          for (; full && k + 1 < end; k += 2) {
            const a = values[k]
            const b = values[k + 1]
            if (a < low) low = a
            if (a > high) high = a
            if (b < low) low = b
            if (b > high) high = b
            // + 0 turns the −0 of a negative value into 0 (core's reluForward)
            const ra = a * +(a > 0) + 0
            const rb = b * +(b > 0) + 0
            y[k] = ra
            y[k + 1] = rb
            evenX += a
            oddX += b
            evenY += ra
            oddY += rb
          }
          for (; k < end; k++) {
            const v = values[k]
            if (v < low) low = v
            if (v > high) high = v
            const rv = v * +(v > 0) + 0
            y[k] = rv
            evenX += v
            evenY += rv
          }
          // NaN or ±∞ in x makes its box's sum NaN or ±∞ (and a finite sum too large for
          // float64 does too, which only costs the exact fallback)
          const boxX = evenX + oddX
          poison += boxX * 0
          sumsX[j] += boxX
          sumsY[j] += evenY + oddY
        }
      }
      const target = (p * displayH + i) * displayW
      writeMeans(inputs, target, rowEnd - i * factor, width, factor)
      writeMeans(outputs, target, rowEnd - i * factor, width, factor)
    }
    if (poison !== 0) return null
    if (factor === 1) {
      // full size: the values themselves, as toMapStack writes them (a mean of one turns −0 into 0)
      inputs.maps.data.set(values.subarray(source, source + plane), source)
      outputs.maps.data.set(y.subarray(source, source + plane), source)
    }
    // relu is non-decreasing: its range is relu of the input's range
    inputs.maps.min[p] = low
    inputs.maps.max[p] = high
    outputs.maps.min[p] = low > 0 ? low : 0
    outputs.maps.max[p] = high > 0 ? high : 0
  }
  return { inputMaps: inputs.maps, outputMaps: outputs.maps }
}

/**
 * dE/dx = y <= 0 ? 0 : g into `gradInput` (y: the ReLU's output), with the maps of g and of
 * dE/dx, and dE/dx summed per channel (from the box sums: the dE/db of a Conv2d before the
 * ReLU, the same sum as core's sumPerChannel in another order). null when g holds NaN or ±∞
 * (the caller computes it again with core's loop).
 */
export function reluBackwardWithMaps(
  gradOutput: Tensor,
  y: Float64Array,
  gradInput: Float64Array,
  maxSide: number,
): { gradOutputMaps: MapStack; gradInputMaps: MapStack; channelSums: Float64Array } | null {
  const [, , height, width] = gradOutput.shape
  const g = gradOutput.data
  const outer = newMaps(gradOutput.shape, maxSide)
  const inner = newMaps(gradOutput.shape, maxSide)
  const { displayH, displayW } = outer.maps
  const factor = boxFactor(height, width, maxSide)
  const planes = outer.maps.min.length
  const plane = height * width
  const sumsG = outer.sums
  const sumsD = inner.sums
  const channels = gradOutput.shape[1]
  // dE/dx summed per channel (over the batch): a Conv2d before the ReLU has it as its dE/db
  const channelSums = new Float64Array(channels)
  let poison = 0
  for (let p = 0; p < planes; p++) {
    const source = p * plane
    let lowG = Infinity
    let highG = -Infinity
    let lowD = Infinity
    let highD = -Infinity
    let planeSum = 0
    for (let i = 0; i < displayH; i++) {
      sumsG.fill(0)
      sumsD.fill(0)
      const rowEnd = Math.min(height, (i + 1) * factor)
      for (let r = i * factor; r < rowEnd; r++) {
        const row = source + r * width
        let k = row
        for (let j = 0; j < displayW; j++) {
          const end = Math.min(row + width, k + factor)
          // a full box as toMapStack sums it (two running sums), the last partial one in one
          const full = end - k === factor
          let evenG = 0
          let oddG = 0
          let evenD = 0
          let oddD = 0
          for (; full && k + 1 < end; k += 2) {
            const a = g[k]
            const b = g[k + 1]
            if (a < lowG) lowG = a
            if (a > highG) highG = a
            if (b < lowG) lowG = b
            if (b > highG) highG = b
            // NaN in y passes g through, as torch's threshold_backward (core's reluBackward)
            const da = a * +!(y[k] <= 0) + 0
            const db = b * +!(y[k + 1] <= 0) + 0
            if (da < lowD) lowD = da
            if (da > highD) highD = da
            if (db < lowD) lowD = db
            if (db > highD) highD = db
            gradInput[k] = da
            gradInput[k + 1] = db
            evenG += a
            oddG += b
            evenD += da
            oddD += db
          }
          for (; k < end; k++) {
            const v = g[k]
            if (v < lowG) lowG = v
            if (v > highG) highG = v
            const d = v * +!(y[k] <= 0) + 0
            if (d < lowD) lowD = d
            if (d > highD) highD = d
            gradInput[k] = d
            evenG += v
            evenD += d
          }
          const boxG = evenG + oddG
          poison += boxG * 0
          sumsG[j] += boxG
          sumsD[j] += evenD + oddD
        }
      }
      const target = (p * displayH + i) * displayW
      writeMeans(outer, target, rowEnd - i * factor, width, factor)
      for (let j = 0; j < displayW; j++) planeSum += sumsD[j]
      writeMeans(inner, target, rowEnd - i * factor, width, factor)
    }
    if (poison !== 0) return null
    if (factor === 1) {
      outer.maps.data.set(g.subarray(source, source + plane), source)
      inner.maps.data.set(gradInput.subarray(source, source + plane), source)
    }
    outer.maps.min[p] = lowG
    outer.maps.max[p] = highG
    channelSums[p % channels] += planeSum
    inner.maps.min[p] = lowD
    inner.maps.max[p] = highD
  }
  return { gradOutputMaps: outer.maps, gradInputMaps: inner.maps, channelSums }
}
