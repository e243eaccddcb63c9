// Image files to tensors: PNG, JPEG, WebP, GIF (first frame) with sharp, BMP with bmp-ts.
// EXIF orientation is applied, transparency is flattened onto white, and values are in [0, 1].

import sharp, { type Sharp } from 'sharp'
import { ConvolabError } from '../core/errors'
import type { Tensor } from '../core/tensor'
import { LIMITS } from '../contract'
import { bmpSize, decodeBmp, isBmp } from './bmp'

export interface ImageOptions {
  /** File name, for messages. */
  name: string
  /** One channel (luma) instead of three. */
  grayscale?: boolean
  /** Longest side of the working size (aspect kept, never enlarged); 0 keeps the image's size. */
  maxSide?: number
}

export interface DecodedImage {
  /** (1, 3, H, W) or (1, 1, H, W), values in [0, 1]. */
  tensor: Tensor
  /** Upright size of the image before any resize. */
  originalWidth: number
  originalHeight: number
  resized: boolean
}

/** Pixels decoded at most, even when resizing: sharp's own default limit (16383²). */
export const DECODE_PIXEL_LIMIT = 268_402_689

const SHARP_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif'])

/** torchvision's rgb_to_grayscale weights (ITU-R 601-2 luma), so a gray image matches PyTorch's. */
const LUMA = [0.2989, 0.587, 0.114] as const

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp'] as const

export function isImageName(name: string): boolean {
  const lower = name.toLowerCase()
  return IMAGE_EXTENSIONS.some((extension) => lower.endsWith(extension))
}

export async function decodeImage(bytes: Uint8Array, options: ImageOptions): Promise<DecodedImage> {
  const { name } = options
  const maxSide = options.maxSide ?? 0
  if (bytes.length > LIMITS.maxFileBytes) {
    throw new ConvolabError('file-too-large', { name, size: bytes.length, limit: LIMITS.maxFileBytes })
  }
  try {
    const source = isBmp(bytes) ? bmpSource(bytes, name) : await sharpSource(bytes, name)
    const { width, height } = source
    checkSize(width, height, maxSide)
    let pipeline = source.image
    const target = fitInside(width, height, maxSide)
    const resized = target.width !== width || target.height !== height
    if (resized) pipeline = pipeline.resize({ width: target.width, height: target.height, fit: 'fill' })
    const { data, info } = await pipeline
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true })
    const tensor = toTensor(data, info.width, info.height, info.channels, options.grayscale ?? false)
    return { tensor, originalWidth: width, originalHeight: height, resized }
  } catch (error) {
    if (error instanceof ConvolabError) throw error
    throw new ConvolabError('image-decode', { name, detail: shortMessage(error) })
  }
}

interface Source {
  image: Sharp
  /** Upright size (after EXIF orientation). */
  width: number
  height: number
}

async function sharpSource(bytes: Uint8Array, name: string): Promise<Source> {
  const metadata = await sharp(bytes, { limitInputPixels: false }).metadata()
  if (!metadata.format || !SHARP_FORMATS.has(metadata.format)) {
    throw new ConvolabError('image-decode', { name, detail: `unsupported format ${metadata.format ?? 'unknown'}` })
  }
  const sideways = (metadata.orientation ?? 1) >= 5
  const width = sideways ? metadata.height : metadata.width
  const height = sideways ? metadata.width : metadata.height
  if (!width || !height) throw new ConvolabError('image-decode', { name, detail: 'the image has no size' })
  if (width * height > DECODE_PIXEL_LIMIT) throw tooManyPixels(width, height)
  // pages: 1 reads the first frame of a GIF; rotate() applies the EXIF orientation.
  const image = sharp(bytes, { pages: 1, limitInputPixels: DECODE_PIXEL_LIMIT, failOn: 'warning' }).rotate()
  return { image, width, height }
}

function bmpSource(bytes: Uint8Array, name: string): Source {
  const size = bmpSize(bytes)
  if (!size || size.width === 0 || size.height === 0) {
    throw new ConvolabError('image-decode', { name, detail: 'the BMP header is incomplete' })
  }
  if (size.width * size.height > DECODE_PIXEL_LIMIT) throw tooManyPixels(size.width, size.height)
  const { width, height, rgb } = decodeBmp(bytes)
  return { image: sharp(rgb, { raw: { width, height, channels: 3 } }), width, height }
}

function tooLarge(width: number, height: number): ConvolabError {
  return new ConvolabError('image-too-large', { width, height, limit: LIMITS.maxImageSide })
}

/** Beyond what can be decoded at all, before any resize: refused before a byte is decoded. */
function tooManyPixels(width: number, height: number): ConvolabError {
  const megapixels = (pixels: number) => Math.round(pixels / 1e6)
  return new ConvolabError('image-pixels', { width, height, megapixels: megapixels(width * height), limit: megapixels(DECODE_PIXEL_LIMIT) })
}

function checkSize(width: number, height: number, maxSide: number): void {
  if (maxSide === 0 && Math.max(width, height) > LIMITS.maxImageSide) throw tooLarge(width, height)
}

/** The size that fits in maxSide×maxSide with the aspect kept; never larger than the image. */
export function fitInside(width: number, height: number, maxSide: number): { width: number; height: number } {
  if (maxSide <= 0 || Math.max(width, height) <= maxSide) return { width, height }
  const scale = maxSide / Math.max(width, height)
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  }
}

function toTensor(pixels: Uint8Array, width: number, height: number, channels: number, grayscale: boolean): Tensor {
  const plane = width * height
  const rgb = (p: number, c: number): number => pixels[p * channels + (channels >= 3 ? c : 0)]
  if (grayscale) {
    const data = new Float64Array(plane)
    for (let p = 0; p < plane; p++) {
      data[p] = (LUMA[0] * rgb(p, 0) + LUMA[1] * rgb(p, 1) + LUMA[2] * rgb(p, 2)) / 255
    }
    return { shape: [1, 1, height, width], data }
  }
  const data = new Float64Array(3 * plane)
  for (let c = 0; c < 3; c++) {
    for (let p = 0; p < plane; p++) data[c * plane + p] = rgb(p, c) / 255
  }
  return { shape: [1, 3, height, width], data }
}

function shortMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0].slice(0, 200)
}
