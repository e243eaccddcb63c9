// convolab gradcheck: the seed's finite-difference check on random N(0,1) samples.

import type { GradcheckReport, Language } from '../../core'
import { ConvolabError, gradcheck, gradcheckAvgPool2d, gradcheckConvTranspose2d, gradcheckMaxPool2d } from '../../core'
import { formatLayerGradcheck } from '../../messages'
import type { OptionValues } from './args'
import { CONV_OPTIONS, convOptions, parseCommand, parsePair, parseShape } from './args'
import type { Layer } from './layers'
import { AVG_POOL_OPTIONS, MAX_POOL_OPTIONS, TRANSPOSED_OPTIONS, layerOf, poolOptions, transposedOptions } from './layers'

export const GRADCHECK_USAGE = `convolab gradcheck --input-shape N,C,H,W --out-channels M --kernel-size K|KH,KW
                 [--stride ...] [--padding ...] [--dilation ...] [--groups N] [--padding-mode ...]
                 [--bias] [--samples 100] [--tolerance 1e-5] [--seed 123]
  convolab gradcheck --layer conv-transpose2d --input-shape N,C_in,H,W --out-channels M --kernel-size K|KH,KW
                 [--stride ...] [--padding ...] [--output-padding ...] [--output-size H,W]
                 [--dilation ...] [--groups N] [--bias] [--samples ...] [--tolerance ...] [--seed ...]
  convolab gradcheck --layer max-pool2d|avg-pool2d --input-shape N,C,H,W --kernel-size K|KH,KW
                 [the layer's compute options] [--samples ...] [--tolerance ...] [--seed ...]`

const CHECK_OPTIONS = {
  layer: { type: 'string' },
  'input-shape': { type: 'string' },
  samples: { type: 'string' },
  tolerance: { type: 'string' },
  seed: { type: 'string' },
} as const

const LAYER_OPTIONS = {
  conv2d: { ...CONV_OPTIONS, 'out-channels': { type: 'string' }, 'kernel-size': { type: 'string' }, bias: { type: 'boolean' } },
  'conv-transpose2d': { ...TRANSPOSED_OPTIONS, 'out-channels': { type: 'string' }, 'kernel-size': { type: 'string' }, bias: { type: 'boolean' } },
  'max-pool2d': MAX_POOL_OPTIONS,
  'avg-pool2d': AVG_POOL_OPTIONS,
} as const

export function gradcheckCommand(args: string[], language: Language): { text: string; passed: boolean } {
  const layer: Layer = layerOf(args)
  const { values } = parseCommand(args, { ...CHECK_OPTIONS, ...LAYER_OPTIONS[layer] })
  const inputShape = parseShape('--input-shape', values['input-shape'] as string | undefined, 4) as [number, number, number, number]
  const samples = values.samples === undefined ? 100 : parseShape('--samples', values.samples as string, 1)[0]
  const seed = values.seed === undefined ? 123 : parseShape('--seed', values.seed as string, 1)[0]
  const tolerance = values.tolerance === undefined ? 1e-5 : Number(values.tolerance)
  if (!(tolerance > 0)) throw new ConvolabError('cli-option', { reason: 'positive-number', flag: '--tolerance', value: String(values.tolerance) })
  const common = { inputShape, samples, tolerance, seed }

  let report: GradcheckReport
  if (layer === 'max-pool2d') report = gradcheckMaxPool2d({ ...common, options: poolOptions(values) })
  else if (layer === 'avg-pool2d') report = gradcheckAvgPool2d({ ...common, options: poolOptions(values) })
  else {
    const outChannels = parseShape('--out-channels', values['out-channels'] as string | undefined, 1)[0]
    const kernel = kernelSize(values)
    const bias = Boolean(values.bias)
    report =
      layer === 'conv-transpose2d'
        ? gradcheckConvTranspose2d({ ...common, outChannels, kernelSize: kernel, options: transposedOptions(values), bias })
        : gradcheck({ ...common, outChannels, kernelSize: kernel, options: convOptions(values), bias })
  }
  return { text: formatLayerGradcheck(report, layer, language), passed: report.passed }
}

function kernelSize(values: OptionValues): readonly [number, number] {
  const kernel = parsePair('--kernel-size', values['kernel-size'] as string | undefined, 1)
  if (kernel === undefined) throw new ConvolabError('flag-required', { flag: '--kernel-size' })
  return typeof kernel === 'number' ? [kernel, kernel] : kernel
}
