// The names and one-line descriptions of core's classic stacks (core/stack-presets.ts builds
// their layers), in both languages, in the order a menu lists them.

import type { StackPresetId } from '../core/stack-presets'

export interface StackPreset {
  id: StackPresetId
  name: { en: string; es: string }
  description: { en: string; es: string }
}

export const STACK_PRESETS: readonly StackPreset[] = [
  {
    id: 'lenet',
    name: { en: 'LeNet-like', es: 'Tipo LeNet' },
    description: {
      en: 'conv 5×5 → ReLU → max-pool 2 → conv 5×5 → ReLU → max-pool 2',
      es: 'conv 5×5 → ReLU → max-pool 2 → conv 5×5 → ReLU → max-pool 2',
    },
  },
  {
    id: 'vgg-block',
    name: { en: 'VGG block', es: 'Bloque VGG' },
    description: {
      en: 'three conv 3×3 with 16 channels and padding 1, ReLU between',
      es: 'tres conv 3×3 de 16 canales con relleno 1, ReLU entre ellas',
    },
  },
  {
    id: 'dilated',
    name: { en: 'Dilated (WaveNet)', es: 'Dilatada (WaveNet)' },
    description: {
      en: 'conv 3×3 with dilation 1, 2, 4, 8 (padding keeps the size), ReLU between: a 31×31 view',
      es: 'conv 3×3 con dilatación 1, 2, 4, 8 (el relleno mantiene el tamaño), ReLU entre ellas: vista de 31×31',
    },
  },
  {
    id: 'encoder-decoder',
    name: { en: 'Encoder–decoder', es: 'Codificador–decodificador' },
    description: {
      en: 'two stride-2 convs down, two stride-2 transposed convs back up to the input size',
      es: 'dos conv de paso 2 hacia abajo, dos conv transpuestas de paso 2 de vuelta al tamaño de la entrada',
    },
  },
  {
    id: 'resnet-stem',
    name: { en: 'ResNet stem', es: 'Entrada de ResNet' },
    description: {
      en: 'conv 7×7 stride 2 padding 3 → ReLU → max-pool 3 stride 2 padding 1',
      es: 'conv 7×7 paso 2 relleno 3 → ReLU → max-pool 3 paso 2 relleno 1',
    },
  },
]
