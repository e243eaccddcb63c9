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
