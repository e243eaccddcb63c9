// The desktop behaviour of the built Electron main, with a stand-in electron module: one data
// folder, single instance (a second launch hands its files over and quits), files from the
// command line and the OS opened in the window once the page listens, the title with the
// document and its unsaved mark, Save through the native dialog, closing with unsaved changes
// (Cancel, Don't Save, Save then close), the window's bounds remembered, a clean exit.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { serializeSession } from '../../core/session'
import { mainBundle, removeMainBundle } from './helpers/worker-bundle'
import { electronEvent, fakeElectron, loadMain, type FakeElectron } from './desktop-fake-electron'

const root = resolve(__dirname, '../..')
const scratch = mkdtempSync(join(root, 'node_modules', '.cache', 'convolab-desktop-test-'))
const data = join(scratch, 'data')
const files = join(scratch, 'files')
mkdirSync(files, { recursive: true })
const sessionText = serializeSession({
  input: { shape: [1, 1, 2, 2], data: Float64Array.from([1, 2, 3, 4]) },
  weight: { shape: [1, 1, 1, 1], data: Float64Array.from([2]) },
  bias: null,
  options: {},
  gradOutput: { kind: 'ones' },
  view: {},
})
writeFileSync(join(files, 'lesson.convolab'), sessionText)
writeFileSync(join(files, 'photo.png'), Uint8Array.from([0x89, 0x50, 0x4e, 0x47]))
writeFileSync(join(files, 'weights.npy'), Uint8Array.from([0x93, 0x4e, 0x55, 0x4d]))

type Sent = { type: string; name?: string; purpose?: string; path?: string; command?: string }
type Invoke = (event: unknown, method: unknown, request: unknown) => Promise<{ ok: boolean; value?: unknown; code?: string }>

let out = ''
let primary: FakeElectron
const savedArgv = process.argv
const savedEnv = process.env.CONVOLAB_DATA_DIR

function window(fake: FakeElectron) {
  return fake.seen.windows[0]
}
function invoke(fake: FakeElectron, method: string, request?: unknown) {
  const handler = fake.seen.ipcHandlers['convolab:invoke'] as Invoke
  const w = window(fake)
  return handler({ sender: w.webContents, senderFrame: { url: w.loaded } }, method, request)
}
const openFiles = (fake: FakeElectron) => (fake.seen.sent as Sent[]).filter((e) => e.type === 'open-file')
const tick = () => new Promise((r) => setTimeout(r, 30))

beforeAll(async () => {
  out = await mainBundle()
  process.env.CONVOLAB_DATA_DIR = data
  process.argv = ['/opt/Convolab/convolab', '--enable-logging', join(files, 'lesson.convolab'), 'notes.txt', join(files, 'photo.png')]
  primary = fakeElectron({ locale: 'es-ES' })
  await loadMain(out, primary)
  process.argv = savedArgv
}, 120_000)

afterAll(async () => {
  process.argv = savedArgv
  if (savedEnv === undefined) delete process.env.CONVOLAB_DATA_DIR
  else process.env.CONVOLAB_DATA_DIR = savedEnv
  await removeMainBundle()
  rmSync(scratch, { recursive: true, force: true })
})

