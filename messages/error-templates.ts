// The English and Spanish words of every code core's errors and notices carry: one template per
// code and language, filled with the error's values. A new code is added to ERROR_CODES in
// core/errors.ts and given its two templates here (the type checker refuses one without the other).

import type { ErrorCode, Params } from '../core/errors'
import { CSV_CAUSES } from './csv-causes'
import { count, plural } from './plural'
import { OPTION_EXPECTED, PAIR_EXPECTED } from './stack-file-options'
import { npyReasonWords } from './npy-reasons'
import { sessionCorruptWords } from './session-corrupt'

/** A template: the error's values, and its nested cause already worded (or its detail). */
export type Template = (p: Params, cause: string) => string

/** Spanish names of an axis: 'la altura' in "menor que la altura de la entrada". */
const AXIS_ES: Record<string, string> = { height: 'la altura', width: 'el ancho' }
/** Spanish names of an axis after "el eje": "en el eje alto". */
const AXIS_NAME_ES: Record<string, string> = { height: 'alto', width: 'ancho' }
/** The tensors 'tensor-shape' names. */
const TENSOR_EN: Record<string, string> = { input: 'the input', weight: 'the weight', bias: 'the bias' }
const TENSOR_ES: Record<string, string> = { input: 'la entrada', weight: 'el peso', bias: 'el bias' }

/** Why a session's animation cannot be exported ('animation-unavailable'). */
const ANIMATION_UNAVAILABLE_EN: Record<string, string> = {
  'region-gradient':
    "needs dE/dy, and the session's dE/dy (a loss or a drawn tensor of the whole output) does not apply to the animated region: export it with dE/dy = ones or random",
  'no-pair': "needs the Conv2d of the same weights to give back the input's shape, which this output padding breaks",
  'stack-refused': 'needs the whole stack to compute, and one of its layers cannot take its input',
  'stack-region': 'of a stack shows whole maps: --region is for one layer',
  'no-learning':
    'replays the session\'s "learning" setup (target, learning rate, steps), and this session has none: start a run in the Learn the kernel tab and save',
}
const ANIMATION_UNAVAILABLE_ES: Record<string, string> = {
  'region-gradient':
    'necesita dE/dy, y el dE/dy de la sesión (una pérdida o un tensor dibujado de toda la salida) no se aplica a la región animada: expórtela con dE/dy = unos o aleatorio',
  'no-pair': 'necesita que la Conv2d de los mismos pesos devuelva la forma de la entrada, y este output padding lo impide',
  'stack-refused': 'necesita que toda la pila se calcule, y una de sus capas no admite su entrada',
  'stack-region': 'de una pila muestra mapas enteros: --region es para una capa',
  'no-learning':
    'repite el ajuste "learning" de la sesión (objetivo, tasa de aprendizaje, pasos), y esta sesión no lo tiene: inicie un aprendizaje en la pestaña Aprender el kernel y guarde',
}

