// Interactive timing in browser mode, end to end, with the real server, engine worker and
// Chromium: a 1024×1024 RGB photo, 8 output channels, 3×3 kernels, padding 1.
//
// - forward: the page itself. A bias value changes (as typing does) and the clock stops at the
//   first animation frame after the maps of that request are drawn (the output panel's
//   data-request-id is set in the same update that paints its canvases). This includes the
//   request (sent at once when the engine is idle; bursts are debounced), the engine's compute,
//   the transfer of maps at the size they are shown, and the drawing.
// - forward + all gradients (dE/dy = ones): the page too, with the Backward tab open. For an input
//   this large the page asks the engine for the gradients with the forward pass (one request)
//   and draws the display maps of dE/dy and dE/dx and the exact dE/dw; the clock stops when both
//   the output panel and the backward panel show that request.
// - a weight change (one kernel cell, a new convolution; a bias change reuses the sums Σ w·x),
//   forward and with gradients: timed for the record.
// - zooming into a map asks for full-resolution maps (cells exact); timed for the record.
// - for the record, the engine path from the page over a second WebSocket with the app's wire
//   codec: forward + gradients at 256 and at full size, and forward alone at 256.
//
// Targets of issue 5 on the 2-core machine: forward <= 60 ms and forward + gradients <= 150 ms
// median. The machine is shared, so the test asserts only a bound that holds on a loaded CI
// machine (median < 1 s) and prints the medians, end to end and compute-only (engine timings).

import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import ts from 'typescript'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { openBrowserMode, ROOT, type BrowserMode } from './browser-mode'

const SIDE = 1024
const RUNS = 15
const WARM_UP = 2
/** Generous: holds on a loaded CI machine; the targets are printed, not asserted. */
const MEDIAN_BOUND_MS = 1000
/** Longest side of the maps asked for by the engine-path measurement: what the screen needs. */
const SCREEN_SIDE = 256
/** The output panel's maps (the backward panel has maps too). */
const OUTPUT_MAPS = '#output-title ~ .maps'
/** Screenshots to look at (not checked): set CONVOLAB_SHOTS to a folder to keep them. */
const SHOTS = process.env.CONVOLAB_SHOTS ?? mkdtempSync(join(tmpdir(), 'convolab-shots-'))

let mode: BrowserMode
let page: Page
let photoBytes: Buffer
let pageErrors: string[] = []

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = sorted.length >> 1
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** A photo-like RGB picture with smooth and textured parts. */
async function photo(side: number): Promise<Buffer> {
  const data = Buffer.alloc(side * side * 3)
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const sky = y < side * 0.55
      const rgb = sky ? [110 + (80 * y) / side, 160 + (60 * y) / side, 230] : [70 + 40 * Math.sin(x / 3), 110 + 30 * Math.cos(y / 2), 60]
      data.set(
        rgb.map((v) => Math.round(Math.max(0, Math.min(255, v)))),
        (y * side + x) * 3,
      )
    }
  }
  return sharp(data, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer()
}

/** contract/wire.ts and wire-parts.ts (the app's codec, messages in parts) as a page script that sets window.convolabWire. */
function wireScript(): string {
  const module = (file: string) =>
    ts.transpileModule(readFileSync(join(ROOT, file), 'utf8'), {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
    }).outputText
  return `(() => {
const bytes = {}; (function (exports) {\n${module('core/bytes.ts')}\n})(bytes)
const wire = {}; (function (exports) {\n${module('contract/wire.ts')}\n})(wire)
const parts = {}; (function (exports, require) {\n${module('contract/wire-parts.ts')}\n})(parts, (name) => (name.endsWith('bytes') ? bytes : wire))
window.convolabWire = { ...wire, ...parts } })()`
}

/** What one change edits: b[0], or one kernel cell w[0, 0, 1, 1] (the sums Σ w·x change). */
type Change = 'bias' | 'weight'

/** One printed line of what a change costs, from the medians of its parts. */
function breakdown(report: EngineReport): string {
  const part = (k: number) => median(report.parts.map((p) => p[k]))
  const arrival = part(0)
  const compute = median(report.compute)
  const drawing = part(1)
  return (
    `engine compute ${compute.toFixed(1)} ms, compute done → maps in the page ${(arrival - compute).toFixed(1)} ms ` +
    `(request and answer through the socket, the worker hop), drawing ${drawing.toFixed(1)} ms, ` +
    `to the next frame ${(median(report.endToEnd) - arrival - drawing).toFixed(1)} ms`
  )
}

