// The session, autosave, settings and recent-file methods through the engine, as the renderer
// calls them: validated payloads, the Electron flow (a save dialog through a stand-in shell) and
// browser mode (the text back for a download), refusals that change nothing, paths main never
// handed out refused.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { serializeSession, type Session } from '../../core/session'
import type { DocumentState, ErrorEnvelope, Result, Settings } from '../../contract'
import { Engine, sameThreadWorker } from '../../src-main/engine/engine'
import type { DocumentShell } from '../../src-main/storage/documents'
import { Storage } from '../../src-main/storage/storage'
import { DEFAULT_SETTINGS } from '../../src-main/storage/settings'
import type { RunEnvironment } from '../../src-main/storage/runs'
import { messageOf } from '../../messages'
import { value } from '../support/engine-results'

const scratch = mkdtempSync(join(resolve(__dirname, '../..'), 'node_modules', '.cache', 'convolab-methods-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))
let count = 0
const quiet = (): void => {}

function failure(result: Result<unknown>): ErrorEnvelope {
  if (result.ok) throw new Error(`expected an error envelope, got ${JSON.stringify(result.value)}`)
  return result
}

const session: Session = {
  input: { shape: [1, 1, 3, 3], data: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]) },
  inputName: 'digits',
  weight: { shape: [1, 1, 2, 2], data: Float64Array.from([1, 0, 0, -1]) },
  bias: null,
  options: { stride: 1, padding: 0 },
  gradOutput: { kind: 'ones' },
  view: { colourMap: 'viridis' },
}
const text = serializeSession(session)

class RecordingShell implements DocumentShell {
  nextPath: string | null = null
  asked: Array<{ name: string; folder: string | undefined }> = []
  saved: Array<string | null> = []
  documents: Array<{ state: DocumentState; title: string }> = []
  osRecent: string[] = []
  settings: Settings[] = []
  async chooseSavePath(name: string, folder: string | undefined) {
    this.asked.push({ name, folder })
    return this.nextPath
  }
  documentChanged(state: DocumentState, title: string) {
    this.documents.push({ state, title })
  }
  sessionSaved(path: string | null) {
    this.saved.push(path)
  }
  addRecentDocument(path: string) {
    this.osRecent.push(path)
  }
  settingsChanged(settings: Settings) {
    this.settings.push(settings)
  }
}

function setUp(host: 'electron' | 'browser', run?: RunEnvironment) {
  const dir = join(scratch, `case-${count++}`)
  mkdirSync(dir, { recursive: true })
  const storage = new Storage({ dir: join(dir, 'data'), host, run, log: quiet })
  const shell = host === 'electron' ? new RecordingShell() : undefined
  const engine = new Engine({ host, spawn: sameThreadWorker(), storage, shell, log: quiet })
  return { dir, storage, shell, engine }
}

