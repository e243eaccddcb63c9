// The desktop decisions as plain functions: which arguments are files, the window title, the
// close dialog's state machine, where the window reopens, files waiting for the page.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { argvFiles, purposeFor } from '../../src-main/desktop/argv-files'
import { CloseGuard, closeDialogButtons } from '../../src-main/desktop/close-guard'
import { OpenQueue, readFileEvent } from '../../src-main/desktop/file-event'
import { titleFor } from '../../src-main/desktop/title'
import { boundsToSave, DEFAULT_SIZE, restoreBounds } from '../../src-main/desktop/window-bounds'
import { ConvolabError } from '../../core/errors'
import { messageOf } from '../../messages'

describe('argvFiles', () => {
  it('keeps the files Convolab opens, resolved from the working folder, once each', () => {
    const argv = ['/usr/bin/convolab', '--no-sandbox', '--user-data-dir=/x', '.', 'lesson.convolab', '/abs/photo.JPG', 'notes.txt', 'k.npy', 'lesson.convolab']
    expect(argvFiles(argv, '/home/ana')).toEqual(['/home/ana/lesson.convolab', '/abs/photo.JPG', '/home/ana/k.npy'])
    // The executable itself never counts, even with a matching name.
    expect(argvFiles(['/opt/x.png'], '/')).toEqual([])
  })

  it('gives each extension its purpose', () => {
    expect(['a.convolab', 'b.PNG', 'c.jpeg', 'd.webp', 'e.gif', 'f.bmp', 'g.npy', 'h.csv', 'i'].map(purposeFor)).toEqual([
      'session',
      'image',
      'image',
      'image',
      'image',
      'image',
      'tensor',
      null,
      null,
    ])
  })
})

describe('titleFor', () => {
  it('shows the name and marks unsaved changes (macOS marks the close button instead)', () => {
    expect(titleFor('lesson.convolab', false, 'linux')).toBe('lesson.convolab — Convolab')
    expect(titleFor('lesson.convolab', true, 'win32')).toBe('● lesson.convolab — Convolab')
    expect(titleFor('lesson.convolab', true, 'darwin')).toBe('lesson.convolab — Convolab')
    expect(titleFor('  ', true, 'linux')).toBe('Convolab')
  })
})

describe('CloseGuard', () => {
  it('closes at once without unsaved changes', () => {
    expect(new CloseGuard().closeRequested()).toBe('close')
  })

  it("asks with unsaved changes; Cancel stays, Don't Save closes", () => {
    const guard = new CloseGuard()
    guard.setDirty(true)
    expect(guard.closeRequested()).toBe('ask')
    expect(guard.answered('cancel')).toBe('stay')
    expect(guard.closeRequested()).toBe('ask')
    expect(guard.answered('discard')).toBe('close')
    expect(guard.closeRequested()).toBe('close')
  })

  it('Save closes only after the file is written; a cancelled save keeps the window and asks again', () => {
    const guard = new CloseGuard()
    guard.setDirty(true)
    expect(guard.answered('save')).toBe('save')
    expect(guard.saveEnded(false)).toBe('stay')
    expect(guard.closeRequested()).toBe('ask')
    expect(guard.answered('save')).toBe('save')
    expect(guard.saveEnded(true)).toBe('close')
    expect(guard.closeRequested()).toBe('close')
    // A save the user made on their own does not close anything.
    const other = new CloseGuard()
    other.setDirty(true)
    expect(other.saveEnded(true)).toBe('stay')
  })

  it('labels the dialog in both languages, Save first and Cancel last', () => {
    expect(closeDialogButtons('en').buttons).toEqual(['Save', "Don't Save", 'Cancel'])
    expect(closeDialogButtons('es').buttons).toEqual(['Guardar', 'No guardar', 'Cancelar'])
    expect(closeDialogButtons('es').answers).toEqual(['save', 'discard', 'cancel'])
  })
})

describe('window bounds', () => {
  const screens = [
    { x: 0, y: 0, width: 1920, height: 1040 },
    { x: 1920, y: 0, width: 1280, height: 1024 },
  ]
  it('reopens where it was when a screen shows it', () => {
    expect(restoreBounds({ x: 2000, y: 100, width: 900, height: 700, maximized: true }, screens)).toEqual({
      bounds: { x: 2000, y: 100, width: 900, height: 700 },
      maximized: true,
    })
  })
  it('keeps the size but lets the system place it when its screen is gone, and never goes below the minimum', () => {
    expect(restoreBounds({ x: 4000, y: 100, width: 900, height: 700, maximized: false }, screens)).toEqual({
      bounds: { width: 900, height: 700 },
      maximized: false,
    })
    expect(restoreBounds({ x: 10, y: -500, width: 900, height: 700, maximized: false }, screens).bounds).toEqual({ width: 900, height: 700 })
    expect(restoreBounds({ x: 10, y: 10, width: 100, height: 100, maximized: false }, screens).bounds).toEqual({ x: 10, y: 10, width: 720, height: 480 })
  })
  it('opens at the default size the first time, and saves rounded bounds', () => {
    expect(restoreBounds(null, screens)).toEqual({ bounds: DEFAULT_SIZE, maximized: false })
    expect(boundsToSave({ x: 10.4, y: 20.6, width: 800.5, height: 600 }, false)).toEqual({ x: 10, y: 21, width: 801, height: 600, maximized: false })
  })
})

describe('files for the page', () => {
  const dir = mkdtempSync(join(resolve(__dirname, '../..'), 'node_modules', '.cache', 'convolab-file-event-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('wait until the page has loaded, then go one at a time in order', async () => {
    const events: string[] = []
    const queue = new OpenQueue(async (path) => {
      events.push(`start ${path}`)
      // The first file is slow to read: the second must still wait for it.
      await new Promise((r) => setTimeout(r, path === '/a.convolab' ? 30 : 1))
      events.push(`end ${path}`)
      if (path === '/b.png') throw new Error('unreadable')
    })
    queue.add(['/a.convolab', '/b.png'])
    queue.add(['/a.convolab'])
    await queue.settled()
    expect(events).toEqual([])
    queue.pageReady()
    queue.add(['/c.npy'])
    await queue.settled()
    expect(events).toEqual(['start /a.convolab', 'end /a.convolab', 'start /b.png', 'end /b.png', 'start /c.npy', 'end /c.npy'])
  })

  it('are read into an open-file event; missing files and folders are refused by name', async () => {
    const file = join(dir, 'k.npy')
    writeFileSync(file, Uint8Array.from([1, 2, 3]))
    expect(await readFileEvent(file, 'kernel')).toEqual({ type: 'open-file', name: 'k.npy', bytes: Uint8Array.from([1, 2, 3]), purpose: 'kernel', path: file })
    const missing = await readFileEvent(join(dir, 'nope.png'), 'image').catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(ConvolabError)
    expect((missing as ConvolabError).code).toBe('file-missing')
    expect(messageOf(missing, 'es')).toBe('no se puede leer nope.png: ENOENT')
    const folder = (await readFileEvent(dir, 'image').catch((e: unknown) => e)) as ConvolabError
    expect(folder.code).toBe('file-missing')
  })
})