/** What is wrong with the words of a command line ('cli-option'). */
const CLI_OPTION_EN: Record<string, (p: Params) => string> = {
  unknown: (p) => `unknown option ${p.flag} (see convolab --help)`,
  'value-missing': (p) => `${p.flag} needs a value`,
  'no-value': (p) => `${p.flag} takes no value`,
  'value-dash': (p) => `${p.flag} needs a value; write one that starts with a dash as ${p.flag}=-1`,
  positional: (p) => `unexpected word ${p.value}: every value follows its --option`,
  command: (p) => `unknown command ${p.value} (see convolab --help)`,
  'one-of': (p) => `give ${p.flag} or ${p.other}, not both`,
  'positive-number': (p) => `${p.flag} must be a positive number (got ${p.value})`,
  fps: (p) => `${p.flag} must be more than 0 and at most 50 (got ${p.value})`,
  range: (p) => `the steps must be whole numbers with ${p.first} ≤ --from ≤ --to ≤ ${p.steps} (got ${p.from}..${p.to})`,
  size: (p) => `${p.flag} must be WIDTHxHEIGHT, e.g. 1280x720 (got ${p.value})`,
  unit: (p) =>
    `${p.flag} must be LAYER,N,C,H,W: a layer of the stack (from 0) and a unit of its output (batch item, channel, row, column), e.g. 2,0,1,5,7 (got ${p.value})`,
  region: (p) => `${p.flag} must be I,J,H,W: the first output row and column and the region's height and width, e.g. 100,200,8,8 (got ${p.value})`,
}
const CLI_OPTION_ES: Record<string, (p: Params) => string> = {
  unknown: (p) => `opción desconocida ${p.flag} (vea convolab --help)`,
  'value-missing': (p) => `${p.flag} necesita un valor`,
  'no-value': (p) => `${p.flag} no lleva valor`,
  'value-dash': (p) => `${p.flag} necesita un valor; escriba uno que empiece por guion como ${p.flag}=-1`,
  positional: (p) => `palabra inesperada ${p.value}: cada valor va tras su --opción`,
  command: (p) => `orden desconocida ${p.value} (vea convolab --help)`,
  'one-of': (p) => `indique ${p.flag} o ${p.other}, no ambas`,
  'positive-number': (p) => `${p.flag} debe ser un número positivo (se recibió ${p.value})`,
  fps: (p) => `${p.flag} debe ser mayor que 0 y como mucho 50 (se recibió ${p.value})`,
  range: (p) => `los pasos deben ser enteros con ${p.first} ≤ --from ≤ --to ≤ ${p.steps} (se recibió ${p.from}..${p.to})`,
  size: (p) => `${p.flag} debe ser ANCHOxALTO, p. ej. 1280x720 (se recibió ${p.value})`,
  unit: (p) =>
    `${p.flag} debe ser CAPA,N,C,H,W: una capa de la pila (desde la 0) y una unidad de su salida (elemento del lote, canal, fila, columna), p. ej. 2,0,1,5,7 (se recibió ${p.value})`,
  region: (p) =>
    `${p.flag} debe ser I,J,H,W: la primera fila y columna de la salida y el alto y ancho de la región, p. ej. 100,200,8,8 (se recibió ${p.value})`,
}

