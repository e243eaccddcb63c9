// Frame export in Node: as many frames as the plan has steps, the sizes asked, a GIF that decodes,
// identical bytes twice, and cancel or failure leaving the destination as it was.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { animationPlan, conv2d, convGeometry, parseNpy, parseSession } from '../../core'
import type { Session } from '../../core'
import { exportFrames, exportTensor, exportViewPng, exportViewSvg, sceneFromSession, sessionTensors } from '../../src-main/export'
import { fixture, seedSession } from './helpers'

let scratch: string
const small = { width: 320, height: 180 }

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-export-'))
})

function listing(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : []
}

describe('PNG sequences', () => {
  it('writes one frame per step of the plan at each granularity, at the size asked', async () => {
    const session = seedSession()
    const geometry = convGeometry([2, 3, 7, 7], [4, 3, 5, 5], {})
    for (const [animation, granularity] of [
      ['forward', 'row'],
      ['backward-weight', 'channel'],
      ['backward-input', 'channel'],
      ['backward-scatter', 'row'],
    ] as const) {
      const out = join(scratch, `${animation}-${granularity}`)
      const progress: number[] = []
      const result = await exportFrames({ session, animation, granularity, format: 'png', size: small, out, onProgress: (p) => progress.push(p.done) })
      const steps = animationPlan(animation, geometry, granularity).steps
      expect(result.frames).toBe(steps)
      expect(listing(out)).toEqual(Array.from({ length: steps }, (_, k) => `frame-${String(k + 1).padStart(4, '0')}.png`))
      expect(progress).toEqual(Array.from({ length: steps }, (_, k) => k + 1))
      const meta = await sharp(join(out, 'frame-0001.png')).metadata()
      expect([meta.format, meta.width, meta.height]).toEqual(['png', 320, 180])
    }
  })

  it('the seed example at cell granularity has 72 forward frames; a range exports only its steps', async () => {
    const out = join(scratch, 'range')
    const result = await exportFrames({ session: seedSession(), animation: 'forward', format: 'png', size: { width: 1280, height: 720 }, range: [70, 72], out })
    expect(result.frames).toBe(3)
    expect(listing(out)).toEqual(['frame-0001.png', 'frame-0002.png', 'frame-0003.png'])
    const meta = await sharp(join(out, 'frame-0003.png')).metadata()
    expect([meta.width, meta.height]).toEqual([1280, 720])
    await expect(
      exportFrames({ session: seedSession(), animation: 'forward', format: 'png', size: small, range: [70, 73], out: join(scratch, 'bad-range') }),
    ).rejects.toMatchObject({ code: 'cli-option', params: { reason: 'range', from: 70, to: 73, steps: 72 } })
    expect(existsSync(join(scratch, 'bad-range'))).toBe(false)
  })

  it('gives identical bytes when the same session is exported twice', async () => {
    const session = seedSession('seed-stride2-padding1', { stride: 2, padding: 1 })
    const first = join(scratch, 'twice-1')
    const second = join(scratch, 'twice-2')
    for (const out of [first, second])
      await exportFrames({ session, animation: 'backward-input', format: 'png', size: { width: 640, height: 360 }, range: [1, 12], out })
    for (const name of listing(first)) expect(Buffer.compare(readFileSync(join(first, name)), readFileSync(join(second, name)))).toBe(0)
    // And the frames differ from each other: something moves.
    expect(Buffer.compare(readFileSync(join(first, 'frame-0001.png')), readFileSync(join(first, 'frame-0002.png')))).not.toBe(0)
  })

  it('cancel after a few frames leaves an existing folder as it was, and creates no missing one', async () => {
    const existing = join(scratch, 'keep')
    mkdirSync(existing)
    writeFileSync(join(existing, 'notes.txt'), 'mine')
    writeFileSync(join(existing, 'frame-0001.png'), 'an older frame')
    const before = listing(scratch)
    for (const out of [existing, join(scratch, 'never')]) {
      const controller = new AbortController()
      const attempt = exportFrames({
        session: seedSession(),
        animation: 'forward',
        format: 'png',
        size: small,
        out,
        signal: controller.signal,
        onProgress: ({ done }) => {
          if (done === 3) controller.abort()
        },
      })
      await expect(attempt).rejects.toMatchObject({ code: 'cancelled' })
    }
    expect(listing(existing)).toEqual(['frame-0001.png', 'notes.txt'])
    expect(readFileSync(join(existing, 'frame-0001.png'), 'utf8')).toBe('an older frame')
    expect(listing(scratch)).toEqual(before)
  })
})

