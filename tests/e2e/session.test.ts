// Work is never lost, in browser mode with the real engine: undo and redo of edits, a saved
// session (download) opened again, corrupt and newer sessions refused with nothing changed, a
// killed server whose autosave is offered and restored at the next start, and language and theme
// remembered across a reload.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate'
import { decodeSessionFile, encodeSessionFile, isZipFile } from '../../core/session-file'
import type { Session, SessionLayer, SessionStack } from '../../core/session'
import { SHOTS, buildApp, launchChromium, newDataFolder, startServe, type ServeProcess } from './session-server'

let browser: Browser
let server: ServeProcess
let dataDir: string
let page: Page
const pageErrors: string[] = []

const kernelCell = (p: Page, a: number, b: number) => p.getByLabel(`w[0, 0, ${a}, ${b}]`)
const strideRows = (p: Page) => p.getByLabel('Stride (paso), rows (H)')
const outputShape = (p: Page) => p.getByTestId('output-shape').textContent()
const code = (p: Page) => p.getByTestId('pytorch-code').textContent()

async function openPage(url: string, locale = 'en-US'): Promise<Page> {
  const opened = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale })
  opened.on('pageerror', (error) => pageErrors.push(String(error)))
  await opened.goto(url)
  await opened.getByTestId('output-shape').waitFor()
  return opened
}

/** Paints input cells (r, c) of the 7×7 drawing in one stroke. */
async function stroke(p: Page, cells: [number, number][]): Promise<void> {
  const box = await p
    .getByRole('grid', { name: /Padded input x/ })
    .locator('canvas')
    .boundingBox()
  if (!box) throw new Error('no input canvas')
  const at = ([r, c]: [number, number]) => [box.x + ((c + 0.5) * box.width) / 7, box.y + ((r + 0.5) * box.height) / 7] as const
  await p.mouse.move(...at(cells[0]))
  await p.mouse.down()
  for (const cell of cells.slice(1)) await p.mouse.move(...at(cell), { steps: 3 })
  await p.mouse.up()
}

beforeAll(async () => {
  buildApp()
  mkdirSync(SHOTS, { recursive: true })
  dataDir = newDataFolder()
  server = await startServe(dataDir)
  browser = await launchChromium()
  page = await openPage(server.url)
})

afterAll(async () => {
  await browser?.close()
  await server?.stop()
})

