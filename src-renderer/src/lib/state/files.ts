// Opening a file by its name: images become the input, tensors (.npy, .csv, .json) the kernel.

import type { Notice } from '../../../../core/errors'
import type { EngineEvent } from '../../../../contract'
import type { Explorer } from './explorer.svelte'

const TENSOR = /\.(npy|csv|json)$/i

export type FilePurpose = NonNullable<Extract<EngineEvent, { type: 'open-file' }>['purpose']>

/** Opens a file; without a stated purpose, the extension decides (tensors go to the kernel). */
export async function loadFile(app: Explorer, name: string, bytes: Uint8Array, purpose?: FilePurpose): Promise<void> {
  if (purpose === 'tensor') return loadInputTensor(app, name, bytes)
  if (purpose === 'kernel' || (purpose === undefined && TENSOR.test(name))) {
    const read = await app.transport.invoke('readTensorFile', { bytes, name })
    if (!read.ok) return app.report(read)
    tell(app, read.value.notices)
    app.placeKernel(read.value)
    return
  }
  // Purposes this renderer does not open yet (saved sessions) are said, not ignored.
  if (purpose !== undefined && purpose !== 'image') return app.report({ ok: false, code: 'open-not-yet', params: { name }, message: '' })
  // Anything else is tried as an image; the engine says plainly when it is not one.
  const decoded = await app.transport.invoke('decodeImage', { bytes, name, grayscale: app.grayscale, maxSide: app.workingSize })
  if (!decoded.ok) return app.report(decoded)
  tell(app, decoded.value.notices)
  const { tensor, inputId, originalWidth, originalHeight } = decoded.value
  app.setInput({ shape: tensor.shape, data: tensor.data }, { kind: 'image', name, inputId, originalWidth, originalHeight })
  app.tool = 'pointer'
}

/** A tensor file as the input x: (H, W), (C, H, W) or (N, C, H, W). */
async function loadInputTensor(app: Explorer, name: string, bytes: Uint8Array): Promise<void> {
  const read = await app.transport.invoke('readTensorFile', { bytes, name })
  if (!read.ok) return app.report(read)
  tell(app, read.value.notices)
  const shape = read.value.shape
  const full = shape.length === 2 ? [1, 1, ...shape] : shape.length === 3 ? [1, ...shape] : shape
  if (full.length !== 4) {
    return app.report({ ok: false, code: 'bad-rank', params: { name, rank: 4, layout: '(N, C, H, W)', shape: `(${shape.join(', ')})` }, message: '' })
  }
  app.setInput({ shape: full, data: read.value.data }, { kind: 'drawn' })
}

/** The reader's notices (a skipped CSV header, 16-bit values, dropped transparency) shown as notes. */
function tell(app: Explorer, notices: readonly Notice[] | undefined): void {
  for (const notice of notices ?? []) app.report({ ok: false, code: notice.code, params: notice.params, message: '' })
}
