// A desktop app's plumbing, on the built main with a stand-in electron module: the log file in
// the data folder (main's own messages and the page's uncaught errors, from our page only),
// local crash reports (never uploaded), the right-click menus (fields, "Copy Value" on a map
// cell) and Help ▸ Open the Log Folder, in the menu's language.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mainBundle, removeMainBundle } from './helpers/worker-bundle'
import { electronEvent, fakeElectron, loadMain, type FakeElectron } from './desktop-fake-electron'

const root = resolve(__dirname, '../..')
const scratch = mkdtempSync(join(root, 'node_modules', '.cache', 'convolab-plumbing-test-'))
const data = join(scratch, 'data')
const logFile = join(data, 'logs', 'convolab.log')
const savedEnv = process.env.CONVOLAB_DATA_DIR
let fake: FakeElectron

type Item = { label?: string; role?: string; enabled?: boolean; click?: () => void; submenu?: Item[] }
const window = () => fake.seen.windows[0]
const fromPage = () => ({ sender: window().webContents, senderFrame: { url: window().loaded } })
const strangers = () => [
  { sender: {}, senderFrame: { url: window().loaded } },
  { sender: window().webContents, senderFrame: { url: 'app://convolab/other.html' } },
  { sender: window().webContents, senderFrame: { url: 'https://example.com/' } },
]
const readLog = () => readFileSync(logFile, 'utf8')

beforeAll(async () => {
  const out = await mainBundle()
  process.env.CONVOLAB_DATA_DIR = data
  fake = fakeElectron({ locale: 'es-ES' })
  await loadMain(out, fake)
}, 120_000)

afterAll(async () => {
  if (savedEnv === undefined) delete process.env.CONVOLAB_DATA_DIR
  else process.env.CONVOLAB_DATA_DIR = savedEnv
  await removeMainBundle()
  rmSync(scratch, { recursive: true, force: true })
})

describe('the log file and crash reports', () => {
  it('logs to logs/convolab.log in the data folder from the start', () => {
    expect(readLog()).toMatch(/\[info\] \[main\] Convolab 0\.0\.0-test started/)
  })

  it('keeps crash reports beside the log, on this computer only', () => {
    expect(fake.seen.crashReporter).toMatchObject({ uploadToServer: false })
    expect(fake.seen.crashReporter).not.toHaveProperty('submitURL')
    expect(fake.seen.paths.crashDumps).toBe(join(data, 'logs', 'crashes'))
  })

  it("writes the page's uncaught errors and rejections, from our page only", () => {
    const report = fake.seen.ipcOn['convolab:page-error']
    report(fromPage(), {
      kind: 'error',
      message: 'TypeError: plumbing-test-error',
      stack: 'TypeError: plumbing-test-error\n    at app://convolab/assets/index.js:1:2',
    })
    report(fromPage(), { kind: 'rejection', message: 'Error: plumbing-test-rejection' })
    for (const event of strangers()) report(event, { kind: 'error', message: 'Error: forged-by-a-stranger' })
    report(fromPage(), { kind: 'error', message: 42 })
    const text = readLog()
    expect(text).toMatch(
      /\[error\] \[main\] \(renderer\) uncaught error in the page: TypeError: plumbing-test-error\nTypeError: plumbing-test-error\n {4}at app:\/\/convolab/,
    )
    expect(text).toMatch(/\(renderer\) unhandled promise rejection in the page: Error: plumbing-test-rejection/)
    expect(text).not.toMatch(/forged-by-a-stranger/)
    expect(text).toMatch(/\[warn\] \[main\] \(renderer\) the page sent an error report that is not one/)
  })

  it("logs the page's crash and the reload that follows", () => {
    window().webContents.emit('render-process-gone', electronEvent(), { reason: 'oom', exitCode: 9 })
    expect(readLog()).toMatch(/\[error\] \[main\] the page's process ended \(oom, exit code 9\); it is reloaded/)
  })
})

describe('the right-click menus', () => {
  it('offers Cut, Copy, Paste and Select All in a field, as the field allows, in the menu language', () => {
    fake.seen.popups.length = 0
    const editFlags = { canCut: false, canCopy: false, canPaste: true, canSelectAll: true }
    window().webContents.emit('context-menu', electronEvent(), { isEditable: true, selectionText: '', editFlags })
    const menu = fake.seen.popups[0] as Item[]
    expect(menu.filter((item) => item.role).map((item) => [item.role, item.label, item.enabled])).toEqual([
      ['cut', 'Cortar', false],
      ['copy', 'Copiar', false],
      ['paste', 'Pegar', true],
      ['selectAll', 'Seleccionar todo', true],
    ])
  })

  it('offers Copy on selected text, and nothing where there is nothing to do', () => {
    fake.seen.popups.length = 0
    const none = { canCut: false, canCopy: false, canPaste: false, canSelectAll: false }
    window().webContents.emit('context-menu', electronEvent(), { isEditable: false, selectionText: '', editFlags: none })
    expect(fake.seen.popups).toHaveLength(0)
    window().webContents.emit('context-menu', electronEvent(), { isEditable: false, selectionText: 'stride', editFlags: { ...none, canCopy: true } })
    expect((fake.seen.popups[0] as Item[]).map((item) => [item.role, item.label])).toEqual([['copy', 'Copiar']])
  })

  it('offers "Copy Value" on the map cell the page names, and copies exactly that value', () => {
    fake.seen.popups.length = 0
    fake.seen.ipcOn['convolab:context-menu'](fromPage(), { value: '-0.1234567890123' })
    const [item] = fake.seen.popups[0] as Item[]
    expect(item.label).toBe('Copiar valor -0.1234567890123')
    item.click!()
    expect(fake.seen.clipboard).toEqual(['-0.1234567890123'])
  })

  it('ignores a menu asked for by another page or with a malformed value', () => {
    fake.seen.popups.length = 0
    for (const event of strangers()) fake.seen.ipcOn['convolab:context-menu'](event, { value: '1' })
    for (const bad of [null, { value: 7 }, { value: 'x'.repeat(201) }]) fake.seen.ipcOn['convolab:context-menu'](fromPage(), bad)
    expect(fake.seen.popups).toHaveLength(0)
  })
})

describe('Help ▸ Open the Log Folder', () => {
  it("opens the data folder's logs/ in the file manager", async () => {
    const help = (fake.seen.menus.at(-1) as Item[]).find((menu) => menu.label === 'Ayuda')!
    const item = help.submenu!.find((entry) => entry.label === 'Abrir la carpeta del registro')!
    item.click!()
    await new Promise((done) => setTimeout(done, 10))
    expect(fake.seen.openedPaths).toEqual([join(data, 'logs')])
  })
})