interface EngineReport {
  endToEnd: number[]
  compute: number[]
  kernel: string
  /** Per change: ms until the result arrived, ms to draw it. */
  parts: number[][]
}

/**
 * Forward + gradients (dE/dy = ones) through the engine from the page, over a second WebSocket
 * with the app's wire codec, each result drawn as the grid renderer draws; `maxSide` as in
 * DisplaySpec (0 = full size).
 */
async function forwardBackwardInPage(maxSide: number, runs: number, gradients = true, change: Change = 'bias'): Promise<EngineReport> {
  await page.evaluate(wireScript())
  return page.evaluate(
    async ({ pngBase64, side, runs, warmUp, maxSide, gradients, change }) => {
      type Wire = { encodeMessage(value: unknown): Uint8Array; FrameAssembler: new () => { push(frame: Uint8Array): unknown } }
      const wire = (window as unknown as { convolabWire: Wire }).convolabWire
      // Results over 8 MB (full-resolution maps) arrive in parts, as the page's own transport joins them.
      const assembler = new wire.FrameAssembler()
      const token = new URLSearchParams(location.search).get('token') ?? ''
      const socket = new WebSocket(`ws://${location.host}/engine?token=${encodeURIComponent(token)}`)
      socket.binaryType = 'arraybuffer'
      await new Promise((resolve, reject) => {
        socket.onopen = resolve
        socket.onerror = () => reject(new Error('no socket'))
      })
      const waiting = new Map<number, (result: { ok: boolean; value?: unknown; message?: string }) => void>()
      socket.onmessage = (message) => {
        const data = assembler.push(new Uint8Array(message.data as ArrayBuffer)) as { kind: string; id: number; result: { ok: boolean } } | undefined
        if (data?.kind === 'result') waiting.get(data.id)?.(data.result)
      }
      let nextId = 1
      const invoke = async <T>(method: string, request: unknown): Promise<T> => {
        const id = nextId++
        const result = await new Promise<{ ok: boolean; value?: unknown; message?: string }>((resolve) => {
          waiting.set(id, resolve)
          socket.send(wire.encodeMessage({ kind: 'invoke', id, method, request }))
        })
        if (!result.ok) throw new Error(`${method}: ${result.message}`)
        return result.value as T
      }

      const bytes = Uint8Array.from(atob(pngBase64), (c) => c.charCodeAt(0))
      const { inputId } = await invoke<{ inputId: string }>('decodeImage', { bytes, name: 'photo.png', grayscale: false, maxSide: side })
      const weight = new Float64Array(8 * 3 * 9).map((_, k) => Math.sin(k))

      // the grid renderer's drawing: a 256-colour table, one bitmap per plane, scaled to 160 px
      const table = new Uint8ClampedArray(256 * 3).map((_, k) => (k * 7) & 255)
      const shelf = document.createElement('div')
      document.body.append(shelf)
      const canvases: HTMLCanvasElement[] = []
      type Stack = { displayH: number; displayW: number; data: Float32Array; min: Float64Array; max: Float64Array }
      const draw = (stacks: Stack[]): void => {
        let used = 0
        for (const stack of stacks) {
          const plane = stack.displayH * stack.displayW
          for (let p = 0; p < stack.min.length; p++) {
            const low = stack.min[p]
            const span = stack.max[p] - low || 1
            const pixels = new Uint8ClampedArray(plane * 4)
            for (let k = 0; k < plane; k++) {
              const v = stack.data[p * plane + k]
              const index = Math.max(0, Math.min(255, Math.round(((v - low) / span) * 255))) * 3
              pixels[k * 4] = table[index]
              pixels[k * 4 + 1] = table[index + 1]
              pixels[k * 4 + 2] = table[index + 2]
              pixels[k * 4 + 3] = 255
            }
            const bitmap = document.createElement('canvas')
            bitmap.width = stack.displayW
            bitmap.height = stack.displayH
            bitmap.getContext('2d')!.putImageData(new ImageData(pixels, stack.displayW, stack.displayH), 0, 0)
            const shown = (canvases[used] ??= shelf.appendChild(Object.assign(document.createElement('canvas'), { width: 160, height: 160 })))
            const ctx = shown.getContext('2d')!
            ctx.imageSmoothingEnabled = false
            ctx.drawImage(bitmap, 0, 0, 160, 160)
            used++
          }
        }
      }

      const endToEnd: number[] = []
      const compute: number[] = []
      const parts: number[][] = []
      let kernel = ''
      for (let run = 0; run < warmUp + runs; run++) {
        const started = performance.now()
        const result = await invoke<{
          kernel: string
          timings: { computeMs: number }
          output: Stack
          gradInput?: Stack
          gradOutput?: Stack
          gradWeight?: { data: Float64Array }
        }>('compute', {
          requestId: run + 1,
          inputId,
          weight: { shape: [8, 3, 3, 3], data: change === 'weight' ? weight.map((v, k) => (k === 4 ? v + 0.01 * run : v)) : weight },
          bias: { shape: [8], data: new Float64Array(8).fill(change === 'bias' ? 0.01 * run : 0) },
          options: { padding: 1 },
          ...(gradients ? { gradOutput: { kind: 'ones' } } : {}),
          display: { maxSide },
        })
        const arrived = performance.now()
        draw(gradients ? [result.output, result.gradInput!, result.gradOutput!] : [result.output])
        const drawn = performance.now()
        await new Promise((resolve) => requestAnimationFrame(resolve))
        if (run < warmUp) continue
        endToEnd.push(performance.now() - started)
        parts.push([arrived - started, drawn - arrived])
        compute.push(result.timings.computeMs)
        kernel = result.kernel
        if (gradients && result.gradWeight?.data.length !== 8 * 27) throw new Error('no weight gradient')
      }
      socket.close()
      shelf.remove()
      return { endToEnd, compute, kernel, parts }
    },
    { pngBase64: photoBytes.toString('base64'), side: SIDE, runs, warmUp: WARM_UP, maxSide, gradients, change },
  )
}

