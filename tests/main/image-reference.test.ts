// Every kind of image read as a PyTorch user reads it: the tensor equals
// to_tensor(PIL.Image.open(p).convert('RGB')) (and convert('L') with grayscale), from reference
// values PIL made (tests/reference/generate_images.py writes the images and the .npy files).
// Exact (0 difference) for every kind. Two documented exceptions follow Convolab's choice instead
// (PIL's own values are kept beside them as .pil.*.npy): 16-bit PNGs read at full precision,
// v / 65535, within 1/255 of PIL's for RGB (PIL clips 16-bit gray to 255: no bound there); and a
// GIF's fully transparent pixels, black (libvips) where PIL shows the palette's hidden colour.

import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseNpy } from '../../core/npy'
import { decodeImage } from '../../src-main/image-io'

const DIR = join(__dirname, '..', 'reference', 'images')
const IMAGES = readdirSync(DIR).filter((name) => !name.endsWith('.npy'))
const npy = (name: string) => parseNpy(new Uint8Array(readFileSync(join(DIR, name))))

function maxDifference(a: Float64Array, b: Float64Array): number {
  let worst = 0
  for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k] - b[k]))
  return worst
}

/** Notices each kind must give, and no others. */
const NOTICES: Record<string, string[]> = {
  'rgba8.png': ['image-alpha'],
  'gray-alpha.png': ['image-alpha'],
  'palette-transparent.png': ['image-alpha'],
  'palette-transparent.gif': ['image-alpha'],
  'gray16.png': ['image-16bit'],
  'rgb16.png': ['image-16bit'],
  'cmyk.jpg': ['image-cmyk'],
}

describe('images equal PIL + to_tensor', () => {
  it('has every kind of image', () => {
    expect(IMAGES.length).toBeGreaterThanOrEqual(17)
  })

  for (const name of IMAGES) {
    for (const grayscale of [false, true]) {
      it(`${name} ${grayscale ? "convert('L')" : "convert('RGB')"}`, async () => {
        const bytes = new Uint8Array(readFileSync(join(DIR, name)))
        const { tensor, notices } = await decodeImage(bytes, { name, grayscale })
        const expected = npy(`${name}.${grayscale ? 'l' : 'rgb'}.npy`)
        expect(tensor.shape).toEqual(expected.shape)
        expect(maxDifference(tensor.data, expected.data)).toBe(0)
        expect(notices.map((notice) => notice.code)).toEqual(NOTICES[name] ?? [])
        if (name === 'rgb16.png') {
          const pil = npy(`${name}.pil.${grayscale ? 'l' : 'rgb'}.npy`)
          expect(maxDifference(tensor.data, pil.data)).toBeLessThanOrEqual(1 / 255 + 1e-12)
        }
        if (name.endsWith('.gif') && existsSync(join(DIR, `${name}.pil.rgb.npy`))) {
          // Only the fully transparent pixels differ from PIL, and they are 0 in every channel.
          const pil = npy(`${name}.pil.${grayscale ? 'l' : 'rgb'}.npy`)
          const differing = [...tensor.data.keys()].filter((k) => tensor.data[k] !== pil.data[k])
          expect(differing.length).toBeGreaterThan(0)
          expect(differing.every((k) => tensor.data[k] === 0)).toBe(true)
        }
      })
    }
  }
})
