// Image files to tensors as PyTorch users read them: the values of torchvision's
// to_tensor(PIL.Image.open(p).convert('RGB')) (or 'L' for grayscale), decoded here with sharp
// (PNG, JPEG, WebP, GIF's first frame) or bmp-ts (BMP) and converted as PIL converts
// (./image-pixels.ts). Where Convolab differs from PIL: EXIF orientation is applied, 16-bit PNGs
// keep full precision (v / 65535) where PIL cuts or clips them to 8 bits, and a GIF's fully
// transparent pixels are 0 (libvips) where PIL shows the palette's hidden colour (README).
// Transparency, 16 bits and CMYK are each said in a notice.

import sharp, { type Metadata, type Sharp } from 'sharp'
import { ConvolabError, type Notice } from '../core/errors'
import type { Tensor } from '../core/tensor'
import { LIMITS } from '../contract'
import { bmpSize, decodeBmp, isBmp } from './bmp'
import { type Bands, type Pixels, toGrayTensor, toRgbTensor } from './image-pixels'

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
  /** What the user should know: transparency dropped, 16-bit values kept, CMYK converted. */
  notices: Notice[]
}

/** Pixels decoded at most, even when resizing: sharp's own default limit (16383²). */
export const DECODE_PIXEL_LIMIT = 268_402_689

const SHARP_FORMATS = new Set(['png', 'jpeg', 'webp', 'gif'])

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
    const { width, height, space } = source
    checkSize(width, height, maxSide)
    const notices: Notice[] = []
    if (source.hasAlpha && (await isTransparent(source.image, space.sixteenBit))) notices.push({ code: 'image-alpha', params: { name } })
    if (space.sixteenBit) notices.push({ code: 'image-16bit', params: { name } })
    if (space.bands === 'cmyk') notices.push({ code: 'image-cmyk', params: { name } })
    // Alpha is dropped, as PIL's convert('RGB') does, before any resize mixes it into the colours.
    let pipeline = source.hasAlpha ? source.image.removeAlpha() : source.image
    const target = fitInside(width, height, maxSide)
    const resized = target.width !== width || target.height !== height
    if (resized) pipeline = pipeline.resize({ width: target.width, height: target.height, fit: 'fill' })
    const { data, info } = await pipeline
      .toColourspace(space.interpretation)
      .raw({ depth: space.sixteenBit ? 'ushort' : 'uchar' })
      .toBuffer({ resolveWithObject: true })
    const samples = space.sixteenBit ? sixteenBitSamples(data) : data
    const pixels: Pixels = { samples, width: info.width, height: info.height, channels: info.channels, bands: space.bands }
    const tensor = options.grayscale ? toGrayTensor(pixels) : toRgbTensor(pixels)
    return { tensor, originalWidth: width, originalHeight: height, resized, notices }
  } catch (error) {
    if (error instanceof ConvolabError) throw error
    throw new ConvolabError('image-decode', { name, detail: shortMessage(error) })
  }
}

/** How a source's pixels are laid out once decoded (before any conversion to RGB or gray). */
interface Space {
  bands: Bands
  sixteenBit: boolean
  /** libvips' name for the same layout, so sharp hands the samples over unconverted. */
  interpretation: 'b-w' | 'grey16' | 'srgb' | 'rgb16' | 'cmyk'
}

interface Source {
  image: Sharp
  /** Upright size (after EXIF orientation). */
  width: number
  height: number
  space: Space
  hasAlpha: boolean
}

/** The decoded layout for sharp's metadata: gray, RGB or CMYK, 8 or 16 bits. */
function spaceOf(metadata: Metadata): Space {
  const sixteenBit = metadata.depth === 'ushort'
  if (metadata.space === 'cmyk') return { bands: 'cmyk', sixteenBit: false, interpretation: 'cmyk' }
  const gray = metadata.space === 'b-w' || metadata.space === 'grey16' || (metadata.channels ?? 3) <= 2
  if (gray) return { bands: 'gray', sixteenBit, interpretation: sixteenBit ? 'grey16' : 'b-w' }
  return { bands: 'rgb', sixteenBit, interpretation: sixteenBit ? 'rgb16' : 'srgb' }
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
  // pages: 1 reads the first frame of a GIF; rotate() applies the EXIF orientation; ignoreIcc
  // keeps the stored values, as PIL reads them, instead of converting through an embedded profile.
  const space = spaceOf(metadata)
  let image = sharp(bytes, { pages: 1, limitInputPixels: DECODE_PIXEL_LIMIT, failOn: 'warning', ignoreIcc: true }).rotate()
  // CMYK stays CMYK through the pipeline (not through a profile to sRGB): PIL's formula converts it.
  if (space.bands === 'cmyk') image = image.pipelineColourspace('cmyk')
  return { image, width, height, space, hasAlpha: metadata.hasAlpha ?? false }
}

/** 16-bit samples (native byte order, as sharp writes them) viewed in place, or copied when unaligned. */
function sixteenBitSamples(data: Buffer): Uint16Array {
  if (data.byteOffset % 2 === 0) return new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2)
  return new Uint16Array(Uint8Array.from(data).buffer)
}

/** Some pixel is not fully opaque (an alpha band that is all opaque changes nothing, so says nothing). */
async function isTransparent(image: Sharp, sixteenBit: boolean): Promise<boolean> {
  const { channels } = await image.clone().extractChannel('alpha').stats()
  return channels[0].min < (sixteenBit ? 65535 : 255)
}

function bmpSource(bytes: Uint8Array, name: string): Source {
  const size = bmpSize(bytes)
  if (!size || size.width === 0 || size.height === 0) {
    throw new ConvolabError('image-decode', { name, detail: 'the BMP header is incomplete' })
  }
  if (size.width * size.height > DECODE_PIXEL_LIMIT) throw tooManyPixels(size.width, size.height)
  const { width, height, rgb } = decodeBmp(bytes)
  const space: Space = { bands: 'rgb', sixteenBit: false, interpretation: 'srgb' }
  return { image: sharp(rgb, { raw: { width, height, channels: 3 } }), width, height, space, hasAlpha: false }
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

function shortMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error)
  return message.split('\n')[0].slice(0, 200)
}
