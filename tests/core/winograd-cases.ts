// The grad-weight cases of the Winograd tests (single thread and kernel threads): 3 × 3 stride-1
// convolutions with odd, even and 1 × 1 outputs, every padding mode at padding 0, 1 and 2,
// groups, batch 2 and channel counts around the kernel's 4 × 2 register block.
import type { Conv2dOptions, PaddingMode, Tensor } from '../../core'
import { PADDING_MODES, convGeometry, normalTensor, outputShape, seededSource } from '../../core'

export interface WinogradCase {
  name: string
  batch: number
  inChannels: number
  outChannels: number
  height: number
  width: number
  options: Conv2dOptions
}

/** Input sizes for each output size at padding p: output = input + 2p − 2. */
const OUTPUTS: [number, number][] = [
  [7, 9],
  [8, 8],
  [1, 1],
  [2, 3],
  [5, 12],
]
const CHANNELS: [number, number, number][] = [
  // [in, out, groups]; 3 → 16 runs the direct grad-weight (winogradWeightFits)
  [3, 16, 1],
  [4, 16, 1],
  [16, 16, 1],
  [16, 3, 1],
  [5, 7, 1],
  [8, 8, 2],
  [16, 16, 4],
  [8, 12, 2],
]

/** Every case the Winograd grad-weight must get right (all but 3 → 16 run it). */
export function winogradCases(): WinogradCase[] {
  const cases: WinogradCase[] = []
  let k = 0
  for (const [outH, outW] of OUTPUTS) {
    for (const padding of [0, 1, 2]) {
      for (const paddingMode of PADDING_MODES) {
        const [height, width] = [outH + 2 - 2 * padding, outW + 2 - 2 * padding]
        // reflect needs padding < size; circular padding ≤ size
        if (height < 1 || width < 1) continue
        if (paddingMode === 'reflect' && (padding >= height || padding >= width)) continue
        if (paddingMode === 'circular' && (padding > height || padding > width)) continue
        if (padding === 0 && paddingMode !== 'zeros') continue
        const [inChannels, outChannels, groups] = CHANNELS[k++ % CHANNELS.length]
        cases.push({
          name: `${outH}×${outW} output, padding ${padding} ${paddingMode}, ${inChannels}→${outChannels} in ${groups} groups`,
          batch: 2,
          inChannels,
          outChannels,
          height,
          width,
          options: { padding: [padding, padding], paddingMode: paddingMode as PaddingMode, groups },
        })
      }
    }
  }
  // every channel shape on one odd and one even size
  for (const [inChannels, outChannels, groups] of CHANNELS) {
    for (const [height, width] of [
      [9, 11],
      [10, 6],
    ]) {
      cases.push({
        name: `${height}×${width} input, padding 1 zeros, ${inChannels}→${outChannels} in ${groups} groups`,
        batch: 2,
        inChannels,
        outChannels,
        height,
        width,
        options: { padding: [1, 1], groups },
      })
    }
  }
  return cases
}

export interface CaseTensors {
  x: Tensor
  weight: Tensor
  gradOutput: Tensor
}

export function caseTensors(c: WinogradCase, seed: number): CaseTensors {
  const source = seededSource(seed)
  const groups = c.options.groups ?? 1
  const x = normalTensor([c.batch, c.inChannels, c.height, c.width], source)
  const weight = normalTensor([c.outChannels, c.inChannels / groups, 3, 3], source)
  const geometry = convGeometry(x.shape, weight.shape, c.options)
  return { x, weight, gradOutput: normalTensor(outputShape(geometry), source) }
}