describe('the first Convolab', () => {
  it('keeps its data in the data folder and starts a run there', () => {
    expect(primary.seen.paths.userData).toBe(data)
    expect(primary.seen.singleInstanceAsked).toBe(true)
    expect(readdirSync(join(data, 'runs'))).toEqual([String(process.pid)])
  })

  it("opens the command line's files once the page has loaded, each with its purpose", async () => {
    expect(openFiles(primary)).toEqual([])
    window(primary).webContents.emit('did-finish-load')
    await vi.waitFor(() => expect(openFiles(primary)).toHaveLength(2))
    expect(openFiles(primary).map(({ name, purpose, path }) => ({ name, purpose, path }))).toEqual([
      { name: 'lesson.convolab', purpose: 'session', path: join(files, 'lesson.convolab') },
      { name: 'photo.png', purpose: 'image', path: join(files, 'photo.png') },
    ])
  })

  it('takes the files of a second launch and of the OS, and comes to the front', async () => {
    const before = openFiles(primary).length
    const focused = window(primary).focused
    primary.module.app.emit('second-instance', electronEvent(), ['/opt/Convolab/convolab', 'weights.npy', '--flag'], files)
    const fromOs = electronEvent()
    primary.module.app.emit('open-file', fromOs, join(files, 'lesson.convolab'))
    await vi.waitFor(() => expect(openFiles(primary).length).toBe(before + 2))
    expect(fromOs.prevented).toBe(true)
    expect(window(primary).focused).toBe(focused + 1)
    expect(
      openFiles(primary)
        .slice(before)
        .map((e) => [e.name, e.purpose]),
    ).toEqual([
      ['weights.npy', 'tensor'],
      ['lesson.convolab', 'session'],
    ])
  })

  it("says so when a file cannot be read, in the menu's language", async () => {
    primary.module.app.emit('open-file', electronEvent(), join(files, 'missing.png'))
    await vi.waitFor(() => expect(primary.seen.errors).toHaveLength(1))
    expect(primary.seen.errors.at(-1)).toMatch(/^no se puede leer missing\.png/)
  })

  it('lets the page open a session it was sent and save back to it', async () => {
    const path = join(files, 'lesson.convolab')
    const bytes = new TextEncoder().encode(sessionText)
    expect(await invoke(primary, 'openSession', { bytes, name: 'lesson.convolab', path })).toMatchObject({ ok: true, value: { path } })
    expect(await invoke(primary, 'saveSession', { text: sessionText, path })).toMatchObject({ ok: true, value: { kind: 'saved', path } })
    expect(primary.seen.recentDocuments).toContain(path)
    const file = primary.seen.menus.at(-1)![0] as { label: string; submenu: Array<{ label: string; submenu?: Array<{ label: string }> }> }
    expect(file.label).toBe('Archivo')
    expect(file.submenu.find((item) => item.label === 'Abrir reciente')?.submenu?.map((item) => item.label)).toEqual(['lesson.convolab'])
  })

  it('titles the window with the document and its unsaved mark', async () => {
    const answer = await invoke(primary, 'setDocumentState', { name: 'lesson.convolab', dirty: true })
    expect(answer).toMatchObject({ ok: true })
    expect(window(primary).title).toBe(process.platform === 'darwin' ? 'lesson.convolab — Convolab' : '● lesson.convolab — Convolab')
    // The page's own <title> does not replace it.
    const titleEvent = electronEvent()
    window(primary).emit('page-title-updated', titleEvent)
    expect(titleEvent.prevented).toBe(true)
  })

  it('keeps the autosave for the reloaded page when the page crashes', async () => {
    expect(await invoke(primary, 'autosave', { text: sessionText, name: 'lesson.convolab' })).toMatchObject({ ok: true })
    window(primary).webContents.emit('render-process-gone', electronEvent(), { reason: 'crashed' })
    expect(window(primary).webContents.reloaded).toBe(1)
    const recovered = await invoke(primary, 'recovery')
    expect(recovered).toMatchObject({ ok: true, value: { name: 'lesson.convolab' } })
    expect(await invoke(primary, 'discardRecovery')).toMatchObject({ ok: true })
  })

  it('asks before closing with unsaved changes: Cancel keeps the window', async () => {
    primary.seen.messageBoxes.length = 0
    window(primary).close() // the fake's dialog answers index 2 (Cancel)
    await vi.waitFor(() => expect(primary.seen.messageBoxes).toHaveLength(1))
    await tick()
    expect(primary.seen.messageBoxes).toHaveLength(1)
    expect(primary.seen.messageBoxes[0].buttons).toEqual(['Guardar', 'No guardar', 'Cancelar'])
    expect(window(primary).closed).toBe(false)
  })
})

describe('closing: Save, then the window closes once the page has saved', () => {
  it('sends Save to the page and closes after the save dialog wrote the file', async () => {
    const fake = fakeElectron({ answers: [0], savePaths: [join(files, 'new-work')] })
    const env = process.env.CONVOLAB_DATA_DIR
    process.env.CONVOLAB_DATA_DIR = join(scratch, 'data-save')
    await loadMain(out, fake)
    process.env.CONVOLAB_DATA_DIR = env
    await invoke(fake, 'setDocumentState', { name: 'Untitled', dirty: true })
    window(fake).close()
    await vi.waitFor(() => expect((fake.seen.sent as Sent[]).some((e) => e.type === 'menu')).toBe(true))
    expect((fake.seen.sent as Sent[]).filter((e) => e.type === 'menu').map((e) => e.command)).toEqual(['save'])
    expect(window(fake).closed).toBe(false)
    // The page answers the 'save' command with a Save As (it has no path yet).
    expect(await invoke(fake, 'saveSession', { text: sessionText, suggestedName: 'Untitled' })).toMatchObject({ ok: true, value: { kind: 'saved' } })
    expect(readFileSync(join(files, 'new-work.convolab'), 'utf8')).toBe(sessionText)
    expect(window(fake).closed).toBe(true)
  })

  it("Don't Save closes at once and remembers the window's bounds", async () => {
    const fake = fakeElectron({ answers: [1] })
    const dir = join(scratch, 'data-discard')
    const env = process.env.CONVOLAB_DATA_DIR
    process.env.CONVOLAB_DATA_DIR = dir
    await loadMain(out, fake)
    process.env.CONVOLAB_DATA_DIR = env
    await invoke(fake, 'setDocumentState', { name: 'x', dirty: true })
    window(fake).close()
    await vi.waitFor(() => expect(window(fake).closed).toBe(true))
    const settings = JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))
    expect(settings.window).toEqual({ x: 40, y: 30, width: 1100, height: 700, maximized: false })
    // A clean exit removes the run: nothing to recover next time.
    fake.module.app.emit('will-quit')
    expect(readdirSync(join(dir, 'runs'))).toEqual([])

    // The next start opens the window where it was.
    const next = fakeElectron()
    process.env.CONVOLAB_DATA_DIR = dir
    await loadMain(out, next)
    process.env.CONVOLAB_DATA_DIR = env
    expect(window(next).opts).toMatchObject({ x: 40, y: 30, width: 1100, height: 700 })
    next.module.app.emit('will-quit')
  })
})

describe('a second Convolab', () => {
  it('quits without a window and without touching the data folder', async () => {
    const fake = fakeElectron({ primary: false })
    const dir = join(scratch, 'data-second')
    const env = process.env.CONVOLAB_DATA_DIR
    process.env.CONVOLAB_DATA_DIR = dir
    await loadMain(out, fake)
    process.env.CONVOLAB_DATA_DIR = env
    expect(fake.seen.quit).toBeGreaterThan(0)
    expect(fake.seen.windows).toHaveLength(0)
    expect(existsSync(dir)).toBe(false)
  })
})
