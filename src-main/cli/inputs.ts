// Reads the CLI's input files: .npy tensors, or images read as (1, 3, H, W) in [0, 1].

import { readFile, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import type { Tensor } from '../../core'
import { ConvolabError } from '../../core'
import { LIMITS } from '../../contract'
import { decodeImage } from '../image-io'
import { readTensorFile } from '../tensor-files'

async function readBytes(path: string): Promise<Uint8Array> {
  let size: number
  try {
    size = (await stat(path)).size
  } catch (error) {
    throw new ConvolabError('file-missing', { name: path, detail: (error as NodeJS.ErrnoException).code ?? String(error) })
  }
  if (size > LIMITS.maxFileBytes) throw new ConvolabError('file-too-large', { name: path, size, limit: LIMITS.maxFileBytes })
  try {
    return new Uint8Array(await readFile(path))
  } catch (error) {
    throw new ConvolabError('file-missing', { name: path, detail: (error as NodeJS.ErrnoException).code ?? String(error) })
  }
}

/** A tensor file (.npy, .csv or .json). */
export async function readTensorPath(path: string): Promise<Tensor> {
  return readTensorFile(await readBytes(path), path)
}

const TENSOR_EXTENSIONS = new Set(['.npy', '.csv', '.json'])

/** The --input of compute: a tensor file, or an image (resized to fit maxSide when given). */
export async function readInputFile(path: string, grayscale: boolean, maxSide = 0): Promise<Tensor> {
  const bytes = await readBytes(path)
  if (TENSOR_EXTENSIONS.has(extname(path).toLowerCase())) return readTensorFile(bytes, path)
  const decoded = await decodeImage(bytes, { name: path, grayscale, maxSide })
  return decoded.tensor
}