describe('sessions in browser mode', () => {
  it('undoes and redoes a kernel cell, a setting and a whole stroke, from the keyboard and the buttons', async () => {
    await expect.poll(() => page.title()).toBe('untitled — Convolab')
    const startCode = await code(page)
    await kernelCell(page, 1, 1).fill('3')
    await page.keyboard.press('Tab')
    await strideRows(page).fill('2')
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 3, 5)')
    await expect.poll(() => page.title()).toBe('● untitled — Convolab')

    await page.keyboard.press('Control+z')
    await expect.poll(() => strideRows(page).inputValue()).toBe('1')
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 5, 5)')
    expect(await kernelCell(page, 1, 1).inputValue()).toBe('3')
    await page.keyboard.press('Control+z')
    await expect.poll(() => kernelCell(page, 1, 1).inputValue()).toBe('0')
    expect(await code(page)).toBe(startCode)
    // Back at the start: no unsaved changes.
    await expect.poll(() => page.title()).toBe('untitled — Convolab')

    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => kernelCell(page, 1, 1).inputValue()).toBe('3')
    await page.keyboard.press('Control+y')
    await expect.poll(() => strideRows(page).inputValue()).toBe('2')
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 3, 5)')

    // A stroke over four cells is one step.
    const beforeStroke = await code(page)
    await page.getByRole('button', { name: 'Clear' }).click()
    const cleared = await code(page)
    await stroke(page, [
      [1, 1],
      [1, 2],
      [2, 2],
      [3, 2],
    ])
    await expect.poll(() => code(page)).not.toBe(cleared)
    await page.getByRole('button', { name: 'Undo', exact: true }).click()
    await expect.poll(() => code(page)).toBe(cleared)
    await page.getByRole('button', { name: 'Undo', exact: true }).click()
    await expect.poll(() => code(page)).toBe(beforeStroke)
    await page.getByRole('button', { name: 'Redo', exact: true }).click()
    await page.getByRole('button', { name: 'Redo', exact: true }).click()
    await expect.poll(() => code(page)).not.toBe(cleared)
    await page.screenshot({ path: join(SHOTS, 'session-edited-en.png') })
  })

  let savedPath = ''
  let savedCode = ''

  it('saves the session as a download and opens it again after other changes', async () => {
    savedCode = (await code(page))!
    const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Control+s')])
    expect(download.suggestedFilename()).toBe('untitled.convolab')
    savedPath = join(dataDir, 'saved.convolab')
    await download.saveAs(savedPath)
    const bytes = new Uint8Array(readFileSync(savedPath))
    // Format 2: a zip of session.json and .npy members.
    expect(isZipFile(bytes)).toBe(true)
    expect(decodeSessionFile(bytes)).toMatchObject({ options: { stride: [2, 1] } })
    await expect.poll(() => page.title()).toBe('untitled.convolab — Convolab')

    await kernelCell(page, 0, 0).fill('5')
    await page.keyboard.press('Tab')
    await strideRows(page).fill('1')
    await page.getByRole('button', { name: 'Random', exact: true }).click()
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 5, 5)')
    await expect.poll(() => page.title()).toBe('● untitled.convolab — Convolab')

    await page.getByLabel('Open a session (.convolab)').setInputFiles(savedPath)
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 3, 5)')
    expect(await kernelCell(page, 1, 1).inputValue()).toBe('3')
    expect(await kernelCell(page, 0, 0).inputValue()).toBe('−1')
    expect(await code(page)).toBe(savedCode)
    await expect.poll(() => page.title()).toBe('saved.convolab — Convolab')
    // Opening is undoable like any load.
    await page.keyboard.press('Control+z')
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 5, 5)')
    await page.keyboard.press('Control+Shift+z')
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 3, 5)')
    // Redone back to the document as saved: nothing unsaved, and the title says so with the maps.
    expect(await page.title()).toBe('saved.convolab — Convolab')
  })

  it('refuses a corrupt and a newer session with the core message, in the user language, and changes nothing', async () => {
    const title = await page.title()
    await page
      .getByLabel('Open a session (.convolab)')
      .setInputFiles({ name: 'broken.convolab', mimeType: 'application/json', buffer: Buffer.from('{"format": "convolab-session", "version": 1, "input": ') })
    const corrupt = page.getByRole('alert').filter({ hasText: 'not a valid Convolab session' })
    await corrupt.waitFor()
    expect(await code(page)).toBe(savedCode)
    expect(await page.title()).toBe(title)
    await corrupt.getByRole('button', { name: 'Dismiss' }).click()

    await page.getByLabel('Language').selectOption('es')
    // The saved zip with its session.json saying a newer format version.
    const members = unzipSync(new Uint8Array(readFileSync(savedPath)))
    const document = JSON.parse(strFromU8(members['session.json']))
    const newer = zipSync({ ...members, 'session.json': strToU8(JSON.stringify({ ...document, version: 7 })) })
    await page.getByLabel('Abrir una sesión (.convolab)').setInputFiles({ name: 'future.convolab', mimeType: 'application/zip', buffer: Buffer.from(newer) })
    const alert = page.getByRole('alert').filter({ hasText: 'Convolab más nuevo' })
    await expect.poll(() => alert.textContent()).toMatch(/versión de formato 7; esta lee hasta la 3/)
    expect(await code(page)).toBe(savedCode)
    await page.screenshot({ path: join(SHOTS, 'session-newer-es.png') })
    await alert.getByRole('button', { name: 'Cerrar' }).click()
    // A dropped .convolab file is opened as a session, not tried as an image.
    const bytes = [...readFileSync(savedPath)]
    const dropped = await page.evaluateHandle((content) => {
      const transfer = new DataTransfer()
      transfer.items.add(new File([new Uint8Array(content)], 'dropped.convolab', { type: 'application/json' }))
      return transfer
    }, bytes)
    await page.dispatchEvent('main', 'drop', { dataTransfer: dropped })
    await expect.poll(() => page.title()).toBe('dropped.convolab — Convolab')
    expect(await page.getByRole('alert').count()).toBe(0)
    await page.getByLabel('Idioma').selectOption('en')
  })

  it('remembers the language and the theme across a reload', async () => {
    await page.getByLabel('Language').selectOption('es')
    await page.getByLabel('Tema').selectOption('dark')
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    expect(background).toBe('rgb(18, 20, 24)') // app.css --bg of the dark theme
    // Saved through the engine to the data folder.
    await expect
      .poll(() => existsSync(join(dataDir, 'settings.json')) && JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')))
      .toMatchObject({ language: 'es', theme: 'dark' })
    page.once('dialog', (dialog) => void dialog.accept())
    await page.reload()
    await page.getByTestId('output-shape').waitFor()
    await expect.poll(() => page.evaluate(() => document.documentElement.lang)).toBe('es')
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark')
    expect(await page.getByLabel('Tema').inputValue()).toBe('dark')
    await page.screenshot({ path: join(SHOTS, 'session-dark-es.png') })
    await page.getByLabel('Tema').selectOption('light')
    await page.getByLabel('Idioma').selectOption('en')
    await expect.poll(() => JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8'))).toMatchObject({ language: 'en', theme: 'light' })
  })

  it('offers the autosaved work after the server is killed, and restores it', async () => {
    await kernelCell(page, 2, 2).fill('7.5')
    await page.keyboard.press('Tab')
    await strideRows(page).fill('3')
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 2, 5)')
    const workCode = await code(page)
    // The autosave runs every 10 s while there are unsaved changes.
    const runs = join(dataDir, 'runs')
    const autosaved = () =>
      existsSync(runs) &&
      readdirSync(runs).some((run) => {
        const file = join(runs, run, 'autosave.convolab')
        return existsSync(file) && JSON.stringify(decodeSessionFile(new Uint8Array(readFileSync(file))).options.stride) === '[3,1]'
      })
    await expect.poll(autosaved, { timeout: 20_000, interval: 500 }).toBe(true)
    await server.kill()
    await page.close()

    server = await startServe(dataDir)
    page = await openPage(server.url)
    const offer = page.getByRole('dialog', { name: 'Restore your unsaved work?' })
    await offer.waitFor()
    // The page was reloaded since the drop: its document is a new, untitled one.
    expect(await offer.textContent()).toContain('(untitled)')
    await page.screenshot({ path: join(SHOTS, 'session-recovery-en.png') })
    await offer.getByRole('button', { name: 'Restore' }).click()
    await expect.poll(() => outputShape(page)).toBe('Output shape y: (1, 1, 2, 5)')
    expect(await kernelCell(page, 2, 2).inputValue()).toBe('7.5')
    expect(await code(page)).toBe(workCode)
    // Restored work is not saved in its file yet.
    await expect.poll(() => page.title()).toBe('● untitled — Convolab')
    expect(await offer.count()).toBe(0)

    // Declined or restored, it is offered once.
    const again = await openPage(server.url)
    await again.waitForTimeout(1000)
    expect(await again.getByRole('dialog', { name: 'Restore your unsaved work?' }).count()).toBe(0)
    await again.close()
    expect(pageErrors).toEqual([])
  })
})

