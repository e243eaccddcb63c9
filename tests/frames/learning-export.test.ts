// The learning animation exported in Node from a session's saved learning setup: steps + 1 frames
// at the size asked, identical bytes twice, a GIF that decodes, a session without the setup refused.
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseSession } from '../../core'
import { exportFrames, learningSceneFromSession } from '../../src-main/export'
import { seedSession } from './helpers'

let scratch: string
const sample = () => parseSession(readFileSync('samples/learn-sobel-x.convolab', 'utf8'))

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-learning-export-'))
})

describe('exporting the learning animation', () => {
  it('the committed sample learns Sobel x: its last frame shows the kernel recovered', () => {
    const session = sample()
    expect(session.learning).toMatchObject({ target: { kind: 'preset', preset: 'sobel-x' }, steps: 60 })
    const scene = learningSceneFromSession(session, { colourMap: 'viridis', language: 'en', decimals: 2 })
    const last = scene.points[60]
    expect(last.loss).toBeLessThan(scene.points[0].loss * 1e-6)
    expect(Math.max(...last.weight.data.map((w, k) => Math.abs(w - [-1, 0, 1, -2, 0, 2, -1, 0, 1][k])))).toBeLessThan(1e-3)
  })

  it('writes steps + 1 PNG frames at the size asked, the same bytes twice', async () => {
    const session = sample()
    session.learning!.steps = 9
    const [first, second] = [join(scratch, 'png-1'), join(scratch, 'png-2')]
    for (const out of [first, second]) {
      const result = await exportFrames({ session, animation: 'learning', format: 'png', size: { width: 640, height: 360 }, out })
      expect(result.frames).toBe(10)
    }
    expect(readdirSync(first)).toEqual(Array.from({ length: 10 }, (_, k) => `frame-${String(k + 1).padStart(4, '0')}.png`))
    const meta = await sharp(join(first, 'frame-0010.png')).metadata()
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 640, 360])
    for (const name of readdirSync(first)) expect(Buffer.compare(readFileSync(join(first, name)), readFileSync(join(second, name)))).toBe(0)
    expect(Buffer.compare(readFileSync(join(first, 'frame-0001.png')), readFileSync(join(first, 'frame-0002.png')))).not.toBe(0)
  })

  it('writes a GIF of a range that decodes with its pages', async () => {
    const out = join(scratch, 'learning.gif')
    const result = await exportFrames({
      session: sample(),
      animation: 'learning',
      format: 'gif',
      size: { width: 320, height: 180 },
      fps: 5,
      range: [3, 8],
      out,
    })
    expect(result.frames).toBe(6)
    const meta = await sharp(out, { pages: -1 }).metadata()
    expect([meta.pages, meta.width, meta.pageHeight, meta.delay?.[0]]).toEqual([6, 320, 180, 200])
  })

  it('refuses a session without a learning setup, writing nothing', async () => {
    const out = join(scratch, 'none')
    await expect(exportFrames({ session: seedSession(), animation: 'learning', format: 'png', size: { width: 320, height: 180 }, out })).rejects.toMatchObject({
      code: 'animation-unavailable',
      params: { animation: 'learning', reason: 'no-learning' },
    })
    expect(existsSync(out)).toBe(false)
  })
})