describe('GIF', () => {
  it('decodes with as many pages as steps, at the size and delay asked', async () => {
    const out = join(scratch, 'forward.gif')
    const result = await exportFrames({ session: seedSession(), animation: 'forward', granularity: 'row', format: 'gif', size: small, fps: 5, out })
    expect(result.frames).toBe(24)
    const meta = await sharp(out, { pages: -1 }).metadata()
    expect([meta.format, meta.pages, meta.width, meta.pageHeight]).toEqual(['gif', 24, 320, 180])
    expect(meta.delay?.[0]).toBe(200)
    expect(listing(scratch).filter((name) => name.includes('convolab-tmp'))).toEqual([])
  })

  it('a cancelled GIF leaves the previous file untouched', async () => {
    const out = join(scratch, 'kept.gif')
    writeFileSync(out, 'previous')
    const controller = new AbortController()
    controller.abort()
    await expect(
      exportFrames({ session: seedSession(), animation: 'forward', format: 'gif', size: small, out, signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'cancelled' })
    expect(readFileSync(out, 'utf8')).toBe('previous')
  })
})

describe('views and tensors', () => {
  it('writes the current view as PNG and SVG, and every tensor as .npy and CSV', async () => {
    const session = seedSession()
    const scene = sceneFromSession(session, 'forward', 'cell', { colourMap: 'viridis', language: 'es', decimals: 2 })
    await exportViewPng({ scene, step: 4, size: { width: 800, height: 450 }, out: join(scratch, 'view.png') })
    expect((await sharp(join(scratch, 'view.png')).metadata()).width).toBe(800)
    await exportViewSvg({ scene, step: 4, size: { width: 800, height: 450 }, out: join(scratch, 'view.svg') })
    expect(readFileSync(join(scratch, 'view.svg'), 'utf8')).toContain('>Hacia adelante: y[0,0,1,1] = 18.77</text>')

    const tensors = sessionTensors(session)
    expect([...tensors.keys()]).toEqual(['input', 'weight', 'output', 'grad_output', 'grad_input', 'grad_weight'])
    await exportTensor(tensors.get('grad_input')!, 'npy', join(scratch, 'grad_input.npy'))
    const read = parseNpy(new Uint8Array(readFileSync(join(scratch, 'grad_input.npy'))))
    expect(read.shape).toEqual([2, 3, 7, 7])
    // The session's dE/dy is ones: the seed's printed dE/dx[0,0,0,:3].
    expect([...read.data.slice(0, 3)].map((v) => v.toFixed(8))).toEqual(['1.34111656', '4.72856081', '7.41120998'])
    // With the fixture's random dE/dy, the file equals PyTorch's gradient.
    const random = sessionTensors({ ...session, gradOutput: { kind: 'tensor', tensor: fixture('seed-stride1-padding0', 'grad_output.npy') } })
    await exportTensor(random.get('grad_input')!, 'npy', join(scratch, 'grad_input.npy'))
    const reference = fixture('seed-stride1-padding0', 'grad_input.npy')
    const again = parseNpy(new Uint8Array(readFileSync(join(scratch, 'grad_input.npy'))))
    again.data.forEach((v, k) => expect(Math.abs(v - reference.data[k])).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(reference.data[k]))))
    await exportTensor(tensors.get('output')!, 'csv', join(scratch, 'output.csv'))
    const csv = readFileSync(join(scratch, 'output.csv'), 'utf8').split('\n')
    expect(csv[0]).toBe('# shape (2, 4, 3, 3)')
    expect(csv[2].split(',').map((v) => Number(v).toFixed(8))).toEqual(['18.91400336', '17.74220249', '17.04932403'])
  })
})

describe('the committed seed example session', () => {
  it("holds the seed's x and w, stride 1, padding 0, dE/dy = ones, and gives the seed's y", () => {
    const session: Session = parseSession(readFileSync('samples/seed-example.convolab', 'utf8'))
    expect([...session.input.data]).toEqual([...fixture('seed-stride1-padding0', 'x.npy').data])
    expect([...session.weight.data]).toEqual([...fixture('seed-stride1-padding0', 'weight.npy').data])
    expect(session.bias).toBeNull()
    expect(session.gradOutput).toEqual({ kind: 'ones' })
    const y = conv2d(session.input, session.weight, null, session.options).output.data
    expect([...y.slice(0, 3)].map((v) => v.toFixed(8))).toEqual(['18.91400336', '17.74220249', '17.04932403'])
  })
})
