// The names and one-line descriptions of core's classic stacks (core/stack-presets.ts), in both languages.

import type { Language } from '../core/errors'
import type { StackPresetId } from '../core/stack-presets'

export interface StackPresetText {
  name: string
  description: string
}

const TEXT: Record<StackPresetId, Record<Language, StackPresetText>> = {
  lenet: {
    en: { name: 'LeNet-like', description: 'conv 5×5 → ReLU → max-pool 2 → conv 5×5 → ReLU → max-pool 2' },
    es: { name: 'Tipo LeNet', description: 'conv 5×5 → ReLU → max-pool 2 → conv 5×5 → ReLU → max-pool 2' },
  },
  'vgg-block': {
    en: { name: 'VGG block', description: 'three conv 3×3 with 16 channels and padding 1, ReLU between' },
    es: { name: 'Bloque VGG', description: 'tres conv 3×3 de 16 canales con relleno 1, ReLU entre ellas' },
  },
  dilated: {
    en: { name: 'Dilated (WaveNet)', description: 'conv 3×3 with dilation 1, 2, 4, 8 (padding keeps the size), ReLU between: a 31×31 view' },
    es: {
      name: 'Dilatada (WaveNet)',
      description: 'conv 3×3 con dilatación 1, 2, 4, 8 (el relleno mantiene el tamaño), ReLU entre ellas: vista de 31×31',
    },
  },
  'encoder-decoder': {
    en: { name: 'Encoder–decoder', description: 'two stride-2 convs down, two stride-2 transposed convs back up to the input size' },
    es: {
      name: 'Codificador–decodificador',
      description: 'dos conv de paso 2 hacia abajo, dos conv transpuestas de paso 2 de vuelta al tamaño de la entrada',
    },
  },
  'resnet-stem': {
    en: { name: 'ResNet stem', description: 'conv 7×7 stride 2 padding 3 → ReLU → max-pool 3 stride 2 padding 1' },
    es: { name: 'Entrada de ResNet', description: 'conv 7×7 paso 2 relleno 3 → ReLU → max-pool 3 paso 2 relleno 1' },
  },
}

/** A stack preset's name and description in a language. */
export function stackPresetText(id: StackPresetId, language: Language): StackPresetText {
  return TEXT[id][language]
}
