// convolab compute --stack: forward (and backward with --grad-output, or from one unit with
// --unit, whose dE/dx is the unit's effective receptive field) through a STACK.json,
// every layer's output and gradients written as .npy, all files or none, and none left over
// from an earlier run into the same folder.

import { existsSync, statSync } from 'node:fs'
import type { GradientSeed, Language, Layer, StackForward, StackGradients, Tensor } from '../../core'
import { ConvolabError, TORCH_CLASS, encodeNpy, formatShape, stackBackward, stackForward } from '../../core'
import { createFastKernels } from '../../core/fast'
import { enableRelaxedSimd } from '../engine/parallel/relaxed-simd'
import { parseCommand, parseShape, parseUnit } from './args'
import { readInputFile, readTensorPath } from './inputs'
import { writeRunFiles } from './output-files'
import { readStackFile } from './stack-files'

export const STACK_COMPUTE_USAGE = `convolab compute --stack STACK.json --input X [--grad-output G.npy | --unit LAYER,N,C,H,W]
                 [--grayscale] [--max-side N] --out DIR`

/** True when compute is asked for a stack rather than one Conv2d. */
export function usesStack(args: readonly string[]): boolean {
  return args.some((arg) => arg === '--stack' || arg.startsWith('--stack='))
}

/** The files of a run: output.npy, grad_input.npy and per layer i layers/i_*.npy. */
export function stackFiles(forward: StackForward, grads: StackGradients | null): Map<string, Uint8Array> {
  const files = new Map<string, Uint8Array>([['output.npy', encodeNpy(forward.output)]])
  if (grads) files.set('grad_input.npy', encodeNpy(grads.gradInput))
  forward.layers.forEach((layer, i) => {
    files.set(`layers/${i}_output.npy`, encodeNpy(layer.output))
    if (!grads) return
    const gradOutput = grads.gradOutputs[i]
    const gradWeight = grads.gradWeights[i]
    const gradBias = grads.gradBiases[i]
    if (gradOutput) files.set(`layers/${i}_grad_output.npy`, encodeNpy(gradOutput))
    if (gradWeight) files.set(`layers/${i}_grad_weight.npy`, encodeNpy(gradWeight))
    if (gradBias) files.set(`layers/${i}_grad_bias.npy`, encodeNpy(gradBias))
  })
  return files
}

/**
 * Forward through the layers, backward from the seed `seedFor` gives once the forward pass is
 * known (null: forward only), the files written to `dir`; the lines to print. A layer that cannot
 * take its input refuses the whole run: nothing is written.
 */
export async function runStack(
  layers: readonly Layer[],
  input: Tensor,
  seedFor: (forward: StackForward) => GradientSeed | null,
  dir: string,
  language: Language,
): Promise<string> {
  // fused multiply-add kernels where Node has them behind a flag, as the engine does
  enableRelaxedSimd()
  const kernels = await createFastKernels()
  try {
    const forward = stackForward(layers, input, kernels)
    if (forward.failure) throw forward.failure
    const seed = seedFor(forward)
    const grads = seed ? stackBackward(layers, forward, seed, kernels) : null
    const files = stackFiles(forward, grads)
    await writeRunFiles(dir, files)

    const es = language === 'es'
    const lines = forward.plan.plans.map(
      (plan, i) => `${es ? 'capa' : 'layer'} ${i} ${TORCH_CLASS[layers[i].type]}: ${formatShape(plan.inputShape)} → ${formatShape(plan.outputShape)}`,
    )
    lines.push(`${es ? 'forma de la salida' : 'output shape'} ${formatShape(forward.output.shape)}`)
    lines.push(`${es ? 'escrito' : 'wrote'}: ${[...files.keys()].join(', ')}`)
    return lines.join('\n')
  } finally {
    kernels.release()
  }
}

export async function stackComputeCommand(args: string[], language: Language): Promise<string> {
  const { values } = parseCommand(args, {
    stack: { type: 'string' },
    input: { type: 'string' },
    'grad-output': { type: 'string' },
    unit: { type: 'string' },
    grayscale: { type: 'boolean' },
    'max-side': { type: 'string' },
    out: { type: 'string' },
  })
  for (const required of ['stack', 'input', 'out'] as const) {
    if (!values[required]) throw new ConvolabError('flag-required', { flag: `--${required}` })
  }
  const dir = values.out as string
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new ConvolabError('file-type', { name: dir, expected: language === 'es' ? 'una carpeta' : 'a folder' })
  }
  const layers = await readStackFile(values.stack as string)
  const maxSide = values['max-side'] === undefined ? 0 : parseShape('--max-side', values['max-side'] as string, 1)[0]
  const input = await readInputFile(values.input as string, Boolean(values.grayscale), maxSide)
  if (values['grad-output'] && values.unit) throw new ConvolabError('cli-option', { reason: 'one-of', flag: '--grad-output', other: '--unit' })
  // dE/dy = 1 at that unit of that layer, 0 elsewhere
  const unit: GradientSeed | null = values.unit === undefined ? null : { kind: 'unit', ...parseUnit(values.unit as string) }
  const gradOutput = values['grad-output'] ? await readTensorPath(values['grad-output'] as string) : null

  const seed: GradientSeed | null = gradOutput ? { kind: 'output', gradOutput } : unit
  return runStack(layers, input, () => seed, dir, language)
}
