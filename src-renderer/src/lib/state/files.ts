// Opening a file by its name: images become the input, tensors (.npy, .csv, .json) the kernel.

import type { Explorer } from './explorer.svelte'

const IMAGE = /\.(png|jpe?g|webp|gif|bmp)$/i
const TENSOR = /\.(npy|csv|json)$/i

export function isImageName(name: string): boolean {
  return IMAGE.test(name)
}

export async function loadFile(app: Explorer, name: string, bytes: Uint8Array): Promise<void> {
  if (TENSOR.test(name)) {
    const read = await app.transport.invoke('readTensorFile', { bytes, name })
    if (!read.ok) return app.report(read)
    app.placeKernel(read.value)
    return
  }
  // Anything else is tried as an image; the engine says plainly when it is not one.
  const decoded = await app.transport.invoke('decodeImage', { bytes, name, grayscale: app.grayscale, maxSide: app.workingSize })
  if (!decoded.ok) return app.report(decoded)
  const { tensor, inputId, originalWidth, originalHeight } = decoded.value
  app.setInput({ shape: tensor.shape, data: tensor.data }, { kind: 'image', name, inputId, originalWidth, originalHeight })
  app.tool = 'pointer'
}
