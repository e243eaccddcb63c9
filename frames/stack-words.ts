// The words of the stack animation's frames, in English and Spanish (frames carry their own text,
// as exports are drawn outside the page too).

import type { Language } from '../core/errors'
import type { LayerType } from '../core/layer'

export interface StackWords {
  forward: string
  backward: string
  layer: string
  theInput: string
  theSeed: string
  seedRule: string
  legend: string
  routeJoiner: string
  shareJoiner: string
  localTitle: Partial<Record<LayerType, string>>
  forwardRule: Record<LayerType, string>
  backwardRule: Record<LayerType, string[]>
  /** A gate's count on the channel shown, one cell a unit (slope: LeakyReLU's, null for ReLU). */
  gatePass: (channel: number, pass: number, total: number, slope: number | null) => string
  /** The same when the map is drawn as box means. */
  gateBlocks: (channel: number, pass: number, total: number) => string
  gateAll: string
  gateNone: string
  gateNoneLeaky: string
  /** Box means: the exact units have both states even where a block's mean shows one. */
  gateMixed: string
}

const EN: StackWords = {
  forward: 'Forward through the stack',
  backward: 'Backward through the stack',
  layer: 'layer',
  theInput: 'the input x',
  theSeed: 'dE/dy = 1 at every output',
  seedRule: 'The gradient starts at the last layer’s output and flows back one layer at a time.',
  legend: 'one channel of each map (the strip’s choice); large maps are drawn as box means',
  routeJoiner: 'max →',
  shareJoiner: 'mean →',
  localTitle: { relu: 'mask x > 0', 'leaky-relu': '1 or slope', tanh: '1 − y²', sigmoid: 'y(1 − y)' },
  forwardRule: {
    conv2d: 'a = Σ w·x + b over each window (the single-layer explorer’s sum)',
    'conv-transpose2d': 'each input cell scatters w·x into the output (the transpose of a convolution)',
    'max-pool2d': 'each output is the largest value of its window',
    'avg-pool2d': 'each output is the mean of its window',
    relu: 'a = max(0, x), cell by cell',
    'leaky-relu': 'a = x if x > 0, slope·x otherwise',
    tanh: 'a = tanh(x), cell by cell',
    sigmoid: 'a = 1 / (1 + e^(−x)), cell by cell',
  },
  backwardRule: {
    conv2d: ['dE/dx = dE/dy dilated ×S, padded D·(K−1), correlated with rot180(w)', 'dE/dw = x ⋆ dE/dy (added over the batch), dE/db = Σ dE/dy'],
    'conv-transpose2d': ['dE/dx = dE/dy correlated with w (a plain convolution: the transpose of the transpose)', 'dE/dw = dE/dy ⋆ x, dE/db = Σ dE/dy'],
    'max-pool2d': ['each dE/dy goes to the one input cell that was the max of its window (PyTorch’s argmax); the others get 0'],
    'avg-pool2d': ['each dE/dy is shared equally by the cells of its window (divided by the window’s count)'],
    relu: ['dE/dx = dE/dy ⊙ (x > 0): the gradient passes where the ReLU was on and stops where it was off'],
    'leaky-relu': ['dE/dx = dE/dy ⊙ (1 where x > 0, the slope elsewhere)'],
    tanh: ['dE/dx = dE/dy ⊙ (1 − tanh(x)²)'],
    sigmoid: ['dE/dx = dE/dy ⊙ σ(x)(1 − σ(x))'],
  },
  gatePass: (c, pass, total, slope) =>
    `channel ${c}: ${pass} of ${total} units pass (x > 0, white); ${total - pass} ${slope === null ? 'stop (black)' : `are scaled by ${slope} (dark)`}`,
  gateBlocks: (c, pass, total) => `channel ${c}, drawn as box means: ${pass} of ${total} blocks have a mean x > 0 (white)`,
  gateAll: 'every unit of this channel passes, so its gradient goes through unchanged; another channel in the strip may show the mask stop some',
  gateNone: 'no unit of this channel passes, so its gradient stops here; another channel in the strip may show some pass',
  gateNoneLeaky: 'no unit of this channel is above 0, so all of its gradient is scaled by the slope',
  gateMixed: 'the exact units of this channel have both states (some pass, some stop); a block shows its mean',
}

