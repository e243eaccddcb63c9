// The settings form as the user edits it, and the Conv2dOptions and PyTorch code it stands for.

import type { Conv2dOptions, ConvGeometry, PaddingMode, Pair } from '../../../../core/geometry'

export type PaddingKind = 'number' | 'same' | 'valid'

export interface SettingsForm {
  strideH: number
  strideW: number
  paddingKind: PaddingKind
  paddingH: number
  paddingW: number
  dilationH: number
  dilationW: number
  groups: number
  paddingMode: PaddingMode
}

export const DEFAULT_SETTINGS: SettingsForm = {
  strideH: 1,
  strideW: 1,
  paddingKind: 'number',
  paddingH: 0,
  paddingW: 0,
  dilationH: 1,
  dilationW: 1,
  groups: 1,
  paddingMode: 'zeros',
}

function pair(h: number, w: number): Pair {
  return h === w ? h : [h, w]
}

export function toOptions(form: SettingsForm): Conv2dOptions {
  return {
    stride: pair(form.strideH, form.strideW),
    padding: form.paddingKind === 'number' ? pair(form.paddingH, form.paddingW) : form.paddingKind,
    dilation: pair(form.dilationH, form.dilationW),
    groups: form.groups,
    paddingMode: form.paddingMode,
  }
}

function python(value: Pair | string): string {
  if (typeof value === 'string') return `'${value}'`
  return typeof value === 'number' ? String(value) : `(${value[0]}, ${value[1]})`
}

/** torch.nn.Conv2d(...) with every option that differs from PyTorch's default. */
export function pytorchLine(geometry: ConvGeometry, options: Conv2dOptions): string {
  const g = geometry
  const args = [String(g.inChannels), String(g.outChannels), `kernel_size=${python(pair(g.kernelH, g.kernelW))}`]
  const stride = options.stride ?? 1
  if (python(stride) !== '1') args.push(`stride=${python(stride)}`)
  const padding = options.padding ?? 0
  if (python(padding) !== '0') args.push(`padding=${python(padding)}`)
  const dilation = options.dilation ?? 1
  if (python(dilation) !== '1') args.push(`dilation=${python(dilation)}`)
  if (g.groups !== 1) args.push(`groups=${g.groups}`)
  if (!g.hasBias) args.push('bias=False')
  if (g.paddingMode !== 'zeros') args.push(`padding_mode='${g.paddingMode}'`)
  return `torch.nn.Conv2d(${args.join(', ')}, dtype=torch.float64)`
}

/** Tensors with at most this many values are written out in the code; larger ones are not. */
export const MAX_VALUES_IN_CODE = 400

/** A tensor as a nested Python list; JavaScript's shortest round-trip digits, as Python's repr. */
export function pythonList(shape: readonly number[], data: ArrayLike<number>): string {
  const write = (axis: number, offset: number): string => {
    if (axis === shape.length) return Number.isFinite(data[offset]) ? String(data[offset]) : `float('${data[offset]}')`.replace('Infinity', 'inf')
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1)
    return `[${Array.from({ length: shape[axis] }, (_, k) => write(axis + 1, offset + k * stride)).join(', ')}]`
  }
  return write(0, 0)
}

export interface CodeTensors {
  input: { shape: readonly number[]; data: ArrayLike<number> }
  weight: { shape: readonly number[]; data: ArrayLike<number> }
  bias: ArrayLike<number> | null
}

/** A runnable PyTorch snippet for the current setting, with the values when they are small. */
export function pytorchCode(geometry: ConvGeometry, options: Conv2dOptions, tensors: CodeTensors): string {
  const shapeText = (shape: readonly number[]) => `(${shape.join(', ')})`
  const tensor = (shape: readonly number[], data: ArrayLike<number>) => `torch.tensor(${pythonList(shape, data)}, dtype=torch.float64)`
  const outShape = [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW]
  const lines = ['import torch', `conv = ${pytorchLine(geometry, options)}`]
  const small = (values: ArrayLike<number>) => values.length <= MAX_VALUES_IN_CODE
  if (small(tensors.weight.data) || tensors.bias) lines.push('with torch.no_grad():')
  lines.push(
    small(tensors.weight.data)
      ? `    conv.weight.copy_(${tensor(tensors.weight.shape, tensors.weight.data)})`
      : `# conv.weight: ${shapeText(tensors.weight.shape)}`,
  )
  if (tensors.bias) {
    lines.push(small(tensors.bias) ? `    conv.bias.copy_(${tensor([tensors.bias.length], tensors.bias)})` : `# conv.bias: (${tensors.bias.length},)`)
  }
  lines.push(
    small(tensors.input.data)
      ? `x = ${tensor(tensors.input.shape, tensors.input.data)}`
      : `x = torch.rand${shapeText(tensors.input.shape).replace(')', ', dtype=torch.float64)')}  # x: ${shapeText(tensors.input.shape)}`,
  )
  lines.push(`y = conv(x)  # y: ${shapeText(outShape)}`)
  return lines.join('\n')
}
