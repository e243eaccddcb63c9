// Every kind of image read as a PyTorch user reads it: the tensor equals
// to_tensor(PIL.Image.open(p).convert('RGB')) (and convert('L') with grayscale), from reference
// values PIL made (tests/reference/generate_images.py writes the images and the .npy files).
// Exact (0 difference) for every kind; 16-bit PNGs follow Convolab's documented choice, v / 65535,
// which is within 1/255 of what PIL gives for RGB (PIL clips 16-bit gray to 255, so no bound there).

import { readdirSync, readFileSync } from 'node:fs'
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
  'gray16.png': ['image-16bit'],
  'rgb16.png': ['image-16bit'],
  'cmyk.jpg': ['image-cmyk'],
}

describe('images equal PIL + to_tensor', () => {
  it('has every kind of image', () => {
    expect(IMAGES.length).toBeGreaterThanOrEqual(15)
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
      })
    }
  }
})
