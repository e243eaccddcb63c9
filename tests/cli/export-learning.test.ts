// convolab export --animation learning: the session's saved learning run as PNG frames or a GIF.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { beforeAll, describe, expect, it } from 'vitest'
import { run } from '../../src-main/cli'

const sample = 'samples/learn-sobel-x.convolab'
let scratch: string

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-learning-'))
})

describe('convolab export --animation learning', () => {
  it('writes steps + 1 PNG frames (60 steps of the sample: 61 frames) at the size asked', async () => {
    const out = join(scratch, 'png')
    const result = await run(['export', '--session', sample, '--animation', 'learning', '--format', 'png', '--out', out, '--size', '320x180'], 'en')
    expect([result.code, result.stderr]).toEqual([0, ''])
    expect(result.stdout).toMatch(/^wrote 61 frames \(learning, 320×180\) to .* in \d+\.\d s$/)
    expect(readdirSync(out)).toHaveLength(61)
    const meta = await sharp(join(out, 'frame-0061.png')).metadata()
    expect([meta.width, meta.height]).toEqual([320, 180])
  })

  it('writes a GIF that decodes, --from alone running to the last frame, in Spanish', async () => {
    const out = join(scratch, 'learning.gif')
    const result = await run(
      ['export', '--session', sample, '--animation', 'learning', '--format', 'gif', '--out', out, '--size', '240x135', '--fps', '10', '--from', '55'],
      'es',
    )
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^escritos 7 fotogramas \(learning, 240×135\)/)
    const meta = await sharp(out, { pages: -1 }).metadata()
    expect([meta.pages, meta.width, meta.pageHeight]).toEqual([7, 240, 135])
  })

  it('refuses a session without a learning setup and a range past the last frame: exit 2, nothing written', async () => {
    const none = join(scratch, 'none')
    const missing = await run(['export', '--session', 'samples/seed-example.convolab', '--animation', 'learning', '--format', 'png', '--out', none], 'en')
    expect(missing.code).toBe(2)
    expect(missing.stderr).toMatch(/^convolab: the learning animation replays the session.s "learning" setup .*this session has none/)
    const past = await run(['export', '--session', sample, '--animation', 'learning', '--format', 'png', '--out', none, '--to', '62'], 'en')
    expect(past.code).toBe(2)
    expect(past.stderr).toMatch(/1 ≤ --from ≤ --to ≤ 61/)
    expect(existsSync(none)).toBe(false)
  })
})
