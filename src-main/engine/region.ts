// Exact float64 values of a region of the last result, for the region animation on inputs too
// large to step through whole: the output rectangle, the padded input window it reads (padding
// applied as the convolution sees it), and dE/dy, dE/dx over the same places when a backward
// pass ran.

import type { ConvGeometry, Tensor } from '../../core'
import { ConvolabError, paddingMaps } from '../../core'
import type { PlaneRect, RegionValues, RegionValuesRequest, TensorPayload } from '../../contract'
import type { ExactTensors } from './compute'

/** Largest region: 64×64 output cells (the animation steps through each). */
export const MAX_REGION_CELLS = 64 * 64

export function regionValues(last: Omit<ExactTensors, 'arrays'>, request: RegionValuesRequest): RegionValues {
  const { geometry } = last
  const { batch, region } = request
  if (batch >= geometry.batch) throw new ConvolabError('bad-request', { detail: `regionValues: batch ${batch} of ${geometry.batch}` })
  if (region.top + region.height > geometry.outH || region.left + region.width > geometry.outW) {
    throw new ConvolabError('bad-request', {
      detail: `regionValues: rows ${region.top}..${region.top + region.height - 1}, columns ${region.left}..${region.left + region.width - 1} are outside the ${geometry.outH}×${geometry.outW} output`,
    })
  }
  const window = inputWindow(geometry, region)
  const result: RegionValues = {
    batch,
    region: { ...region },
    window,
    paddedInput: paddedWindow(last.input, geometry, batch, window),
    output: crop(last.output, batch, region),
  }
  if (last.gradOutput) result.gradOutput = crop(last.gradOutput, batch, region)
  if (last.gradInput) {
    // dE/dx where the window lies inside the input (padding cells have no gradient of their own)
    const top = Math.max(0, window.top - geometry.padTop)
    const left = Math.max(0, window.left - geometry.padLeft)
    const bottom = Math.min(geometry.inH, window.top + window.height - geometry.padTop)
    const right = Math.min(geometry.inW, window.left + window.width - geometry.padLeft)
    if (bottom > top && right > left) {
      const inside = { top, left, height: bottom - top, width: right - left }
      result.gradInput = { rect: inside, tensor: crop(last.gradInput, batch, inside) }
    }
  }
  return result
}

/** The padded-input rectangle an output rectangle reads (padded coordinates). */
export function inputWindow(geometry: ConvGeometry, region: PlaneRect): PlaneRect {
  const spanH = (geometry.kernelH - 1) * geometry.dilationH + 1
  const spanW = (geometry.kernelW - 1) * geometry.dilationW + 1
  return {
    top: region.top * geometry.strideH,
    left: region.left * geometry.strideW,
    height: (region.height - 1) * geometry.strideH + spanH,
    width: (region.width - 1) * geometry.strideW + spanW,
  }
}

/** x[batch, :, window] with padding applied (zeros, reflect, replicate or circular), shape (1, C, h, w). */
function paddedWindow(input: Tensor, geometry: ConvGeometry, batch: number, window: PlaneRect): TensorPayload {
  const { rows, cols } = paddingMaps(geometry)
  const channels = geometry.inChannels
  const data = new Float64Array(channels * window.height * window.width)
  let k = 0
  for (let c = 0; c < channels; c++) {
    const plane = (batch * channels + c) * geometry.inH * geometry.inW
    for (let i = 0; i < window.height; i++) {
      const row = rows[window.top + i]
      for (let j = 0; j < window.width; j++, k++) {
        const col = cols[window.left + j]
        data[k] = row < 0 || col < 0 ? 0 : input.data[plane + row * geometry.inW + col]
      }
    }
  }
  return { shape: [1, channels, window.height, window.width], data }
}

/** t[batch, :, rect] of an (N, C, H, W) tensor, shape (1, C, h, w). */
function crop(tensor: Tensor, batch: number, rect: PlaneRect): TensorPayload {
  const [, channels, height, width] = tensor.shape
  const data = new Float64Array(channels * rect.height * rect.width)
  let k = 0
  for (let c = 0; c < channels; c++) {
    const plane = (batch * channels + c) * height * width
    for (let i = 0; i < rect.height; i++) {
      const start = plane + (rect.top + i) * width + rect.left
      data.set(tensor.data.subarray(start, start + rect.width), k)
      k += rect.width
    }
  }
  return { shape: [1, channels, rect.height, rect.width], data }
}
