// convolab session: writes a .convolab session (format 2) from files, for teachers who script
// their lessons: a Conv2d, another layer of the family (--layer, with the options `compute
// --layer` takes) and a stack (--stack STACK.json, shown when opened); the app opens it as if it
// had been saved there.

import { basename } from 'node:path'
import type { Language, Session, SessionLayer, SessionStack, Tensor } from '../../core'
import {
  ConvolabError,
  convGeometry,
  decodeSessionFile,
  encodeSessionFile,
  explorerLayer,
  formatShape,
  planLayer,
  planStack,
  presetById,
  presetWeightLike,
  sameShape,
} from '../../core'
import { writeFileAtomic } from '../storage/atomic-file'
import { isSessionPath } from '../storage/storage'
import type { OptionValues } from './args'
import { CONV_OPTIONS, convOptions, parseCommand, parseShape } from './args'
import { readInputFile, readTensorPath } from './inputs'
import type { Layer } from './layers'
import { AVG_POOL_OPTIONS, LAYER_INPUT_OPTIONS, MAX_POOL_OPTIONS, TRANSPOSED_OPTIONS, WEIGHT_OPTIONS, layerOf, poolOptions, transposedOptions } from './layers'
import { readStackFile } from './stack-files'

export const SESSION_USAGE = `convolab session --input X --weight W.npy [--bias B.npy] [--grad-output G.npy]
                 [--stride N|H,W] [--padding N|H,W|same|valid] [--dilation N|H,W]
                 [--groups N] [--padding-mode zeros|reflect|replicate|circular]
                 [--layer conv-transpose2d|max-pool2d|avg-pool2d (and the options compute --layer takes)]
                 [--stack STACK.json] [--grayscale] [--max-side N] --out FILE.convolab
                 (--weight is the Conv2d kernel kept for the pools and beside a stack: a 3×3 Sobel when left out)`

/** Flags of the session command with every layer (the Conv2d's weight is kept beside any layer), then each layer's own, as `compute --layer`. */
const COMMON_OPTIONS = { ...LAYER_INPUT_OPTIONS, ...WEIGHT_OPTIONS, stack: { type: 'string' } } as const

const LAYER_OPTIONS = {
  conv2d: CONV_OPTIONS,
  'conv-transpose2d': TRANSPOSED_OPTIONS,
  'max-pool2d': MAX_POOL_OPTIONS,
  'avg-pool2d': AVG_POOL_OPTIONS,
} as const

/** Only the options given: the app shows the others at their defaults, as PyTorch has them. */
function given<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined && value !== null)) as T
}

/** The explorer's layer from the command line (the Conv2d's own options stay in `options`). */
function sessionLayer(layer: Layer, values: OptionValues): SessionLayer {
  switch (layer) {
    case 'conv2d':
      return { type: 'conv2d' }
    case 'conv-transpose2d':
      return { type: 'conv-transpose2d', options: given(transposedOptions(values)) }
    case 'max-pool2d':
    case 'avg-pool2d': {
      const { kernelSize, stride, padding, dilation, countIncludePad, divisorOverride } = poolOptions(values)
      // a flag is saved only when given, as the other options
      const ceilMode = values['ceil-mode'] ? true : undefined
      return layer === 'max-pool2d'
        ? { type: layer, options: given({ kernelSize, stride, padding, dilation, ceilMode }) }
        : { type: layer, options: given({ kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride }) }
    }
  }
}

export async function sessionCommand(args: string[], language: Language): Promise<string> {
  const layerType = layerOf(args)
  const { values } = parseCommand(args, { ...COMMON_OPTIONS, ...LAYER_OPTIONS[layerType] })
  // a pool has no kernel, and a stack carries its own: the Conv2d kernel is then optional
  const needsWeight = (layerType === 'conv2d' || layerType === 'conv-transpose2d') && !values.stack
  for (const required of ['input', ...(needsWeight ? ['weight'] : []), 'out']) {
    if (!values[required]) throw new ConvolabError('flag-required', { flag: `--${required}` })
  }
  const out = values.out as string
  if (!isSessionPath(out)) throw new ConvolabError('session-extension', { name: basename(out) })
  // a bad setting is reported before any file is read
  const options = layerType === 'conv2d' ? convOptions(values) : {}
  const layer = sessionLayer(layerType, values)
  const maxSide = values['max-side'] === undefined ? 0 : parseShape('--max-side', values['max-side'] as string, 1)[0]
  const input = await readInputFile(values.input as string, Boolean(values.grayscale), maxSide)
  const weight = values.weight ? await readTensorPath(values.weight as string) : sobelFor(input)
  const bias = values.bias ? await readTensorPath(values.bias as string) : null
  const gradOutput = values['grad-output'] ? await readTensorPath(values['grad-output'] as string) : null
  const stackLayers = values.stack ? await readStackFile(values.stack as string) : null
  const flatBias: Tensor | null = bias ? { shape: [bias.data.length], data: bias.data } : null
  const stack: SessionStack | null = stackLayers ? { layers: stackLayers, selected: 0, active: true } : null
  const session: Session = {
    input,
    inputName: basename(values.input as string),
    weight,
    bias: flatBias,
    options: given(options),
    layer,
    ...(stack ? { stack } : {}),
    gradOutput: gradOutput ? { kind: 'tensor', tensor: gradOutput } : { kind: 'ones' },
    view: {},
  }
  // Refused here, with the reason, rather than written and refused when opened: what the
  // session shows must compute (the stack when there is one, else the layer).
  const outputShape = stack ? stackOutputShape(stack, input) : layerOutputShape(session)
  if (gradOutput && !sameShape(gradOutput.shape, outputShape)) {
    throw new ConvolabError('grad-output-shape', { got: formatShape(gradOutput.shape), expected: formatShape(outputShape) })
  }
  const bytes = encodeSessionFile(session)
  // Never write what could not be opened again.
  decodeSessionFile(bytes)
  await writeFileAtomic(out, bytes).catch((error: NodeJS.ErrnoException) => {
    throw new ConvolabError('file-write', { name: out, detail: error.code ?? error.message })
  })
  const es = language === 'es'
  const what = stack ? (es ? `; pila de ${stack.layers.length} capas` : `; a stack of ${stack.layers.length} layers`) : ''
  return es
    ? `sesión escrita: ${out} (${bytes.length} bytes); entrada ${formatShape(input.shape)}, salida ${formatShape(outputShape)}${what}`
    : `wrote the session ${out} (${bytes.length} bytes); input ${formatShape(input.shape)}, output ${formatShape(outputShape)}${what}`
}

/** The app's starting kernel, a 3×3 Sobel (x), for every input channel. */
function sobelFor(input: Tensor): Tensor {
  return presetWeightLike({ shape: [1, input.shape[1] ?? 1, 3, 3], data: new Float64Array(0) }, presetById('sobel-x'))
}

function layerOutputShape(session: Session): number[] {
  if (session.layer?.type === 'conv2d') {
    const geometry = convGeometry(session.input.shape, session.weight.shape, session.options, session.bias?.data.length)
    return [geometry.batch, geometry.outChannels, geometry.outH, geometry.outW]
  }
  return planLayer(explorerLayer(session), session.input.shape).outputShape
}

function stackOutputShape(stack: SessionStack, input: Tensor): number[] {
  const plan = planStack(stack.layers, input.shape)
  if (plan.failure) throw plan.failure
  return plan.plans.length ? plan.plans[plan.plans.length - 1].outputShape : [...input.shape]
}
