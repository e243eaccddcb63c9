// What the page computes itself with core: the animations need every float64 tensor on the page
// (frames draw from them), so forward and backward of the shown setting run here, bounded in size.

import { conv2d } from '../../../../core/conv2d'
import { conv2dBackward } from '../../../../core/conv2d-backward'
import type { Conv2dGradients } from '../../../../core/conv2d-backward'
import type { ConvGeometry } from '../../../../core/geometry'
import type { Tensor } from '../../../../core/tensor'
import type { Explorer } from '../state/explorer.svelte'

/** Multiply-adds of one pass the page takes on (a 512×512 RGB photo with a 5×5 kernel is 20 M). */
export const PAGE_WORK_LIMIT = 60_000_000

export function workOf(g: ConvGeometry): number {
  return g.batch * g.outChannels * g.outH * g.outW * g.inChannelsPerGroup * g.kernelH * g.kernelW
}

export interface PageForward {
  geometry: ConvGeometry
  input: Tensor
  weight: Tensor
  bias: Tensor | null
  output: Tensor
}

/** Forward of the explorer's current setting, or null when it is invalid or too large for the page. */
export function pageForward(app: Explorer): PageForward | null {
  const check = app.check
  if (!check.ok || workOf(check.geometry) > PAGE_WORK_LIMIT) return null
  const bias = app.useBias ? { shape: [app.bias.length], data: app.bias } : null
  const { output, geometry } = conv2d(app.input, app.weight, bias, app.options)
  return { geometry, input: app.input, weight: app.weight, bias, output }
}

export function pageBackward(forward: PageForward, gradOutput: Tensor, options: Explorer['options']): Conv2dGradients {
  return conv2dBackward(forward.input, forward.weight, forward.bias, gradOutput, options)
}