export const ERROR_TEMPLATES: Record<ErrorCode, { en: Template; es: Template }> = {
  'not-positive-int': {
    en: (p) => `${p.name} must be a whole number of at least ${p.min} (got ${p.value})`,
    es: (p) => `${p.name} debe ser un entero mayor o igual que ${p.min} (se recibió ${p.value})`,
  },
  'bad-rank': {
    en: (p) => `${p.name} must have ${p.rank} dimensions ${p.layout} (got shape ${p.shape})`,
    es: (p) => `${p.name} debe tener ${p.rank} dimensiones ${p.layout} (se recibió el shape ${p.shape})`,
  },
  'data-size': {
    en: (p) => `${p.name} has ${count('en', p.got, 'value', 'values')} but its shape ${p.shape} needs ${p.expected}`,
    es: (p) => `${p.name} tiene ${count('es', p.got, 'valor', 'valores')} pero su shape ${p.shape} necesita ${p.expected}`,
  },
  'groups-divide-in': {
    en: (p) => `groups ${p.groups} must divide in_channels ${p.inChannels}`,
    es: (p) => `grupos ${p.groups} debe dividir a in_channels ${p.inChannels}`,
  },
  'groups-divide-out': {
    en: (p) => `groups ${p.groups} must divide out_channels ${p.outChannels}`,
    es: (p) => `grupos ${p.groups} debe dividir a out_channels ${p.outChannels}`,
  },
  'weight-channels': {
    en: (p) => `the weight has ${p.got} input channels per filter but in_channels ${p.inChannels} / groups ${p.groups} = ${p.expected}`,
    es: (p) => `el peso tiene ${p.got} canales de entrada por filtro pero in_channels ${p.inChannels} / grupos ${p.groups} = ${p.expected}`,
  },
  'bias-size': {
    en: (p) =>
      `the bias has ${count('en', p.got, 'value', 'values')} but there ${plural('en', p.expected, 'is', 'are')} ${count('en', p.expected, 'output channel', 'output channels')}`,
    es: (p) => `el bias tiene ${count('es', p.got, 'valor', 'valores')} pero hay ${count('es', p.expected, 'canal de salida', 'canales de salida')}`,
  },
  'same-stride': {
    en: (p) => `padding 'same' needs stride 1 (got stride ${p.stride})`,
    es: (p) => `el relleno 'same' necesita paso 1 (se recibió paso ${p.stride})`,
  },
  'negative-padding': {
    en: (p) => `padding must be 0 or more (got ${p.value})`,
    es: (p) => `el relleno debe ser 0 o más (se recibió ${p.value})`,
  },
  'kernel-too-large': {
    en: (p) => `the dilated kernel (${p.kernel}) is larger than the padded input (${p.padded})`,
    es: (p) => `el kernel dilatado (${p.kernel}) es más grande que la entrada con relleno (${p.padded})`,
  },
  'reflect-padding': {
    en: (p) => `reflect padding ${p.padding} must be smaller than the input ${p.axis} ${p.size}`,
    es: (p) => `el relleno reflect ${p.padding} debe ser menor que ${AXIS_ES[p.axis]} de la entrada ${p.size}`,
  },
  'circular-padding': {
    en: (p) => `circular padding ${p.padding} must be at most the input ${p.axis} ${p.size}`,
    es: (p) => `el relleno circular ${p.padding} debe ser como mucho ${AXIS_ES[p.axis]} de la entrada ${p.size}`,
  },
  'padding-mode': {
    en: (p) => `padding mode must be zeros, reflect, replicate or circular (got ${p.value})`,
    es: (p) => `el modo de relleno debe ser zeros, reflect, replicate o circular (se recibió ${p.value})`,
  },
  'padding-value': {
    en: (p) => `padding must be a number, a pair H,W, 'same' or 'valid' (got ${p.value})`,
    es: (p) => `el relleno debe ser un número, un par H,W, 'same' o 'valid' (se recibió ${p.value})`,
  },
  'pair-value': {
    en: (p) => `${p.name} must be a number or a pair H,W (got ${p.value})`,
    es: (p) => `${p.name} debe ser un número o un par H,W (se recibió ${p.value})`,
  },
  'too-large': {
    en: (p) => `${p.name} is too large: ${p.value} (the limit is ${p.limit})`,
    es: (p) => `${p.name} es demasiado grande: ${p.value} (el límite es ${p.limit})`,
  },
  'output-padding-too-large': {
    en: (p) => `output padding ${p.outputPadding} on the ${p.axis} axis must be smaller than the stride ${p.stride} or the dilation ${p.dilation}`,
    es: (p) => `el relleno de salida ${p.outputPadding} en el eje ${AXIS_NAME_ES[p.axis]} debe ser menor que el paso ${p.stride} o la dilatación ${p.dilation}`,
  },
  'output-size-range': {
    en: (p) =>
      `the wanted output ${p.axis} ${p.wanted} cannot be reached: with these settings it is between ${p.min} and ${p.max} (input ${p.axis} ${p.input})`,
    es: (p) =>
      `no se puede obtener ${AXIS_ES[p.axis]} de salida ${p.wanted}: con estos ajustes está entre ${p.min} y ${p.max} (${AXIS_ES[p.axis]} de la entrada ${p.input})`,
  },
  'output-size-and-padding': {
    en: (p) => `output size ${p.size} needs output padding ${p.needed}, not the ${p.given} given; give one of the two`,
    es: (p) => `el tamaño de salida ${p.size} necesita relleno de salida ${p.needed}, no el ${p.given} indicado; indique solo uno de los dos`,
  },
  'transposed-output-too-small': {
    en: (p) => `the output would be ${p.size} (${p.formula}); it must be at least 1×1: lower the padding or raise the stride or kernel`,
    es: (p) => `la salida mediría ${p.size} (${p.formula}); debe ser al menos 1×1: reduzca el relleno o aumente el paso o el kernel`,
  },
  'pool-padding': {
    en: (p) => `pool padding ${p.padding} must be at most half the kernel size ${p.kernel} (at most ${p.limit})`,
    es: (p) => `el relleno del pooling ${p.padding} debe ser como mucho la mitad del tamaño de ventana ${p.kernel} (como mucho ${p.limit})`,
  },
  'pool-output-too-small': {
    en: (p) => `the pooling window (${p.window}) does not fit in the padded input (${p.padded}): the output would be ${p.size}`,
    es: (p) => `la ventana del pooling (${p.window}) no cabe en la entrada con relleno (${p.padded}): la salida mediría ${p.size}`,
  },
  'divisor-zero': {
    en: () => `divisor override must not be 0`,
    es: () => `el divisor forzado no puede ser 0`,
  },
  'avg-pool-dilation': {
    en: (p) => `AvgPool2d has no dilation (got ${p.value}); only MaxPool2d dilates its window`,
    es: (p) => `AvgPool2d no tiene dilatación (se recibió ${p.value}); solo MaxPool2d dilata su ventana`,
  },
  'pool-no-weights': {
    en: (p) => `${p.layer} has no weights to learn, so it can neither learn a kernel nor filter a target with a preset; pick Conv2d or ConvTranspose2d`,
    es: (p) =>
      `${p.layer} no tiene pesos que aprender, así que no puede aprender un kernel ni filtrar un objetivo con un preset; elija Conv2d o ConvTranspose2d`,
  },
  'layer-value': {
    en: (p) => `--layer must be ${p.layers} (got ${p.value})`,
    es: (p) => `--layer debe ser ${p.layers} (se recibió ${p.value})`,
  },
  'boolean-value': {
    en: (p) => `${p.name} must be true or false (got ${p.value})`,
    es: (p) => `${p.name} debe ser true o false (se recibió ${p.value})`,
  },
  'whole-number': {
    en: (p) => `${p.name} must be a whole number (got ${p.value})`,
    es: (p) => `${p.name} debe ser un número entero (se recibió ${p.value})`,
  },
  'flag-required': {
    en: (p) => `${p.flag} is required`,
    es: (p) => `falta ${p.flag}`,
  },
  'max-pool-tie': {
    en: (p) =>
      `${count('en', p.count, 'element', 'elements')} of x left out of the check: each lies within 2h of another value of a window it is in ` +
      `(or in a window with NaN or ±∞), where the maximum has no derivative; a central difference would split the gradient between the ` +
      `tied cells, while PyTorch and Convolab send it all to the first maximum`,
    es: (p) =>
      `${count('es', p.count, 'elemento', 'elementos')} de x fuera de la comprobación: cada uno está a menos de 2h de otro valor de una ventana ` +
      `en la que está (o en una ventana con NaN o ±∞), donde el máximo no tiene derivada; una diferencia central repartiría el gradiente ` +
      `entre las celdas empatadas, mientras que PyTorch y Convolab lo envían entero al primer máximo`,
  },
  'no-tie-free-input': {
    en: (p) => `no input without ties was drawn in ${p.attempts} tries; use smaller windows`,
    es: (p) => `no se sorteó ninguna entrada sin empates en ${p.attempts} intentos; use ventanas más pequeñas`,
  },
  'tensor-shape': {
    en: (p) => `${TENSOR_EN[p.tensor]} has shape ${p.got} but ${p.expected} was expected`,
    es: (p) => `${TENSOR_ES[p.tensor]} tiene shape ${p.got} pero se esperaba ${p.expected}`,
  },
  'grad-output-shape': {
    en: (p) => `the output gradient has shape ${p.got} but the output has shape ${p.expected}`,
    es: (p) => `el gradiente de la salida tiene shape ${p.got} pero la salida tiene shape ${p.expected}`,
  },
  'stack-layer': {
    en: (p, cause) => `layer ${p.index} (${p.kind}) cannot take its input ${p.shape}: ${cause}`,
    es: (p, cause) => `la capa ${p.index} (${p.kind}) no puede tomar su entrada ${p.shape}: ${cause}`,
  },
  'stack-unit': {
    en: (p) => `there is no unit ${p.unit} in layer ${p.index}, whose output has shape ${p.shape}`,
    es: (p) => `no hay ninguna unidad ${p.unit} en la capa ${p.index}, cuya salida tiene shape ${p.shape}`,
  },
  'stack-no-layer': {
    en: (p) => `there is no layer ${p.index} (the stack has ${p.count} ${Number(p.count) === 1 ? 'layer' : 'layers'}, from 0)`,
    es: (p) => `no existe la capa ${p.index} (la pila tiene ${p.count} ${Number(p.count) === 1 ? 'capa' : 'capas'}, desde la 0)`,
  },
  'stack-not-computed': {
    en: (p) => `layer ${p.index} was not computed (the stack stops at layer ${p.failed})`,
    es: (p) => `la capa ${p.index} no se calculó (la pila se detiene en la capa ${p.failed})`,
  },
  'stack-memory': {
    en: (p) =>
      `layer ${p.index} (${p.kind}) is not computed: with it the stack would hold ${p.mib} MiB of exact values, more than the ${p.limitMib} MiB kept at most; use a smaller input (or fewer layers)`,
    es: (p) =>
      `la capa ${p.index} (${p.kind}) no se calcula: con ella la pila ocuparía ${p.mib} MiB de valores exactos, más de los ${p.limitMib} MiB que se guardan como máximo; use una entrada más pequeña (o menos capas)`,
  },
  'stack-file': {
    en: (p, cause) => `${p.name}: ${cause}`,
    es: (p, cause) => `${p.name}: ${cause}`,
  },
  'stack-file-layer': {
    en: (p, cause) => `${p.name}, layer ${p.index}${p.kind ? ` (${p.kind})` : ''}: ${cause}`,
    es: (p, cause) => `${p.name}, capa ${p.index}${p.kind ? ` (${p.kind})` : ''}: ${cause}`,
  },
  'stack-file-json': {
    en: (p) =>
      p.position !== undefined ? `not valid JSON from character ${p.position}` : p.end === 1 ? 'not valid JSON: the text ends too early' : 'not valid JSON',
    es: (p) =>
      p.position !== undefined
        ? `no es un JSON válido desde el carácter ${p.position}`
        : p.end === 1
          ? 'no es un JSON válido: el texto termina antes de tiempo'
          : 'no es un JSON válido',
  },
  'stack-file-not-object': {
    en: () => 'a stack is an object {"layers": [...]}',
    es: () => 'una pila es un objeto {"layers": [...]}',
  },
  'stack-file-extra-key': {
    en: (p) => `unknown key ${p.keys} (a stack has only "layers")`,
    es: (p) => `clave desconocida ${p.keys} (una pila solo tiene "layers")`,
  },
  'stack-file-too-many-layers': {
    en: (p) => `a stack has at most ${p.limit} layers (this one has ${p.count})`,
    es: (p) => `una pila tiene como mucho ${p.limit} capas (esta tiene ${p.count})`,
  },
  'stack-file-layer-not-object': {
    en: () => 'a layer is an object {"type": ...}',
    es: () => 'una capa es un objeto {"type": ...}',
  },
  'stack-file-type-required': {
    en: (p) => `type is required (one of ${p.types})`,
    es: (p) => `falta type (uno de ${p.types})`,
  },
  'stack-file-type-unknown': {
    en: (p) => `unknown layer type ${p.type} (one of ${p.types})`,
    es: (p) => `tipo de capa desconocido ${p.type} (uno de ${p.types})`,
  },
  'stack-file-option-unknown': {
    en: (p) => `unknown option ${p.keys} for ${p.type} (options use PyTorch's keyword names)`,
    es: (p) => `opción desconocida ${p.keys} para ${p.type} (las opciones usan los nombres de PyTorch)`,
  },
  'stack-file-option-value': {
    en: (p) => `${p.key} must be ${(OPTION_EXPECTED[p.key] ?? PAIR_EXPECTED).en} (got ${p.got})`,
    es: (p) => `${p.key} debe ser ${(OPTION_EXPECTED[p.key] ?? PAIR_EXPECTED).es} (se recibió ${p.got})`,
  },
  'stack-file-weight-rank': {
    en: (p) => `the weight must have 4 dimensions ${p.layout} (got shape ${p.shape})`,
    es: (p) => `el peso debe tener 4 dimensiones ${p.layout} (se recibió el shape ${p.shape})`,
  },
  'stack-file-weight-mismatch': {
    en: (p) => `${p.key} ${p.value} does not match the weight of shape ${p.shape} (${p.fromWeight})`,
    es: (p) => `${p.key} ${p.value} no coincide con el peso de shape ${p.shape} (${p.fromWeight})`,
  },
  'npy-magic': {
    en: () => `not a NumPy .npy file (the magic string is missing)`,
    es: () => `no es un archivo .npy de NumPy (falta la cadena mágica)`,
  },
  'npy-truncated': {
    en: (p) => `the .npy file is truncated: ${npyReasonWords(p, 'en')}`,
    es: (p) => `el archivo .npy está truncado: ${npyReasonWords(p, 'es')}`,
  },
  'npy-header': {
    en: (p) => `the .npy header cannot be read: ${npyReasonWords(p, 'en')}`,
    es: (p) => `no se puede leer la cabecera del .npy: ${npyReasonWords(p, 'es')}`,
  },
  'npy-dtype': {
    en: (p) => `the .npy dtype ${p.dtype} is not supported (use float64, float32, an integer or bool type)`,
    es: (p) => `el dtype ${p.dtype} del .npy no está soportado (use float64, float32, un entero o bool)`,
  },
  'npy-version': {
    en: (p) => `the .npy format version ${p.version} is not supported (1, 2 and 3 are)`,
    es: (p) => `la versión ${p.version} del formato .npy no está soportada (sí lo están 1, 2 y 3)`,
  },
  'non-finite': {
    en: (p) => `${p.name} contains ${count('en', p.count, 'value that is', 'values that are')} NaN or infinite`,
    es: (p) => `${p.name} contiene ${count('es', p.count, 'valor NaN o infinito', 'valores NaN o infinitos')}`,
  },
  'image-decode': {
    en: (p) => `${p.name} is not an image that can be read (PNG, JPEG, WebP, GIF, BMP): ${p.detail}`,
    es: (p) => `${p.name} no es una imagen legible (PNG, JPEG, WebP, GIF, BMP): ${p.detail}`,
  },
  'image-too-large': {
    en: (p) => `the image is ${p.width}×${p.height}; the largest side accepted at full size is ${p.limit} (choose a working size)`,
    es: (p) => `la imagen mide ${p.width}×${p.height}; el lado máximo aceptado a tamaño completo es ${p.limit} (elija un tamaño de trabajo)`,
  },
  'file-too-large': {
    en: (p) => `${p.name} is ${p.size} bytes, more than the ${p.limit} accepted`,
    es: (p) => `${p.name} ocupa ${p.size} bytes, más de los ${p.limit} aceptados`,
  },
  'file-missing': {
    en: (p) => `cannot read ${p.name}: ${p.detail}`,
    es: (p) => `no se puede leer ${p.name}: ${p.detail}`,
  },
  'file-type': {
    en: (p) => `${p.name}: unknown file type (expected ${p.expected})`,
    es: (p) => `${p.name}: tipo de archivo desconocido (se esperaba ${p.expected})`,
  },
  'csv-value': {
    en: (p) => `${p.name}, line ${p.line}, column ${p.column}: '${p.text}' is not a number`,
    es: (p) => `${p.name}, línea ${p.line}, columna ${p.column}: '${p.text}' no es un número`,
  },
  'csv-empty': {
    en: (p) => `${p.name} holds no numbers`,
    es: (p) => `${p.name} no contiene números`,
  },
  'csv-ragged': {
    en: (p) =>
      `${p.name}, line ${p.line}: ${count('en', p.got, 'value', 'values')}, but the first row (line ${p.firstLine}) has ${p.expected}. ${CSV_CAUSES[p.cause]?.en ?? ''}`.trim(),
    es: (p) =>
      `${p.name}, línea ${p.line}: ${count('es', p.got, 'valor', 'valores')}, pero la primera fila (línea ${p.firstLine}) tiene ${p.expected}. ${CSV_CAUSES[p.cause]?.es ?? ''}`.trim(),
  },
  'csv-shape': {
    en: (p) => `${p.name} says its shape is ${p.shape} (${p.size} values) but holds ${p.count} values in rows of ${p.width}`,
    es: (p) => `${p.name} dice que su shape es ${p.shape} (${p.size} valores) pero contiene ${p.count} valores en filas de ${p.width}`,
  },
  'csv-header': {
    en: (p) => `${p.name}: line ${p.line} ('${p.header}') is a row of names, not numbers; it was skipped`,
    es: (p) => `${p.name}: la línea ${p.line} ('${p.header}') es una fila de nombres, no de números; se ha omitido`,
  },
  'image-alpha': {
    en: (p) =>
      `${p.name} has transparency; it was dropped as PyTorch's PIL convert('RGB') drops it (the colours under transparent pixels are kept, not flattened onto white)`,
    es: (p) =>
      `${p.name} tiene transparencia; se ha descartado como la descarta convert('RGB') de PIL en PyTorch (se conservan los colores bajo los píxeles transparentes, sin fundirlos sobre blanco)`,
  },
  'image-16bit': {
    en: (p) => `${p.name} has 16 bits per sample; its values are read at full precision, v / 65535 (PIL would cut them to 8 bits)`,
    es: (p) => `${p.name} tiene 16 bits por muestra; sus valores se leen con toda su precisión, v / 65535 (PIL los recortaría a 8 bits)`,
  },
  'image-cmyk': {
    en: (p) =>
      `${p.name} is a CMYK image; it was converted to RGB with PIL's formula (no colour profile), so its values are PyTorch's but its colours may differ from an image viewer's`,
    es: (p) =>
      `${p.name} es una imagen CMYK; se ha convertido a RGB con la fórmula de PIL (sin perfil de color), así que sus valores son los de PyTorch pero sus colores pueden diferir de los de un visor de imágenes`,
  },
  'empty-dimension': {
    en: (p) => `${p.name} has size 0 in dimension ${p.axis} (shape ${p.shape}); every dimension needs at least 1`,
    es: (p) => `${p.name} tiene tamaño 0 en la dimensión ${p.axis} (shape ${p.shape}); cada dimensión necesita al menos 1`,
  },
  'json-tensor': {
    en: (p) => `${p.name} is not a tensor in JSON (a nested array of numbers, or {"shape": [...], "data": [...]}): ${p.detail}`,
    es: (p) => `${p.name} no es un tensor en JSON (un array anidado de números, o {"shape": [...], "data": [...]}): ${p.detail}`,
  },
  'input-channels': {
    en: (p) => `the input has ${p.got} channels but the kernel expects ${p.expected}`,
    es: (p) => `la entrada tiene ${p.got} canales pero el kernel espera ${p.expected}`,
  },
  'bad-request': {
    en: (p) => `the request was refused: ${p.detail}`,
    es: (p) => `la petición fue rechazada: ${p.detail}`,
  },
  internal: {
    en: (p) => `something went wrong inside Convolab (a bug; nothing was lost): ${p.detail}`,
    es: (p) => `algo falló dentro de Convolab (un error del programa; no se perdió nada): ${p.detail}`,
  },
  'unknown-input': {
    en: () => `the input is no longer loaded; load it again`,
    es: () => `la entrada ya no está cargada; vuelva a cargarla`,
  },
  cancelled: {
    en: () => `cancelled`,
    es: () => `cancelado`,
  },
  'session-corrupt': {
    en: (p) => `this is not a valid Convolab session: ${sessionCorruptWords(p, 'en')}`,
    es: (p) => `no es una sesión válida de Convolab: ${sessionCorruptWords(p, 'es')}`,
  },
  'session-newer': {
    en: (p) => `this session was saved by a newer Convolab (format version ${p.version}; this one reads up to ${p.supported}); update Convolab to open it`,
    es: (p) =>
      `esta sesión se guardó con un Convolab más nuevo (versión de formato ${p.version}; esta lee hasta la ${p.supported}); actualice Convolab para abrirla`,
  },
  'image-pixels': {
    en: (p) => `the image is ${p.width}×${p.height} (${p.megapixels} megapixels); at most ${p.limit} megapixels can be read, even to resize`,
    es: (p) =>
      `la imagen mide ${p.width}×${p.height} (${p.megapixels} megapíxeles); se pueden leer como mucho ${p.limit} megapíxeles, incluso para redimensionarla`,
  },
  'file-write': {
    en: (p) => `cannot write ${p.name}: ${p.detail}`,
    es: (p) => `no se puede escribir ${p.name}: ${p.detail}`,
  },
  'session-extension': {
    en: (p) => `${p.name}: sessions are .convolab files`,
    es: (p) => `${p.name}: las sesiones son archivos .convolab`,
  },
  'animation-for-layer': {
    en: (p) => `the session shows ${p.layer}, whose animations are ${p.allowed} (got ${p.value})`,
    es: (p) => `la sesión muestra ${p.layer}, cuyas animaciones son ${p.allowed} (se recibió ${p.value})`,
  },
  'animation-unavailable': {
    en: (p) => `the ${p.animation} animation ${ANIMATION_UNAVAILABLE_EN[p.reason] ?? p.reason}`,
    es: (p) => `la animación ${p.animation} ${ANIMATION_UNAVAILABLE_ES[p.reason] ?? p.reason}`,
  },
  'unit-animation': {
    en: (p) =>
      p.reason === 'forward'
        ? `--unit starts the backward animation from one unit, and the forward animation starts from the input: use --animation backward, or leave out --unit`
        : `--unit is for a session that shows its stack (saved with the stack view open), and this one shows ${p.layer}: leave out --unit`,
    es: (p) =>
      p.reason === 'forward'
        ? `--unit inicia la animación hacia atrás desde una unidad, y la animación forward parte de la entrada: use --animation backward, o quite --unit`
        : `--unit es para una sesión que muestra su pila (guardada con la vista de pila abierta), y esta muestra ${p.layer}: quite --unit`,
  },
  'region-outside': {
    en: (p) => `--region ${p.region} must lie inside the ${p.height}×${p.width} output, at most ${p.limit}×${p.limit} cells`,
    es: (p) => `--region ${p.region} debe quedar dentro de la salida de ${p.height}×${p.width}, como mucho ${p.limit}×${p.limit} celdas`,
  },
  'cli-option': {
    en: (p) => CLI_OPTION_EN[String(p.reason)]?.(p) ?? `invalid option ${p.flag ?? p.value}`,
    es: (p) => CLI_OPTION_ES[String(p.reason)]?.(p) ?? `opción no válida ${p.flag ?? p.value}`,
  },
  'flag-value': {
    en: (p) => `${p.flag} must be one of ${p.allowed} (got ${p.value})`,
    es: (p) => `${p.flag} debe ser uno de ${p.allowed} (se recibió ${p.value})`,
  },
  'path-not-allowed': {
    en: (p) => `${p.name} was not chosen in a dialog or opened before; use Save As to choose where to save`,
    es: (p) => `${p.name} no se eligió en un diálogo ni se abrió antes; use Guardar como para elegir dónde guardar`,
  },
  'connection-lost': {
    en: () => `the connection to the engine was lost; the page reconnects by itself: try again in a moment`,
    es: () => `se perdió la conexión con el motor; la página se reconecta sola: vuelve a intentarlo en un momento`,
  },
  'no-data-folder': {
    en: () => `this window keeps no settings, recent files or autosaves`,
    es: () => `esta ventana no guarda ajustes, archivos recientes ni copias automáticas`,
  },
}
