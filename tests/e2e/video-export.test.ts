// Video export in browser mode: 300 frames at 1280×720 encoded in the page with WebCodecs
// (mediabunny), WebM (VP9) and MP4 (H.264, where this Chromium's encoder has it), faster than
// real time; then each file is decoded in Chromium: frame count, exact timestamps, the duration
// written in the file (a <video> reads it, and seeks), and a decoded frame that matches the same
// step exported as PNG (the same animation as the frames). And the "GIF for slides" the dialog
// starts on: 960×540 from step 0, every grey pixel of the drawn frame still grey in the GIF.

import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { unzipSync } from 'fflate'
import sharp from 'sharp'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openBrowserMode, ROOT, type BrowserMode } from './browser-mode'

const FRAMES = 300
const FPS = 25
const WIDTH = 1280
const HEIGHT = 720
/** The bound for 300 frames at 1280×720, in the page. */
const MAX_SECONDS = 15

let mode: BrowserMode
let page: Page
let folder: string
/** The files to decode, served to a plain page on 127.0.0.1 (a secure context, so WebCodecs is there). */
const served: Record<string, { type: string; body: Uint8Array }> = {}
let decoder: Server
let decoderUrl = ''

beforeAll(async () => {
  mode = await openBrowserMode()
  page = mode.page
  folder = mkdtempSync(join(tmpdir(), 'convolab-video-'))
  served['/mediabunny.mjs'] = { type: 'text/javascript', body: readFileSync(join(ROOT, 'node_modules/mediabunny/dist/bundles/mediabunny.min.mjs')) }
  served['/'] = { type: 'text/html', body: new TextEncoder().encode('<!doctype html><title>decode</title><script type="module" src="/decode.mjs"></script>') }
  served['/decode.mjs'] = { type: 'text/javascript', body: new TextEncoder().encode(DECODE_SCRIPT) }
  decoder = createServer((request, response) => {
    const file = served[new URL(request.url ?? '/', 'http://127.0.0.1').pathname]
    if (!file) return void response.writeHead(404).end()
    response.writeHead(200, { 'Content-Type': file.type, 'Content-Length': file.body.length })
    response.end(file.body)
  })
  await new Promise<void>((resolve) => decoder.listen(0, '127.0.0.1', resolve))
  decoderUrl = `http://127.0.0.1:${(decoder.address() as AddressInfo).port}/`
}, 180_000)

afterAll(async () => {
  await mode?.close()
  await new Promise((resolve) => decoder?.close(resolve))
})

async function exportFile(dialog: ReturnType<Page['getByRole']>, name: string): Promise<{ bytes: Uint8Array; seconds: number; file: string }> {
  const downloading = page.waitForEvent('download', { timeout: 240_000 })
  const started = Date.now()
  await dialog.getByRole('button', { name: 'Export the frames' }).click()
  const download = await downloading
  const seconds = (Date.now() - started) / 1000
  const saved = join(folder, `${name}-${download.suggestedFilename()}`)
  await download.saveAs(saved)
  return { bytes: new Uint8Array(readFileSync(saved)), seconds, file: download.suggestedFilename() }
}

interface Decoded {
  codec: string | null
  width: number
  height: number
  frames: number
  timestamps: number[]
  lastTimestamp: number
  containerSeconds: number
  videoElementSeconds: number
  seekedTo: number
  /** Mean absolute difference (0-255) between the decoded frame of step 150 and its PNG. */
  differenceFromPng: number
}

/**
 * The decoding page's script (served as a module, so the test runner's transforms leave it alone):
 * decodes /video with mediabunny (every frame), compares the frame of step 150 with its PNG,
 * and reads the file in a <video> for the duration in its header and a seek.
 */
