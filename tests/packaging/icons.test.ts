import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPng, readIcns, readIco } from './icon-files'

const root = join(__dirname, '..', '..')
const build = join(root, 'build')

// What each platform needs (electron-builder 26 docs, "Icons"): Linux a set of NxN.png,
// Windows an .ico of at least 256 px, macOS an .icns (at least 512 px).
const LINUX_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024]
const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
// ICNS PNG element types and the pixel size each must hold (Apple's icns type table).
const ICNS_SIZES: Record<string, number> = {
  icp4: 16,
  icp5: 32,
  ic11: 32,
  icp6: 64,
  ic12: 64,
  ic07: 128,
  ic08: 256,
  ic13: 256,
  ic09: 512,
  ic14: 512,
  ic10: 1024,
}

async function pngSize(data: Buffer): Promise<{ width: number; height: number; channels: number }> {
  expect(isPng(data)).toBe(true)
  const meta = await sharp(data).metadata()
  return { width: meta.width ?? 0, height: meta.height ?? 0, channels: meta.channels ?? 0 }
}

/** Largest per-channel difference between two PNGs of the same size, in 0..255 levels. */
async function maxPixelDifference(a: Buffer, b: Buffer): Promise<number> {
  const [ra, rb] = await Promise.all([a, b].map((png) => sharp(png).ensureAlpha().raw().toBuffer()))
  expect(ra.length).toBe(rb.length)
  let max = 0
  for (let i = 0; i < ra.length; i++) max = Math.max(max, Math.abs(ra[i] - rb[i]))
  return max
}

describe('icons in build/ (generated from build/icon.svg)', () => {
  it('has the Linux set: one square RGBA PNG per size, named NxN.png', async () => {
    for (const size of LINUX_SIZES) {
      const file = join(build, 'icons', `${size}x${size}.png`)
      expect(existsSync(file), file).toBe(true)
      expect(await pngSize(readFileSync(file))).toEqual({ width: size, height: size, channels: 4 })
    }
    expect(await pngSize(readFileSync(join(build, 'icon.png')))).toEqual({ width: 1024, height: 1024, channels: 4 })
  })

  it('has a Windows .ico holding PNGs of 16 to 256 px, each of its declared size', async () => {
    const images = readIco(readFileSync(join(build, 'icon.ico')))
    expect(images.map((i) => i.declaredSize)).toEqual(ICO_SIZES)
    for (const image of images) {
      const { width, height } = await pngSize(image.data)
      expect([width, height]).toEqual([image.declaredSize, image.declaredSize])
    }
  })

  it('has a macOS .icns whose PNG elements match their types, up to 1024 px', async () => {
    const images = readIcns(readFileSync(join(build, 'icon.icns')))
    expect(images.map((i) => i.key).sort()).toEqual(Object.keys(ICNS_SIZES).sort())
    for (const image of images) {
      const { width, height } = await pngSize(image.data)
      expect([width, height], image.key).toEqual([ICNS_SIZES[image.key], ICNS_SIZES[image.key]])
    }
  })

  describe('are up to date with the SVG', () => {
    let fresh: string
    beforeAll(() => {
      fresh = mkdtempSync(join(tmpdir(), 'convolab-icons-'))
      execFileSync(process.execPath, [join(root, 'scripts', 'icons.mjs'), fresh], { stdio: 'pipe' })
    })
    afterAll(() => rmSync(fresh, { recursive: true, force: true }))

    // Not byte-equal: PNG encoders and rasterisers may differ slightly between library versions.
    // 8 levels out of 255 allows anti-aliasing noise; a changed drawing differs by far more.
    const TOLERANCE = 8

    it('every PNG in the Linux set and icon.png matches a fresh render', async () => {
      for (const name of [...LINUX_SIZES.map((s) => `icons/${s}x${s}.png`), 'icon.png']) {
        const diff = await maxPixelDifference(readFileSync(join(build, name)), readFileSync(join(fresh, name)))
        expect(diff, name).toBeLessThanOrEqual(TOLERANCE)
      }
    })

    it('every image in icon.ico and icon.icns matches a fresh render', async () => {
      for (const [name, read] of [
        ['icon.ico', readIco],
        ['icon.icns', readIcns],
      ] as const) {
        const committed = read(readFileSync(join(build, name)))
        const rendered = read(readFileSync(join(fresh, name)))
        expect(committed.map((i) => i.key)).toEqual(rendered.map((i) => i.key))
        for (let i = 0; i < committed.length; i++) {
          const diff = await maxPixelDifference(committed[i].data, rendered[i].data)
          expect(diff, `${name} ${committed[i].key}`).toBeLessThanOrEqual(TOLERANCE)
        }
      }
    })
  })
})
