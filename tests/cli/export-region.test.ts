// convolab export --region I,J,H,W: the frames step through a region of a large output, the same
// frames the app's stage draws for it (the region's padded window as a small convolution whose
// outputs are core's cells); the session's saved region by default on a large output; refusals.

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { conv2d, normalTensor, seededSource, serializeSession, type Session } from '../../core'
import { frameModel } from '../../frames'
import { run } from '../../src-main/cli'
import { regionOf } from '../../src-main/export/frames'
import { frameOptionsOf, sceneFromSession } from '../../src-main/export/session-scene'

let scratch: string
let path: string
const source = seededSource(3)
const session: Session = {
  input: normalTensor([1, 2, 96, 80], source),
  weight: normalTensor([3, 2, 3, 3], source),
  bias: { shape: [3], data: Float64Array.of(0.5, -1, 2) },
  options: { padding: 1, paddingMode: 'circular', stride: 2 },
  gradOutput: { kind: 'random', seed: 4 },
  view: { region: { i: 10, j: 20, h: 4, w: 5 } },
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'convolab-cli-region-'))
  path = join(scratch, 'large.convolab')
  writeFileSync(path, serializeSession(session))
})

describe('convolab export --region', () => {
  it('steps through the asked region, each cell core’s value of the whole output', () => {
    const scene = sceneFromSession(session, 'forward', 'cell', frameOptionsOf(session, 'en'), { i: 30, j: 7, h: 3, w: 6 })
    expect(scene.plan.steps).toBe(3 * 3 * 6)
    const whole = conv2d(session.input, session.weight, session.bias, session.options).output
    const [, m, h, w] = whole.shape
    for (let c = 0; c < m; c++)
      for (let r = 0; r < 3; r++) for (let q = 0; q < 6; q++) expect(scene.data.output[(c * 3 + r) * 6 + q]).toBe(whole.data[(c * h + 30 + r) * w + 7 + q])
    // The frame's caption names the cell being written.
    expect(frameModel(scene, 0).title.length).toBeGreaterThan(0)
  })

  it('writes the frames of the region asked, and of the saved region by default', async () => {
    const out = join(scratch, 'asked')
    const asked = await run(
      [
        'export',
        '--session',
        path,
        '--animation',
        'forward',
        '--format',
        'png',
        '--out',
        out,
        '--size',
        '320x180',
        '--granularity',
        'row',
        '--region',
        '40,2,4,8',
      ],
      'en',
    )
    expect(asked.stderr).toBe('')
    expect(asked.stdout).toMatch(/^wrote 12 frames \(forward, row, region 40,2,4×8, 320×180\)/)
    expect(readdirSync(out)).toHaveLength(12)
    const saved = join(scratch, 'saved')
    const result = await run(
      ['export', '--session', path, '--animation', 'backward-scatter', '--format', 'png', '--out', saved, '--size', '160x90', '--from', '55'],
      'es',
    )
    expect(result.stdout).toMatch(/^escritos 6 fotogramas \(backward-scatter, cell, región 10,20,4×5, 160×90\)/)
    expect(regionOf({ session })).toEqual({ i: 10, j: 20, h: 4, w: 5 })
  })

  it('refuses a region outside the output or badly written, writing nothing', async () => {
    for (const [region, message] of [
      ['46,0,4,4', /must lie inside the 48×40 output/],
      ['0,0,40,40', /at most 32×32/],
      ['1,2,3', /--region must be I,J,H,W/],
    ] as const) {
      const out = join(scratch, `bad-${region}`)
      const result = await run(['export', '--session', path, '--animation', 'forward', '--format', 'png', '--out', out, '--region', region], 'en')
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(message)
    }
  })
})