const DECODE_SCRIPT = `
import * as mb from '/mediabunny.mjs'
window.decodeVideo = async (type, fps, frameIndex) => {
  const bytes = await (await fetch('/video')).arrayBuffer()
  const input = new mb.Input({ source: new mb.BufferSource(bytes), formats: mb.ALL_FORMATS })
  const track = await input.getPrimaryVideoTrack()
  const sink = new mb.VideoSampleSink(track)
  const timestamps = []
  for await (const sample of sink.samples()) {
    timestamps.push(sample.timestamp)
    sample.close()
  }
  const sample = await sink.getSample(frameIndex / fps + 0.001)
  const canvas = new OffscreenCanvas(track.displayWidth, track.displayHeight)
  const ctx = canvas.getContext('2d')
  sample.draw(ctx, 0, 0)
  sample.close()
  const decoded = ctx.getImageData(0, 0, canvas.width, canvas.height).data
  ctx.drawImage(await createImageBitmap(await (await fetch('/reference.png')).blob()), 0, 0)
  const reference = ctx.getImageData(0, 0, canvas.width, canvas.height).data
  let difference = 0
  for (let i = 0; i < decoded.length; i += 4) difference += Math.abs(decoded[i] - reference[i]) + Math.abs(decoded[i + 1] - reference[i + 1]) + Math.abs(decoded[i + 2] - reference[i + 2])
  const video = document.createElement('video')
  video.muted = true
  video.src = URL.createObjectURL(new Blob([bytes], { type }))
  await new Promise((resolve, reject) => {
    video.onloadedmetadata = resolve
    video.onerror = () => reject(new Error('the <video> cannot read it: ' + (video.error && video.error.message)))
  })
  const videoElementSeconds = video.duration
  video.currentTime = 6
  await new Promise((resolve) => (video.onseeked = resolve))
  return {
    codec: track.codec,
    width: track.displayWidth,
    height: track.displayHeight,
    frames: timestamps.length,
    timestamps: timestamps.slice(0, 5),
    lastTimestamp: timestamps[timestamps.length - 1],
    containerSeconds: await input.computeDuration(),
    videoElementSeconds,
    seekedTo: video.currentTime,
    differenceFromPng: difference / (decoded.length / 4) / 3,
  }
}
`

async function decodeInPage(decodePage: Page, type: string): Promise<Decoded> {
  await decodePage.goto(decoderUrl)
  await decodePage.waitForFunction(() => 'decodeVideo' in window)
  return decodePage.evaluate(
    ({ type, fps, frameIndex }) => (window as unknown as { decodeVideo(t: string, f: number, i: number): Promise<Decoded> }).decodeVideo(type, fps, frameIndex),
    { type, fps: FPS, frameIndex: 149 },
  )
}

describe('video export, encoded in the page', () => {
  it(`encodes ${FRAMES} frames at ${WIDTH}×${HEIGHT} as WebM (VP9) and MP4 (H.264) faster than real time, and they decode frame for frame`, async () => {
    await page.locator('input[type="file"][accept=".convolab"]').setInputFiles(join(ROOT, 'samples/seed-example.convolab'))
    await expect.poll(() => page.getByTestId('output-shape').textContent()).toBe('Output shape y: (2, 4, 3, 3)')
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export' })
    // dE/dw (4, 3, 5, 5) one cell a step: 300 steps.
    await dialog.getByLabel('Animation').selectOption('backward-weight')
    await dialog.getByLabel('One step is').selectOption('cell')
    await dialog.getByTestId('export-preset').selectOption('hd')
    await expect.poll(() => dialog.getByTestId('export-format').inputValue()).toBe('webm')
    await dialog.getByLabel('Frames per second').fill(String(FPS))
    await dialog.getByLabel('From step').fill('1')
    await dialog.getByLabel('to step').fill(String(FRAMES))
    await expect.poll(() => dialog.getByTestId('export-count').textContent()).toBe(`${FRAMES} frames`)
    await expect.poll(() => dialog.getByTestId('export-estimate').textContent(), { timeout: 30_000 }).toMatch(/^Estimated file size: about [\d.]+ (kB|MB)$/)
    const estimate = (await dialog.getByTestId('export-estimate').textContent()) ?? ''

    const webm = await exportFile(dialog, 'webm')
    expect(webm.file).toBe('convolab-backward-weight-cell.webm')
    // The estimate (8 frames really encoded) is the right order of size: within a factor of 2.
    const [, number, unit] = /about ([\d.]+) (kB|MB)/.exec(estimate)!
    const estimated = Number(number) * (unit === 'MB' ? 1e6 : 1e3)
    expect(estimated / webm.bytes.length).toBeGreaterThan(0.5)
    expect(estimated / webm.bytes.length).toBeLessThan(2)
    const mp4Available = await dialog.locator('option[value="mp4"]').isEnabled()
    let mp4: Awaited<ReturnType<typeof exportFile>> | null = null
    if (mp4Available) {
      await dialog.getByTestId('export-format').selectOption('mp4')
      mp4 = await exportFile(dialog, 'mp4')
      expect(mp4.file).toBe('convolab-backward-weight-cell.mp4')
    }
    // The same step as a PNG, to compare a decoded frame with.
    await dialog.getByTestId('export-format').selectOption('png')
    await dialog.getByLabel('From step').fill('150')
    await dialog.getByLabel('to step').fill('150')
    const png = await exportFile(dialog, 'reference')
    served['/reference.png'] = { type: 'image/png', body: Object.values(unzipSync(png.bytes))[0] }
    await dialog.getByRole('button', { name: 'Close' }).click()

    const decodePage = await mode.browser.newPage()
    const results: string[] = []
    for (const [name, file, type, codec] of [
      ['WebM', webm, 'video/webm', 'vp9'],
      ['MP4', mp4, 'video/mp4', 'avc'],
    ] as const) {
      if (!file) {
        results.push(`${name}: this Chromium has no encoder for it (the option is disabled)`)
        continue
      }
      served['/video'] = { type, body: file.bytes }
      const decoded = await decodeInPage(decodePage, type)
      expect(decoded.codec).toBe(codec)
      expect([decoded.width, decoded.height]).toEqual([WIDTH, HEIGHT])
      expect(decoded.frames).toBe(FRAMES)
      // Exact timestamps: frame k at k / fps.
      expect(decoded.timestamps).toEqual([0, 0.04, 0.08, 0.12, 0.16].map((t) => expect.closeTo(t, 6)))
      expect(decoded.lastTimestamp).toBeCloseTo((FRAMES - 1) / FPS, 6)
      expect(decoded.containerSeconds).toBeCloseTo(FRAMES / FPS, 3)
      expect(decoded.videoElementSeconds).toBeCloseTo(FRAMES / FPS, 1)
      expect(decoded.seekedTo).toBeCloseTo(6, 1)
      // Lossy, but the same picture: a few levels of difference on average.
      expect(decoded.differenceFromPng).toBeLessThan(6)
      // Faster than real time (12 s of video) and within the bound.
      expect(file.seconds).toBeLessThan(MAX_SECONDS)
      results.push(
        `${name}: ${FRAMES} frames ${WIDTH}×${HEIGHT} in ${file.seconds.toFixed(1)} s (${(file.bytes.length / 1e6).toFixed(2)} MB), mean difference from the PNG ${decoded.differenceFromPng.toFixed(2)}/255`,
      )
    }
    await decodePage.close()
    console.log(`video export (${estimate}): ${results.join('; ')}`)
    expect(mode.pageErrors).toEqual([])
  }, 600_000)
})

