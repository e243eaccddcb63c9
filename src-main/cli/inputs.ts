// Reads the CLI's input files: tensor files, or images read as (1, 3, H, W) in [0, 1], with the
// readers' notices for the output.

import { readFile, stat } from 'node:fs/promises'
import { extname } from 'node:path'
import type { Notice, Tensor } from '../../core'
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

/** A tensor file (.npy, .csv or .json); what the reader did that the user should know goes to notices. */
export async function readTensorPath(path: string, notices: Notice[] = []): Promise<Tensor> {
  const read = readTensorFile(await readBytes(path), path)
  notices.push(...read.notices)
  return read.tensor
}

const TENSOR_EXTENSIONS = new Set(['.npy', '.csv', '.json'])

/** The --input of compute: a tensor file, or an image (resized to fit maxSide when given). */
export async function readInputFile(path: string, grayscale: boolean, maxSide = 0, notices: Notice[] = []): Promise<Tensor> {
  const bytes = await readBytes(path)
  const read = TENSOR_EXTENSIONS.has(extname(path).toLowerCase()) ? readTensorFile(bytes, path) : await decodeImage(bytes, { name: path, grayscale, maxSide })
  notices.push(...read.notices)
  return read.tensor
}
