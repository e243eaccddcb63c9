// The MSE target "the input filtered by a preset" computed in the engine with its own kernel:
// y_target = x ⋆ w_preset (no bias). It is kept by id like an input, so learning and the
// backward pass of a photo use it without it ever crossing to the page; a small one also comes
// back whole so the page can show it. For the transposed layer the target is the input through
// that layer with the preset weight (no bias); a pool has no weight and is refused.

import type { Tensor } from '../../core'
import { ConvolabError, convTranspose2dGeometry } from '../../core'
import type { FilteredTarget, FilteredTargetRequest, GradOutputSpec } from '../../contract'
import { FILTERED_TARGET_VALUES } from '../../contract'
import { refusePool, transposedForward } from './family-layer'
import type { ConvKernel } from './kernel'

export async function filteredTarget(
  kernel: ConvKernel,
  inputs: ReadonlyMap<string, Tensor>,
  targetId: string,
  request: FilteredTargetRequest,
): Promise<{ answer: FilteredTarget; target: Tensor }> {
  refusePool(request.layer)
  const input = inputs.get(request.inputId)
  if (!input) throw new ConvolabError('unknown-input')
  const weight = { shape: [...request.weight.shape], data: request.weight.data }
  if (request.layer?.type === 'conv-transpose2d') {
    const geometry = convTranspose2dGeometry(input.shape, weight.shape, request.layer.options)
    // a fresh array: the target's own
    return kept(targetId, await transposedForward(kernel, input, weight, null, geometry))
  }
  const expectedChannels = weight.shape[1] * (request.options.groups ?? 1)
  if (input.shape[1] !== expectedChannels) throw new ConvolabError('input-channels', { got: input.shape[1], expected: expectedChannels })
  // The kernel may write into a buffer it is given; this one is the target's own.
  const { output } = await kernel.forward(input, weight, null, request.options)
  return kept(targetId, output)
}

function kept(targetId: string, output: Tensor): { answer: FilteredTarget; target: Tensor } {
  const target: Tensor = { shape: [...output.shape], data: output.data }
  const small = target.data.length <= FILTERED_TARGET_VALUES
  return { answer: { targetId, shape: [...target.shape], values: small ? target.data.slice() : null }, target }
}

/** A compute's upstream gradient with a stored target put in place of its id. */
export function resolveStoredTarget(spec: GradOutputSpec | undefined, inputs: ReadonlyMap<string, Tensor>): GradOutputSpec | undefined {
  if (spec?.kind !== 'mse-stored') return spec
  const target = inputs.get(spec.targetId)
  if (!target) throw new ConvolabError('unknown-input')
  return { kind: 'mse', target: { shape: [...target.shape], data: target.data } }
}
