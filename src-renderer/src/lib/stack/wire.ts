// A stack's layers as the engine's request carries them: tensors as payloads, options as they are.

import type { WireLayer } from '../../../../contract'
import type { Layer } from '../../../../core/layer'
import type { Tensor } from '../../../../core/tensor'

const payload = (tensor: Tensor) => ({ shape: [...tensor.shape], data: tensor.data })

export function layersOnWire(layers: readonly Layer[]): WireLayer[] {
  return layers.map((layer): WireLayer => {
    if (layer.type === 'conv2d' || layer.type === 'conv-transpose2d') {
      return { ...layer, weight: payload(layer.weight), bias: layer.bias ? payload(layer.bias) : null } as WireLayer
    }
    return { ...layer }
  })
}