/**
 * Bias changes through the page, each timed from the change to the first animation frame after
 * its maps are drawn (with `gradients`, also the backward panel's maps of the same request).
 */
async function changesThroughPage(gradients: boolean, change: Change = 'bias'): Promise<{ endToEnd: number[]; compute: number[]; kernel: string }> {
  const endToEnd: number[] = []
  const compute: number[] = []
  let kernel = ''
  for (let run = 0; run < WARM_UP + RUNS; run++) {
    const before = Number(await page.locator(OUTPUT_MAPS).getAttribute('data-request-id'))
    // the change and the clock start in one page task, as a keystroke would
    await page.evaluate(
      ({ value, change }) => {
        const field =
          change === 'bias'
            ? [...document.querySelectorAll('label')].find((label) => label.textContent?.trim().startsWith('b[0]'))?.querySelector('input')
            : document.querySelector<HTMLInputElement>('input[aria-label="w[0, 0, 1, 1]"]')
        if (!field) throw new Error(`no ${change} field`)
        ;(window as unknown as { started: number }).started = performance.now()
        field.value = String(value)
        field.dispatchEvent(new Event('input', { bubbles: true }))
      },
      { value: 0.01 * (run + 1) + (gradients ? 0.5 : 0), change },
    )
    const handle = await page.waitForFunction(
      ({ previous, gradients, selector }) => {
        const id = Number(document.querySelector(selector)?.getAttribute('data-request-id'))
        if (!(id > previous)) return null
        if (gradients && Number(document.querySelector('[data-testid="backward"]')?.getAttribute('data-request-id')) !== id) return null
        const status = document.querySelector('#output-title .status')
        return {
          elapsed: performance.now() - (window as unknown as { started: number }).started,
          status: status?.textContent ?? '',
          engine: status?.getAttribute('data-kernel') ?? '',
        }
      },
      { previous: before, gradients, selector: OUTPUT_MAPS },
      { polling: 'raf', timeout: 30_000 },
    )
    const { elapsed, status, engine } = (await handle.jsonValue()) as { elapsed: number; status: string; engine: string }
    const match = /([\d.,]+) ms/.exec(status)
    if (!match) throw new Error(`no timing in "${status}"`)
    if (run < WARM_UP) continue
    endToEnd.push(elapsed)
    compute.push(Number(match[1].replace(',', '')))
    kernel = engine
  }
  return { endToEnd, compute, kernel }
}

beforeAll(async () => {
  photoBytes = await photo(SIDE)
  mode = await openBrowserMode('en-US')
  ;({ page, pageErrors } = mode)
})

afterAll(async () => {
  await mode?.close()
})

