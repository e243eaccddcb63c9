// What the family animation asks the engine for, from the explorer's document: the layer, the
// input, ConvTranspose2d's weight and bias, the sample, the region and the upstream gradient; and
// a key that changes exactly when one of them does (so the engine is asked once per change).

import type { GradOutputSpec } from '../../../../contract'
import type { Region } from '../../../../core/animation-region'
import type { Tensor } from '../../../../core/tensor'
import type { Backward } from '../state/backward.svelte'
import { tensorId } from '../state/backward.svelte'
import type { Explorer } from '../state/explorer.svelte'
import type { FamilyRequest, FamilySessionLayer } from './family-source'

/** The chosen dE/dy; ones and random need no output shape, so they hold while the Conv2d check does not apply. */
function upstreamOf(backward: Pick<Backward, 'choice' | 'seed' | 'spec'>): GradOutputSpec | null {
  if (backward.choice === 'ones') return { kind: 'ones' }
  if (backward.choice === 'random') return { kind: 'random', seed: backward.seed }
  return backward.spec
}

function specKey(spec: GradOutputSpec | null): unknown {
  if (!spec) return null
  if (spec.kind === 'tensor') return ['tensor', tensorId(spec.tensor as Tensor)]
  if (spec.kind === 'mse') return ['mse', tensorId(spec.target as Tensor)]
  return spec
}

export function familyRequestOf(
  app: Pick<Explorer, 'layer' | 'input' | 'weight' | 'bias' | 'useBias' | 'batchIndex'>,
  backward: Pick<Backward, 'choice' | 'seed' | 'spec'>,
  region: Region | null,
): { request: FamilyRequest; key: string } | null {
  if (app.layer.type === 'conv2d') return null
  const layer = app.layer as FamilySessionLayer
  const bias = layer.type === 'conv-transpose2d' && app.useBias ? app.bias : null
  const request: FamilyRequest = {
    layer,
    input: app.input,
    weight: app.weight,
    bias,
    n: app.batchIndex,
    region,
    gradOutput: upstreamOf(backward),
    pair: layer.type === 'conv-transpose2d',
  }
  const key = JSON.stringify([
    layer,
    tensorId(app.input),
    layer.type === 'conv-transpose2d' ? tensorId(app.weight) : null,
    bias ? Array.from(bias) : null,
    app.batchIndex,
    region,
    specKey(request.gradOutput),
  ])
  return { request, key }
}