describe('saveSession and openSession (Electron, with a save dialog)', () => {
  it('saves where the dialog says, then Save writes back to it; the file opens to the same session', async () => {
    const { dir, shell, engine } = setUp('electron')
    shell!.nextPath = join(dir, 'mine') // no extension typed: .convolab is added
    const saved = value(await engine.invoke('saveSession', { text, suggestedName: 'digits' }))
    expect(saved).toEqual({ kind: 'saved', path: join(dir, 'mine.convolab'), name: 'mine.convolab' })
    expect(shell!.asked).toEqual([{ name: 'digits.convolab', folder: undefined }])
    expect(readFileSync(join(dir, 'mine.convolab'), 'utf8')).toBe(text)
    expect(shell!.saved).toEqual([join(dir, 'mine.convolab')])
    expect(shell!.osRecent).toEqual([join(dir, 'mine.convolab')])

    // Save (with the path) writes without asking again.
    const changed = serializeSession({ ...session, options: { stride: 1, padding: 1 } })
    value(await engine.invoke('saveSession', { text: changed, path: join(dir, 'mine.convolab') }))
    expect(shell!.asked).toHaveLength(1)

    const opened = value(await engine.invoke('openSession', { path: join(dir, 'mine.convolab') }))
    expect(opened.name).toBe('mine.convolab')
    expect(opened.path).toBe(join(dir, 'mine.convolab'))
    expect(opened.session.options).toEqual({ stride: 1, padding: 1 })
    expect(Array.from(opened.session.input.data)).toEqual(Array.from(session.input.data))

    const settings = value(await engine.invoke('getSettings', undefined))
    expect(settings.lastFolders.session).toBe(dir)
    expect(value(await engine.invoke('recentFiles', undefined)).map((f) => f.name)).toEqual(['mine.convolab'])

    // The next dialog starts in the folder last used.
    shell!.nextPath = null
    expect(value(await engine.invoke('saveSession', { text }))).toEqual({ kind: 'cancelled' })
    expect(shell!.asked[1]).toEqual({ name: 'untitled.convolab', folder: dir })
    expect(shell!.saved.at(-1)).toBeNull()
  })

  it('tells the shell when a save fails, so a close waiting for it does not happen later', async () => {
    const { dir, engine, shell } = setUp('electron')
    shell!.nextPath = join(dir, 'no-such-folder', 'x.convolab')
    const refused = failure(await engine.invoke('saveSession', { text }))
    expect(refused.code).toBe('file-write')
    expect(messageOf(refused)).toMatch(/^cannot write x\.convolab: ENOENT/)
    expect(failure(await engine.invoke('saveSession', { text: 'not a session' })).code).toBe('session-corrupt')
    expect(shell!.saved).toEqual([null, null])
  })

  it('refuses paths it never handed out, other extensions and sessions that would not open again', async () => {
    const { dir, engine } = setUp('electron')
    const elsewhere = join(dir, 'elsewhere.convolab')
    expect(failure(await engine.invoke('saveSession', { text, path: elsewhere })).code).toBe('path-not-allowed')
    expect(failure(await engine.invoke('saveSession', { text, path: join(dir, '.bashrc') })).code).toBe('session-extension')
    expect(failure(await engine.invoke('saveSession', { text, path: 'relative.convolab' })).code).toBe('bad-request')
    expect(failure(await engine.invoke('saveSession', { text: '{"format": "convolab-session"', path: elsewhere })).code).toBe('session-corrupt')
    expect(failure(await engine.invoke('addRecentFile', elsewhere)).code).toBe('path-not-allowed')
    const bytes = new TextEncoder().encode(text)
    expect(failure(await engine.invoke('openSession', { bytes, name: 'x.convolab', path: elsewhere })).code).toBe('path-not-allowed')
    expect(failure(await engine.invoke('openSession', { bytes, name: 'x.json' })).code).toBe('session-extension')
    expect(failure(await engine.invoke('openSession', { path: join(dir, 'missing.convolab') })).code).toBe('file-missing')
  })

  it('refuses newer and corrupt sessions with their message in both languages, and nothing else changes', async () => {
    const { dir, engine } = setUp('electron')
    const before = {
      settings: value(await engine.invoke('getSettings', undefined)),
      recent: value(await engine.invoke('recentFiles', undefined)),
    }
    const newer = text.replace(/"version": \d+/, '"version": 7')
    const cases: Array<[string, string, RegExp]> = [
      ['newer.convolab', newer, /newer Convolab \(format version 7/],
      ['truncated.convolab', text.slice(0, text.length / 2), /not a valid Convolab session/],
      ['wrong.convolab', text.replace('"format": "convolab-session"', '"format": "other"'), /not a valid Convolab session/],
    ]
    for (const [name, content, english] of cases) {
      writeFileSync(join(dir, name), content)
      const refused = failure(await engine.invoke('openSession', { path: join(dir, name) }))
      expect(messageOf(refused, 'en')).toMatch(english)
      expect(messageOf(refused, 'es')).not.toBe(messageOf(refused, 'en'))
      expect(['session-newer', 'session-corrupt']).toContain(refused.code)
      const fromBytes = failure(await engine.invoke('openSession', { bytes: new TextEncoder().encode(content), name }))
      expect(fromBytes.code).toBe(refused.code)
    }
    const notText = failure(await engine.invoke('openSession', { bytes: Uint8Array.from([0xff, 0xfe, 0x00, 0xd8]), name: 'binary.convolab' }))
    expect(messageOf(notText)).toMatch(/neither a zip nor UTF-8 text/)
    expect(value(await engine.invoke('getSettings', undefined))).toEqual(before.settings)
    expect(value(await engine.invoke('recentFiles', undefined))).toEqual(before.recent)
  })
})

describe('saveSession in browser mode', () => {
  it('hands the text back for a download named .convolab, writing nothing', async () => {
    const { engine } = setUp('browser')
    expect(value(await engine.invoke('saveSession', { text, suggestedName: 'my work' }))).toEqual({ kind: 'download', name: 'my work.convolab', text })
    expect(value(await engine.invoke('saveSession', { text }))).toMatchObject({ kind: 'download', name: 'untitled.convolab' })
    expect(value(await engine.invoke('recentFiles', undefined))).toEqual([])
  })

  it('refuses a suggested name with folders in it', async () => {
    const { engine } = setUp('browser')
    expect(failure(await engine.invoke('saveSession', { text, suggestedName: '../../x' })).code).toBe('bad-request')
  })
})

describe('autosave and recovery through the engine', () => {
  it('brings back the session of a run that did not end cleanly, with its name, until discarded', async () => {
    const first = setUp('browser', { pid: 9001, bootTime: 1, isAlive: () => false })
    expect(value(await first.engine.invoke('recovery', undefined))).toBeNull()
    expect(value(await first.engine.invoke('autosave', { text, name: 'digits.convolab' }))).toMatchObject({ written: true })
    expect(value(await first.engine.invoke('autosave', { text, name: 'digits.convolab' }))).toMatchObject({ written: false })
    expect(failure(await first.engine.invoke('autosave', { text: 'not a session' })).code).toBe('session-corrupt')
    // Killed: no end(). A new process with the same data folder.
    const storage = new Storage({ dir: join(first.dir, 'data'), host: 'browser', run: { pid: 9002, bootTime: 1, isAlive: () => false }, log: quiet })
    const engine = new Engine({ host: 'browser', spawn: sameThreadWorker(), storage, log: quiet })
    const recovered = value(await engine.invoke('recovery', undefined))
    expect(recovered?.name).toBe('digits.convolab')
    expect(Array.from(recovered!.session.weight.data)).toEqual([1, 0, 0, -1])
    expect(recovered!.savedAt).toBeGreaterThan(Date.now() - 60_000)
    value(await engine.invoke('discardRecovery', undefined))
    expect(value(await engine.invoke('recovery', undefined))).toBeNull()
  })
})

describe('settings and document state through the engine', () => {
  it('drops unknown keys, refuses bad values, and tells the shell', async () => {
    const { engine, shell } = setUp('electron')
    expect(value(await engine.invoke('getSettings', undefined))).toEqual(DEFAULT_SETTINGS)
    const patch = { language: 'es', theme: 'dark', animationSpeed: 0.5, lastFolders: { image: '/home/ana/pics' }, secret: 'x' } as never
    const settings = value(await engine.invoke('setSettings', patch))
    expect(settings).toEqual({ ...DEFAULT_SETTINGS, language: 'es', theme: 'dark', animationSpeed: 0.5, lastFolders: { image: '/home/ana/pics' } })
    expect(shell!.settings.at(-1)).toEqual(settings)
    for (const bad of [
      { decimals: 2.5 },
      { decimals: 40 },
      { theme: 'purple' },
      { animationSpeed: Infinity },
      { lastFolders: { image: 'relative/dir' } },
      { window: { x: 0, y: 0, width: 5, height: 5, maximized: false } },
    ]) {
      expect(failure(await engine.invoke('setSettings', bad as never)).code).toBe('bad-request')
    }
    expect(value(await engine.invoke('getSettings', undefined))).toEqual(settings)
  })

  it('titles the window with the name and an unsaved mark', async () => {
    const { engine, shell } = setUp('electron')
    const title = value(await engine.invoke('setDocumentState', { name: 'digits.convolab', dirty: true })).title
    expect(title).toBe(process.platform === 'darwin' ? 'digits.convolab — Convolab' : '● digits.convolab — Convolab')
    expect(shell!.documents).toEqual([{ state: { name: 'digits.convolab', dirty: true }, title }])
  })

  it('refuses a payload for methods that take none, and answers no-data-folder without a data folder', async () => {
    const { engine } = setUp('browser')
    for (const method of ['recovery', 'discardRecovery', 'getSettings', 'recentFiles'] as const) {
      expect(failure(await engine.handle(method, { anything: true })).code).toBe('bad-request')
    }
    const bare = new Engine({ host: 'browser', spawn: sameThreadWorker(), log: quiet })
    const refused = failure(await bare.invoke('getSettings', undefined))
    expect(refused.code).toBe('no-data-folder')
    bare.close()
  })
})