describe('the layer and the stack in sessions (version 3)', () => {
  it('keeps the layer and the stack of an opened session when it is saved again; a version-2 file opens as a Conv2d without a stack', async () => {
    const fresh = await openPage(server.url)
    const layer: SessionLayer = { type: 'avg-pool2d', options: { kernelSize: 3, stride: 1, padding: 1, countIncludePad: false, divisorOverride: 2 } }
    const stack: SessionStack = {
      layers: [
        {
          type: 'conv2d',
          weight: { shape: [2, 1, 3, 3], data: Float64Array.from({ length: 18 }, (_, k) => k / 4 - 2) },
          bias: { shape: [2], data: Float64Array.from([0.5, -1]) },
          padding: 1,
        },
        { type: 'relu' },
        { type: 'max-pool2d', kernelSize: 2, ceilMode: true },
        { type: 'conv-transpose2d', weight: { shape: [2, 1, 2, 2], data: Float64Array.from([1, 2, 3, 4, -1, -2, -3, -0.125]) }, bias: null, stride: 2 },
      ],
      selected: 2,
      active: true,
    }
    const session: Session = {
      input: { shape: [1, 1, 6, 6], data: Float64Array.from({ length: 36 }, (_, k) => (k % 5) - 2) },
      weight: { shape: [1, 1, 3, 3], data: Float64Array.from([0, 1, 0, 1, -4, 1, 0, 1, 0]) },
      bias: null,
      options: {},
      layer,
      stack,
      gradOutput: { kind: 'ones' },
      view: {},
    }
    const saveAs = async (name: string): Promise<Session> => {
      const [download] = await Promise.all([fresh.waitForEvent('download'), fresh.keyboard.press('Control+s')])
      const path = join(dataDir, name)
      await download.saveAs(path)
      return decodeSessionFile(new Uint8Array(readFileSync(path)))
    }
    await fresh
      .getByLabel('Open a session (.convolab)')
      .setInputFiles({ name: 'stack.convolab', mimeType: 'application/zip', buffer: Buffer.from(encodeSessionFile(session)) })
    await expect.poll(() => fresh.title()).toBe('stack.convolab — Convolab')
    const saved = await saveAs('stack-saved.convolab')
    expect(saved.layer).toEqual(layer)
    expect(saved.stack).toEqual(stack)

    await fresh.getByLabel('Open a session (.convolab)').setInputFiles('tests/core/sessions/version-2.convolab')
    await expect.poll(() => fresh.title()).toBe('version-2.convolab — Convolab')
    const old = await saveAs('version-2-saved.convolab')
    expect(old.layer).toEqual({ type: 'conv2d' })
    expect(old.stack).toBeUndefined()
    expect(old.options).toEqual({ stride: 2, padding: 1, dilation: 1, groups: 1, paddingMode: 'zeros' })
    await fresh.close()
    expect(pageErrors).toEqual([])
  })
})

// Keeps a copy of the last saved session for a look by hand.
afterAll(() => {
  if (existsSync(join(dataDir ?? '', 'saved.convolab'))) writeFileSync(join(SHOTS, 'session-saved.convolab'), readFileSync(join(dataDir, 'saved.convolab')))
})