describe('GIF for slides, from the page', () => {
  it("starts on a 960×540 GIF from step 0, with the frame's greys still grey after the palette", async () => {
    await page.getByRole('button', { name: 'Export…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Export' })
    await dialog.getByLabel('Animation').selectOption('forward')
    await dialog.getByLabel('One step is').selectOption('row')
    await dialog.getByTestId('export-preset').selectOption('slides')
    await expect.poll(() => dialog.getByTestId('export-format').inputValue()).toBe('gif')
    expect(await dialog.getByLabel('From step').inputValue()).toBe('0')
    await dialog.getByLabel('to step').fill('2')
    await expect.poll(() => dialog.getByTestId('export-count').textContent()).toBe('3 frames')
    const gif = await exportFile(dialog, 'slides')
    expect(gif.file).toBe('convolab-forward-row.gif')
    // The same first frame (the empty start) as a PNG: what the GIF had to keep.
    await dialog.getByTestId('export-format').selectOption('png')
    await dialog.getByLabel('to step').fill('0')
    const png = Object.values(unzipSync((await exportFile(dialog, 'slides-reference')).bytes))[0]
    await dialog.getByRole('button', { name: 'Close' }).click()

    const { data: gifPixels, info } = await sharp(Buffer.from(gif.bytes), { pages: 1 }).raw().toBuffer({ resolveWithObject: true })
    const { data: pngPixels, info: pngInfo } = await sharp(Buffer.from(png)).raw().toBuffer({ resolveWithObject: true })
    expect([info.width, info.height, pngInfo.width, pngInfo.height]).toEqual([960, 540, 960, 540])
    expect((await sharp(Buffer.from(gif.bytes), { pages: -1 }).metadata()).pages).toBe(3)
    let greys = 0
    let worst = 0
    for (let p = 0; p < 960 * 540; p++) {
      const [r, g, b] = [pngPixels[p * pngInfo.channels], pngPixels[p * pngInfo.channels + 1], pngPixels[p * pngInfo.channels + 2]]
      if (r !== g || g !== b) continue
      greys++
      const [gr, gg, gb] = [gifPixels[p * info.channels], gifPixels[p * info.channels + 1], gifPixels[p * info.channels + 2]]
      expect(gr === gg && gg === gb, `pixel ${p % 960},${Math.floor(p / 960)}: ${gr},${gg},${gb} for grey ${r}`).toBe(true)
      worst = Math.max(worst, Math.abs(gr - r))
    }
    // Most of a frame is the white page, text and grid lines: all of it grey, each within 2 levels.
    expect(greys).toBeGreaterThan(960 * 540 * 0.5)
    expect(worst).toBeLessThanOrEqual(2.5)
    console.log(`GIF for slides: 3 frames 960×540, ${(gif.bytes.length / 1e3).toFixed(0)} kB; ${greys} grey pixels kept grey (largest change ${worst})`)
  }, 240_000)
})
