// "Show as PyTorch" for a ConvTranspose2d or a pool: the module (core's layerAsPyTorch), and a
// runnable snippet with the weight, bias and input written out when they are small.

import type { Layer } from '../../../../core/layer'
import type { LayerPlan } from '../../../../core/layer-compute'
import { layerAsPyTorch } from '../../../../core/stack-pytorch'
import type { CodeTensors } from './options'
import { MAX_VALUES_IN_CODE, pythonList } from './options'

const shapeText = (shape: readonly number[]) => `(${shape.join(', ')})`
const tensor = (shape: readonly number[], data: ArrayLike<number>) => `torch.tensor(${pythonList(shape, data)}, dtype=torch.float64)`
const small = (values: ArrayLike<number>) => values.length <= MAX_VALUES_IN_CODE

/** (h, h) written as h, as a person would write it; other values as they are. */
function compact<T>(value: T): T {
  return Array.isArray(value) && value.length === 2 && value[0] === value[1] ? (value[0] as T) : value
}

/** The layer with its pairs written the short way (PyTorch accepts both). */
function compactLayer(layer: Layer): Layer {
  return Object.fromEntries(Object.entries(layer).map(([key, value]) => [key, key === 'outputSize' ? value : compact(value)])) as unknown as Layer
}

/** A runnable snippet computing y = layer(x) for the current setting (pools ignore `tensors.weight`). */
export function layerCode(layer: Layer, plan: LayerPlan, tensors: CodeTensors): string {
  const lines = ['import torch', `layer = ${layerAsPyTorch(compactLayer(layer), plan)}`]
  if (layer.type === 'conv-transpose2d') {
    const { weight, bias } = tensors
    if (small(weight.data) || bias) lines.push('with torch.no_grad():')
    lines.push(
      small(weight.data)
        ? `    layer.weight.copy_(${tensor(weight.shape, weight.data)})  # (C_in, C_out/groups, KH, KW)`
        : `# layer.weight: ${shapeText(weight.shape)}, (C_in, C_out/groups, KH, KW)`,
    )
    if (bias) lines.push(small(bias) ? `    layer.bias.copy_(${tensor([bias.length], bias)})` : `# layer.bias: (${bias.length},)`)
  }
  const input = tensors.input
  lines.push(
    small(input.data)
      ? `x = ${tensor(input.shape, input.data)}`
      : `x = torch.rand${shapeText(input.shape).replace(')', ', dtype=torch.float64)')}  # x: ${shapeText(input.shape)}`,
  )
  // A wanted output size is an argument of the call, as nn.ConvTranspose2d takes it
  const call = layer.type === 'conv-transpose2d' && layer.outputSize ? `layer(x, output_size=[${layer.outputSize[0]}, ${layer.outputSize[1]}])` : 'layer(x)'
  lines.push(`y = ${call}  # y: ${shapeText(plan.outputShape)}`)
  return lines.join('\n')
}