describe('interactive timing, 1024×1024 RGB, 8 channels, 3×3, padding 1', () => {
  it('forward: a bias change to its maps on screen', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'convolab-interactive-'))
    const file = join(folder, 'photo.png')
    await sharp(photoBytes).toFile(file)
    // The photo controls are folded under the input grid until a photo is open.
    await page.getByText('Size, batch and photo').click()
    await page.getByLabel('Working size (longest side)').selectOption(String(SIDE))
    await page.getByLabel('Open image…').setInputFiles(file)
    await page.getByLabel('Output channels C_out').fill('8')
    await page.getByLabel('Padding (relleno), rows (H)').fill('1')
    await page.getByLabel('Padding (relleno), columns (W)').fill('1')
    await expect.poll(() => page.locator('#output-title small').first().textContent(), { timeout: 60_000 }).toBe('(1, 8, 1024, 1024)')
    await expect.poll(() => page.locator('#output-title .status').textContent(), { timeout: 60_000 }).toMatch(/ms/)

    const { endToEnd, compute, kernel } = await changesThroughPage(false)
    const e2e = median(endToEnd)
    console.log(
      `interactive forward (${kernel}): end to end median ${e2e.toFixed(1)} ms ` +
        `(min ${Math.min(...endToEnd).toFixed(1)}, max ${Math.max(...endToEnd).toFixed(1)}, ${RUNS} changes; target 60), ` +
        `engine compute median ${median(compute).toFixed(1)} ms`,
    )
    expect(kernel).toMatch(/^wasm (relaxed-simd|simd) f64 ×\d$/)
    expect(e2e).toBeLessThan(MEDIAN_BOUND_MS)
    // a bias change reuses the sums Σ w·x; a kernel cell is a new convolution: for the record
    const weight = await changesThroughPage(false, 'weight')
    console.log(
      `interactive forward, a weight change (one kernel cell): end to end median ${median(weight.endToEnd).toFixed(1)} ms ` +
        `(min ${Math.min(...weight.endToEnd).toFixed(1)}, max ${Math.max(...weight.endToEnd).toFixed(1)}, ${RUNS} changes), ` +
        `engine compute median ${median(weight.compute).toFixed(1)} ms`,
    )
    expect(median(weight.endToEnd)).toBeLessThan(MEDIAN_BOUND_MS)
    expect(pageErrors).toEqual([])
  })

  it('forward + all gradients (dE/dy = ones) through the page, Backward tab open', async () => {
    await page.getByRole('tab', { name: 'Backward: gradient maps' }).click()
    await page.locator('[data-testid="backward"] input[value="ones"]').check()
    await expect.poll(() => page.locator('[data-testid="backward"]').getAttribute('data-request-id'), { timeout: 60_000 }).toBeTruthy()
    await page.screenshot({ path: join(SHOTS, 'backward.png'), fullPage: true })
    const { endToEnd, compute, kernel } = await changesThroughPage(true)
    const e2e = median(endToEnd)
    console.log(
      `interactive forward + gradients through the page (${kernel}): end to end median ${e2e.toFixed(1)} ms ` +
        `(min ${Math.min(...endToEnd).toFixed(1)}, max ${Math.max(...endToEnd).toFixed(1)}, ${RUNS} changes; target 150), ` +
        `engine compute median ${median(compute).toFixed(1)} ms`,
    )
    // dE/db of dE/dy = ones is the number of output cells per channel, 1048576 (shown to 3 digits)
    expect(await page.getByTestId('grad-bias').textContent()).toMatch(/dE\/db = \[1\.05e\+6(, 1\.05e\+6){7}\]/)
    // the value under the pointer on dE/dx is read exactly from the engine
    const map = page.locator('[data-testid="backward"] canvas').nth(8)
    await map.scrollIntoViewIfNeeded()
    await map.hover({ position: { x: 40, y: 40 } })
    await expect.poll(() => page.getByTestId('grad-value').getAttribute('data-value')).not.toBe('')
    expect(kernel).toMatch(/^wasm (relaxed-simd|simd) f64 ×\d$/)
    expect(e2e).toBeLessThan(MEDIAN_BOUND_MS)
    const weight = await changesThroughPage(true, 'weight')
    console.log(
      `interactive forward + gradients through the page, a weight change (one kernel cell): end to end median ` +
        `${median(weight.endToEnd).toFixed(1)} ms (min ${Math.min(...weight.endToEnd).toFixed(1)}, max ${Math.max(...weight.endToEnd).toFixed(1)}, ` +
        `${RUNS} changes), engine compute median ${median(weight.compute).toFixed(1)} ms`,
    )
    expect(median(weight.endToEnd)).toBeLessThan(MEDIAN_BOUND_MS)
    expect(pageErrors).toEqual([])
    await page.getByRole('tab', { name: 'Animation' }).click()
  })

  it('zooming into a map brings full-resolution maps with values in the cells; unzoomed, display size again', async () => {
    const note = page.locator('#output-title ~ .note', { hasText: 'shown at' })
    const noteText = () => note.count().then((n) => (n ? note.textContent() : ''))
    await expect.poll(noteText).toMatch(/shown at \d+×\d+/)
    const map = page.locator(`${OUTPUT_MAPS} canvas`).first()
    await map.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, 'forward.png'), fullPage: true })
    const started = Date.now()
    const box = (await map.boundingBox())!
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2)
    for (let k = 0; k < 12; k++) await page.mouse.wheel(0, -400)
    await expect.poll(noteText, { timeout: 30_000 }).toBe('')
    console.log(`zoom in to full-resolution maps on screen: ${Date.now() - started} ms`)
    await map.screenshot({ path: join(SHOTS, 'zoomed.png') })
    await page.getByRole('button', { name: 'Reset zoom' }).first().click()
    await expect.poll(noteText, { timeout: 30_000 }).toMatch(/shown at \d+×\d+/)
    await map.screenshot({ path: join(SHOTS, 'unzoomed.png') })
    expect(pageErrors).toEqual([])
  })

  it('forward + all gradients (dE/dy = ones) through the engine, drawn in the page', async () => {
    // what a 160 px map needs on a screen of up to 1.6× pixel ratio (box-downsampled to 256×256)
    const report = await forwardBackwardInPage(SCREEN_SIDE, RUNS)
    console.log(`until arrival / drawing, ms: ${JSON.stringify(report.parts.map((p) => p.map((v) => Math.round(v))))}`)
    const e2e = median(report.endToEnd)
    console.log(
      `interactive forward + gradients (${report.kernel}), maps at ${SCREEN_SIDE}×${SCREEN_SIDE}: end to end median ${e2e.toFixed(1)} ms ` +
        `(min ${Math.min(...report.endToEnd).toFixed(1)}, max ${Math.max(...report.endToEnd).toFixed(1)}, ${RUNS} changes; target 150), ` +
        `engine compute median ${median(report.compute).toFixed(1)} ms`,
    )
    console.log(`interactive forward + gradients, maps at ${SCREEN_SIDE}, a bias change: ${breakdown(report)}`)
    const weight = await forwardBackwardInPage(SCREEN_SIDE, RUNS, true, 'weight')
    console.log(
      `interactive forward + gradients, maps at ${SCREEN_SIDE}, a weight change: end to end median ${median(weight.endToEnd).toFixed(1)} ms; ${breakdown(weight)}`,
    )
    expect(report.kernel).toMatch(/^wasm (relaxed-simd|simd) f64 ×\d$/)
    expect(e2e).toBeLessThan(MEDIAN_BOUND_MS)
    expect(pageErrors).toEqual([])
  })

  it('forward + all gradients with full-resolution maps (what the page asks today up to 1024 per side)', async () => {
    const report = await forwardBackwardInPage(0, 5)
    const e2e = median(report.endToEnd)
    console.log(
      `interactive forward + gradients (${report.kernel}), maps at 1024×1024: end to end median ${e2e.toFixed(1)} ms ` +
        `(${report.endToEnd.length} changes), engine compute median ${median(report.compute).toFixed(1)} ms; ` +
        `until arrival / drawing, ms: ${JSON.stringify(report.parts.map((p) => p.map((v) => Math.round(v))))}`,
    )
    // printed for the record; the bound is only that it finishes
    expect(report.endToEnd.length).toBe(5)
  })

  it('forward alone through the engine with screen-sized maps, drawn in the page', async () => {
    const report = await forwardBackwardInPage(SCREEN_SIDE, RUNS, false)
    console.log(
      `interactive forward (${report.kernel}), engine path, maps at ${SCREEN_SIDE}×${SCREEN_SIDE}: end to end median ` +
        `${median(report.endToEnd).toFixed(1)} ms (no debounce; target 60), engine compute median ${median(report.compute).toFixed(1)} ms; ` +
        `until arrival / drawing, ms: ${JSON.stringify(report.parts.map((p) => p.map((v) => Math.round(v))))}`,
    )
    console.log(`interactive forward, maps at ${SCREEN_SIDE}, a bias change: ${breakdown(report)}`)
    const weight = await forwardBackwardInPage(SCREEN_SIDE, RUNS, false, 'weight')
    console.log(
      `interactive forward, maps at ${SCREEN_SIDE}, a weight change: end to end median ${median(weight.endToEnd).toFixed(1)} ms; ${breakdown(weight)}`,
    )
    expect(median(report.endToEnd)).toBeLessThan(MEDIAN_BOUND_MS)
  })
})
