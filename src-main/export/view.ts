// The current view and the tensors behind it, to files: the frame as PNG or SVG (the same drawing
// as the animation's), tensors as .npy or CSV. Each file lands whole or not at all.

import { writeFile } from 'node:fs/promises'
import { createCanvas } from '@napi-rs/canvas'
import { conv2d } from '../../core/conv2d'
import { conv2dBackward } from '../../core/conv2d-backward'
import { encodeCsv } from '../../core/csv'
import { encodeNpy } from '../../core/npy'
import type { Session } from '../../core/session'
import type { Tensor } from '../../core/tensor'
import type { FrameSize } from '../../frames/context'
import { paintFrame } from '../../frames/frame'
import type { Scene } from '../../frames/scene'
import { frameSvg } from '../../frames/svg'
import { stageFile } from './atomic'
import { registerFrameFont } from './fonts'
import { gradOutputSpec } from './session-scene'
import { upstreamGradient } from '../engine/grad-output'

async function writeWhole(out: string, bytes: Uint8Array | string): Promise<void> {
  const staging = await stageFile(out)
  try {
    await writeFile(staging.path, bytes)
    await staging.commit()
  } catch (error) {
    await staging.discard()
    throw error
  }
}

export interface ViewRequest {
  scene: Scene
  /** The step shown (0-based; −1 is the empty start). */
  step: number
  size: FrameSize
  out: string
}

export async function exportViewPng({ scene, step, size, out }: ViewRequest): Promise<void> {
  registerFrameFont()
  const canvas = createCanvas(size.width, size.height)
  paintFrame(canvas.getContext('2d'), scene, step, size)
  await writeWhole(out, await canvas.encode('png'))
}

export async function exportViewSvg({ scene, step, size, out }: ViewRequest): Promise<void> {
  await writeWhole(out, frameSvg(scene, step, size))
}

export type TensorFormat = 'npy' | 'csv'

export async function exportTensor(tensor: Tensor, format: TensorFormat, out: string): Promise<void> {
  await writeWhole(out, format === 'npy' ? encodeNpy(tensor) : encodeCsv(tensor))
}

/**
 * Every tensor of a session by the name a user knows it by: input, weight, bias, output,
 * grad_output, grad_input, grad_weight, grad_bias (the gradients from core's backward).
 */
export function sessionTensors(session: Session): Map<string, Tensor> {
  const bias = session.bias ? { shape: [session.bias.data.length], data: session.bias.data } : null
  const { output } = conv2d(session.input, session.weight, bias, session.options)
  const { gradOutput } = upstreamGradient(gradOutputSpec(session.gradOutput), output)
  const grads = conv2dBackward(session.input, session.weight, bias, gradOutput, session.options)
  const tensors = new Map<string, Tensor>([
    ['input', session.input],
    ['weight', session.weight],
    ['output', output],
    ['grad_output', gradOutput],
    ['grad_input', grads.gradInput],
    ['grad_weight', grads.gradWeight],
  ])
  if (bias) tensors.set('bias', bias)
  if (grads.gradBias) tensors.set('grad_bias', grads.gradBias)
  return tensors
}