const ES: StackWords = {
  forward: 'Hacia adelante por la pila',
  backward: 'Hacia atrás por la pila',
  layer: 'capa',
  theInput: 'la entrada x',
  theSeed: 'dE/dy = 1 en cada salida',
  seedRule: 'El gradiente empieza en la salida de la última capa y vuelve capa por capa.',
  legend: 'un canal de cada mapa (el elegido en la tira); los mapas grandes se dibujan como medias por bloques',
  routeJoiner: 'máx →',
  shareJoiner: 'media →',
  localTitle: { relu: 'máscara x > 0', 'leaky-relu': '1 o pendiente', tanh: '1 − y²', sigmoid: 'y(1 − y)' },
  forwardRule: {
    conv2d: 'a = Σ w·x + b sobre cada ventana (la suma del explorador de una capa)',
    'conv-transpose2d': 'cada celda de la entrada reparte w·x en la salida (la transpuesta de una convolución)',
    'max-pool2d': 'cada salida es el mayor valor de su ventana',
    'avg-pool2d': 'cada salida es la media de su ventana',
    relu: 'a = max(0, x), celda a celda',
    'leaky-relu': 'a = x si x > 0, pendiente·x si no',
    tanh: 'a = tanh(x), celda a celda',
    sigmoid: 'a = 1 / (1 + e^(−x)), celda a celda',
  },
  backwardRule: {
    conv2d: ['dE/dx = dE/dy dilatado ×S, relleno D·(K−1), correlado con rot180(w)', 'dE/dw = x ⋆ dE/dy (sumado sobre el lote), dE/db = Σ dE/dy'],
    'conv-transpose2d': ['dE/dx = dE/dy correlado con w (una convolución normal: la transpuesta de la transpuesta)', 'dE/dw = dE/dy ⋆ x, dE/db = Σ dE/dy'],
    'max-pool2d': ['cada dE/dy va a la única celda de la entrada que fue el máximo de su ventana (el argmax de PyTorch); las demás reciben 0'],
    'avg-pool2d': ['cada dE/dy se reparte por igual entre las celdas de su ventana (dividido por su número)'],
    relu: ['dE/dx = dE/dy ⊙ (x > 0): el gradiente pasa donde la ReLU estaba activa y se detiene donde no'],
    'leaky-relu': ['dE/dx = dE/dy ⊙ (1 donde x > 0, la pendiente en el resto)'],
    tanh: ['dE/dx = dE/dy ⊙ (1 − tanh(x)²)'],
    sigmoid: ['dE/dx = dE/dy ⊙ σ(x)(1 − σ(x))'],
  },
  gatePass: (c, pass, total, slope) =>
    `canal ${c}: pasan ${pass} de ${total} unidades (x > 0, en blanco); ${total - pass} ${slope === null ? 'se detienen (en negro)' : `se multiplican por ${slope} (oscuras)`}`,
  gateBlocks: (c, pass, total) => `canal ${c}, dibujado como medias por bloques: ${pass} de ${total} bloques tienen media x > 0 (en blanco)`,
  gateAll: 'todas las unidades de este canal pasan, así que su gradiente sigue sin cambios; otro canal de la tira puede mostrar la máscara deteniendo algunas',
  gateNone: 'ninguna unidad de este canal pasa, así que su gradiente se detiene aquí; otro canal de la tira puede mostrar algunas que pasan',
  gateNoneLeaky: 'ninguna unidad de este canal está por encima de 0, así que todo su gradiente se multiplica por la pendiente',
  gateMixed: 'las unidades exactas de este canal tienen los dos estados (unas pasan, otras se detienen); cada bloque muestra su media',
}

export function stackWords(language: Language): StackWords {
  return language === 'es' ? ES : EN
}
