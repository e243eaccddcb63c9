// Words and numbers on a frame, in English or Spanish, and the font both canvases share.

import type { Language } from '../core/errors'

/**
 * The family frames are drawn in. The renderer registers the TTF below with FontFace under this
 * name, main registers the same file with @napi-rs/canvas: the same glyphs on screen and in files.
 */
export const FONT_FAMILY = 'Convolab DejaVu Sans'
/** The font files, as paths inside node_modules (npm package dejavu-fonts-ttf), by CSS weight. */
export const FONT_FILES: ReadonlyArray<{ module: string; weight: 'normal' | 'bold' }> = [
  { module: 'dejavu-fonts-ttf/ttf/DejaVuSans.ttf', weight: 'normal' },
  { module: 'dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf', weight: 'bold' },
]

export function font(px: number, bold = false): string {
  return `${bold ? 'bold ' : ''}${Math.round(px * 10) / 10}px "${FONT_FAMILY}", "DejaVu Sans", sans-serif`
}

/** A value with a fixed number of decimals, a true minus sign, no "−0.00"; NaN (not yet) is blank. */
export function formatValue(value: number, decimals: number): string {
  if (Number.isNaN(value)) return ''
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞'
  const text = value.toFixed(decimals)
  if (/^-0\.?0*$/.test(text)) return text.slice(1)
  return text.replace('-', '−')
}

const WORDS = {
  en: {
    forward: 'Forward',
    convolution: 'Convolution',
    backwardInput: 'Backward dE/dx',
    backwardWeight: 'Backward dE/dw',
    backwardScatter: 'Backward dE/dx as scatter',
    step: 'step',
    rotatedK: 'rot180(k) = w, slides',
    sum: 'Σ',
    dilatedPadded: 'dE/dy dilated ×S, padded D·(K−1)',
    rotated: 'rot180(w)',
    gradPadded: 'dE/d(xpad)',
    gradInput: 'dE/dx',
    crop: 'crop the padding',
    fold: 'fold the padding back',
    foldDetail: 'the gradient of each padding cell is added to the input cell it copies',
    dilated: 'dE/dy dilated ×S',
    gradWeight: 'dE/dw',
    accumulated: 'dE/d(xpad) so far',
    notYet: 'blank: not computed yet',
    padding: 'hatched: padding',
    insertedZero: 'dotted: inserted zeros',
    learning: 'Learning',
    loss: 'loss',
    kernelNow: 'w',
    targetKernel: 'target w',
    output: 'y',
    target: 'target',
    difference: 'y − target',
    lossCurve: 'Loss (MSE), log scale',
    learningRate: 'learning rate',
    update: 'gradient descent on w and b',
  },
  es: {
    forward: 'Hacia adelante',
    convolution: 'Convolución',
    backwardInput: 'Hacia atrás dE/dx',
    backwardWeight: 'Hacia atrás dE/dw',
    backwardScatter: 'Hacia atrás dE/dx como dispersión',
    step: 'paso',
    rotatedK: 'rot180(k) = w, se desliza',
    sum: 'Σ',
    dilatedPadded: 'dE/dy dilatado ×S, relleno D·(K−1)',
    rotated: 'rot180(w)',
    gradPadded: 'dE/d(xpad)',
    gradInput: 'dE/dx',
    crop: 'recortar el relleno',
    fold: 'devolver el relleno',
    foldDetail: 'el gradiente de cada celda de relleno se suma a la celda de la entrada que copia',
    dilated: 'dE/dy dilatado ×S',
    gradWeight: 'dE/dw',
    accumulated: 'dE/d(xpad) hasta ahora',
    notYet: 'en blanco: aún sin calcular',
    padding: 'rayado: relleno',
    insertedZero: 'punteado: ceros insertados',
    learning: 'Aprendizaje',
    loss: 'pérdida',
    kernelNow: 'w',
    targetKernel: 'w objetivo',
    output: 'y',
    target: 'objetivo',
    difference: 'y − objetivo',
    lossCurve: 'Pérdida (MSE), escala logarítmica',
    learningRate: 'tasa de aprendizaje',
    update: 'descenso por gradiente en w y b',
  },
} as const

export type Words = { readonly [K in keyof (typeof WORDS)['en']]: string }

export function wordsIn(language: Language): Words {
  return WORDS[language]
}

/** "[0,1,2,3]" */
export function indexText(...index: number[]): string {
  return `[${index.join(',')}]`
}
