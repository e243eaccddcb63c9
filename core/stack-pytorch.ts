// A stack written as the torch.nn.Sequential that computes it ("Show as PyTorch"): one module
// per layer, with only the options that differ from PyTorch's defaults.

import type { Layer } from './layer'
import type { LayerPlan } from './layer-compute'
import type { Pair } from './geometry'

function python(value: Pair | string): string {
  if (typeof value === 'string') return `'${value}'`
  return typeof value === 'number' ? String(value) : `(${value[0]}, ${value[1]})`
}

function sameAs(value: Pair | string | undefined | null, fallback: string): boolean {
  return value === undefined || value === null || python(value) === fallback
}

function option(args: string[], name: string, value: Pair | string | undefined | null, fallback: string): void {
  if (!sameAs(value, fallback)) args.push(`${name}=${python(value as Pair | string)}`)
}

/** Python's repr of a float: JavaScript's shortest round-trip digits, with a '.0' for whole numbers. */
function pythonFloat(value: number): string {
  return Number.isInteger(value) ? `${value}.0` : String(value)
}

/** torch.nn.<Layer>(...) for one layer; conv layers need their plan for the channel counts. */
export function layerAsPyTorch(layer: Layer, plan: LayerPlan): string {
  const args: string[] = []
  switch (layer.type) {
    case 'conv2d':
    case 'conv-transpose2d': {
      if (plan.type !== layer.type) throw new Error('the plan is not of this layer')
      const g = plan.geometry
      args.push(String(g.inChannels), String(g.outChannels), python(g.kernelH === g.kernelW ? g.kernelH : [g.kernelH, g.kernelW]))
      option(args, 'stride', layer.stride, '1')
      option(args, 'padding', layer.padding, '0')
      if (layer.type === 'conv-transpose2d') option(args, 'output_padding', layer.outputPadding, '0')
      if (layer.groups !== undefined && layer.groups !== 1) args.push(`groups=${layer.groups}`)
      if (!layer.bias) args.push('bias=False')
      option(args, 'dilation', layer.dilation, '1')
      if (layer.type === 'conv2d') option(args, 'padding_mode', layer.paddingMode, "'zeros'")
      args.push('dtype=torch.float64')
      return `torch.nn.${layer.type === 'conv2d' ? 'Conv2d' : 'ConvTranspose2d'}(${args.join(', ')})`
    }
    case 'max-pool2d':
    case 'avg-pool2d': {
      args.push(python(layer.kernelSize))
      if (layer.stride !== undefined && layer.stride !== null) args.push(`stride=${python(layer.stride)}`)
      option(args, 'padding', layer.padding, '0')
      if (layer.type === 'max-pool2d') option(args, 'dilation', layer.dilation, '1')
      if (layer.ceilMode) args.push('ceil_mode=True')
      if (layer.type === 'avg-pool2d') {
        if (layer.countIncludePad === false) args.push('count_include_pad=False')
        if (layer.divisorOverride !== undefined && layer.divisorOverride !== null) args.push(`divisor_override=${layer.divisorOverride}`)
      }
      return `torch.nn.${layer.type === 'max-pool2d' ? 'MaxPool2d' : 'AvgPool2d'}(${args.join(', ')})`
    }
    case 'leaky-relu':
      return layer.negativeSlope === undefined || layer.negativeSlope === 0.01
        ? 'torch.nn.LeakyReLU()'
        : `torch.nn.LeakyReLU(negative_slope=${pythonFloat(layer.negativeSlope)})`
    case 'relu':
      return 'torch.nn.ReLU()'
    case 'tanh':
      return 'torch.nn.Tanh()'
    case 'sigmoid':
      return 'torch.nn.Sigmoid()'
  }
  throw new Error(`unknown layer type ${(layer as Layer).type}`)
}

/** torch.nn.Sequential(...) of the layers that fit (plans from planStack). */
export function stackAsPyTorch(layers: readonly Layer[], plans: readonly LayerPlan[]): string {
  const lines = plans.map((plan, i) => `    ${layerAsPyTorch(layers[i], plan)},`)
  return ['torch.nn.Sequential(', ...lines, ')'].join('\n')
}
