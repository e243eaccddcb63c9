// convolab receptive-field: per layer of a STACK.json, its output shape and the theoretical
// receptive field of its units (size, jump, start per axis), as text or JSON.

import type { Language, ReceptiveField } from '../../core'
import { TORCH_CLASS, formatShape, planStack, receptiveFields } from '../../core'
import { parseCommand, parseShape } from './args'
import { stackFromArgs } from './stack-files'

export const RECEPTIVE_FIELD_USAGE = `convolab receptive-field --stack STACK.json|--preset NAME --input-shape N,C,H,W [--json]
                 (presets: lenet, vgg-block, dilated, encoder-decoder, resnet-stem)`

/** The JSON form: [{"layer", "type", "output_shape", "size", "jump", "start"}]. */
export function receptiveFieldJson(fields: readonly ReceptiveField[]): string {
  return JSON.stringify(fields.map((f) => ({ layer: f.layer, type: f.type, output_shape: f.outputShape, size: f.size, jump: f.jump, start: f.start })))
}

const number = (value: number): string => String(Number.isInteger(value) ? value : Number(value.toFixed(6)))

export function receptiveFieldText(fields: readonly ReceptiveField[], language: Language): string {
  const es = language === 'es'
  const header = es ? ['capa', 'tipo', 'forma de la salida', 'tamaño', 'salto', 'inicio'] : ['layer', 'type', 'output shape', 'size', 'jump', 'start']
  const rows = fields.map((f) => [
    String(f.layer),
    TORCH_CLASS[f.type],
    formatShape(f.outputShape),
    `${number(f.size[0])}×${number(f.size[1])}`,
    `${number(f.jump[0])}×${number(f.jump[1])}`,
    `${number(f.start[0])},${number(f.start[1])}`,
  ])
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)))
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => cell.padEnd(widths[c]))
      .join('  ')
      .trimEnd()
  const lines = [line(header), ...rows.map(line)]
  if (fields.some((f) => !f.box)) {
    lines.push(
      es
        ? 'tras una capa transpuesta el salto es fraccionario: el tamaño es la envolvente de las celdas que alcanzan la unidad'
        : 'after a transposed layer the jump is fractional: the size is the envelope of the cells that reach a unit',
    )
  }
  return lines.join('\n')
}

export async function receptiveFieldCommand(args: string[], language: Language): Promise<string> {
  const { values } = parseCommand(args, {
    stack: { type: 'string' },
    preset: { type: 'string' },
    'input-shape': { type: 'string' },
    json: { type: 'boolean' },
  })
  const inputShape = parseShape('--input-shape', values['input-shape'] as string | undefined, 4)
  const layers = await stackFromArgs(values, inputShape[1])
  const plan = planStack(layers, inputShape)
  if (plan.failure) throw plan.failure
  const fields = receptiveFields(layers, plan)
  return values.json ? receptiveFieldJson(fields) : receptiveFieldText(fields, language)
}
