// Classic stacks as data, with deterministic weights (PyTorch's default initialisation drawn
// from a seeded generator), so the app, the command line, the benchmark and tests share them.

import { ConvolabError } from './errors'
import type { Layer } from './layer'
import type { RandomSource } from './random'
import { kaimingTensor, seededSource, uniformTensor } from './random'
import type { Tensor } from './tensor'

export type StackPresetId = 'lenet' | 'vgg-block' | 'dilated' | 'encoder-decoder' | 'resnet-stem'

/** The classic stacks, in the order a menu lists them (names and descriptions: messages/stack-presets.ts). */
export const STACK_PRESET_IDS: readonly StackPresetId[] = ['lenet', 'vgg-block', 'dilated', 'encoder-decoder', 'resnet-stem']

/** PyTorch's default Conv2d/ConvTranspose2d initialisation: uniform ±1/√fan_in for w and b. */
function convWeights(
  source: RandomSource,
  weightShape: [number, number, number, number],
  fanIn: number,
  bias: boolean,
  biasLength: number,
): { weight: Tensor; bias: Tensor | null } {
  const bound = 1 / Math.sqrt(fanIn)
  return {
    weight: kaimingTensor(weightShape, source),
    bias: bias ? uniformTensor([biasLength], source, -bound, bound) : null,
  }
}

function conv(source: RandomSource, cin: number, cout: number, k: number, options: Partial<Layer> = {}, bias = true): Layer {
  return { type: 'conv2d', ...convWeights(source, [cout, cin, k, k], cin * k * k, bias, cout), ...options } as Layer
}

function convTranspose(source: RandomSource, cin: number, cout: number, k: number, options: Partial<Layer> = {}): Layer {
  // PyTorch's fan_in of a transposed weight (C_in, C_out, K, K) is C_out·K·K (its dim 1 onward)
  const { weight } = convWeights(source, [cin, cout, k, k], cout * k * k, false, 0)
  const bound = 1 / Math.sqrt(cout * k * k)
  return { type: 'conv-transpose2d', weight, bias: uniformTensor([cout], source, -bound, bound), ...options } as Layer
}

/**
 * The layers of a preset for inputs with `inChannels` channels; the same seed gives the same
 * weights. The last layer of the encoder–decoder gives back `inChannels` channels.
 */
export function stackPreset(id: StackPresetId, inChannels = 3, seed = 1): Layer[] {
  if (!Number.isInteger(inChannels) || inChannels < 1) {
    throw new ConvolabError('not-positive-int', { name: 'in_channels', min: 1, value: String(inChannels) })
  }
  const source = seededSource(seed)
  const relu: Layer = { type: 'relu' }
  switch (id) {
    case 'lenet':
      return [conv(source, inChannels, 6, 5), relu, { type: 'max-pool2d', kernelSize: 2 }, conv(source, 6, 16, 5), relu, { type: 'max-pool2d', kernelSize: 2 }]
    case 'vgg-block':
      return [conv(source, inChannels, 16, 3, { padding: 1 }), relu, conv(source, 16, 16, 3, { padding: 1 }), relu, conv(source, 16, 16, 3, { padding: 1 })]
    case 'dilated':
      return [1, 2, 4, 8].flatMap((dilation, i): Layer[] => {
        const layer = conv(source, i === 0 ? inChannels : 8, 8, 3, { dilation, padding: dilation })
        return i === 0 ? [layer] : [relu, layer]
      })
    case 'encoder-decoder':
      return [
        conv(source, inChannels, 8, 3, { stride: 2, padding: 1 }),
        relu,
        conv(source, 8, 16, 3, { stride: 2, padding: 1 }),
        relu,
        convTranspose(source, 16, 8, 3, { stride: 2, padding: 1, outputPadding: 1 }),
        relu,
        convTranspose(source, 8, inChannels, 3, { stride: 2, padding: 1, outputPadding: 1 }),
      ]
    case 'resnet-stem':
      return [
        // no bias: in ResNet a batch norm follows this conv
        conv(source, inChannels, 16, 7, { stride: 2, padding: 3 }, false),
        relu,
        { type: 'max-pool2d', kernelSize: 3, stride: 2, padding: 1 },
      ]
  }
  throw new ConvolabError('bad-request', { detail: `unknown stack preset '${String(id)}' (one of ${STACK_PRESET_IDS.join(', ')})` })
}
