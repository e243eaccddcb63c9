// What the CLI export tests share: `convolab export --session … --format png` into a folder of a
// scratch directory, the frames' pixels, how many pixels two frames differ by, and the stack
// view's main request to the engine.

import { join } from 'node:path'
import sharp from 'sharp'
import type { Layer, Tensor } from '../../core'
import type { StackComputeResult, Transport } from '../../contract'
import { STACK_MAP_SIDE } from '../../frames/stack-scene'
import { run } from '../../src-main/cli'
import { layersOnWire } from '../../src-renderer/src/lib/stack/wire'

/** The size every export test draws its frames at. */
export const FRAME_SIZE = { width: 320, height: 180 }

/** exportPng(name, animation, more, language) for the sessions at sessionPath(name), its folders in scratch(). */
export function pngExporter(sessionPath: (name: string) => string, scratch: () => string) {
  return async (name: string, animation: string, more: string[] = [], language: 'en' | 'es' = 'en') => {
    const out = join(scratch(), `${name}-${animation}-${more.join('_').replace(/[^\w]/g, '')}`)
    const size = `${FRAME_SIZE.width}x${FRAME_SIZE.height}`
    const result = await run(
      ['export', '--session', sessionPath(name), '--animation', animation, '--format', 'png', '--out', out, '--size', size, ...more],
      language,
    )
    return { result, out }
  }
}

/** RGBA pixels of a PNG file or buffer. */
export async function pixels(file: string | Buffer): Promise<Buffer> {
  return sharp(file).ensureAlpha().raw().toBuffer()
}

/** Pixels whose colour differs between two RGBA buffers of one size. */
export function differing(a: Buffer, b: Buffer): number {
  let count = 0
  for (let k = 0; k < a.length; k += 4) if (a[k] !== b[k] || a[k + 1] !== b[k + 1] || a[k + 2] !== b[k + 2]) count++
  return count
}

/**
 * What the stack view asks the engine for first: `input` stored, then every layer's maps at the
 * strip's size with dE/dy = 1 at the output. The stored input's id comes back for later requests.
 */
export async function stackViewAnswer(
  engine: Transport,
  input: Tensor,
  layers: Layer[],
  requestId: number,
): Promise<{ inputId: string; result: StackComputeResult }> {
  const stored = await engine.invoke('setInput', { shape: [...input.shape], data: input.data })
  if (!stored.ok) throw new Error(stored.message)
  const answer = await engine.invoke('computeStack', {
    requestId,
    inputId: stored.value.inputId,
    layers: layersOnWire(layers),
    gradient: { kind: 'output', gradOutput: { kind: 'ones' } },
    display: { maxSide: STACK_MAP_SIDE },
  })
  if (!answer.ok) throw new Error(answer.message)
  return { inputId: stored.value.inputId, result: answer.value }
}
