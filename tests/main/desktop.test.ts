// The Electron glue's logic, without Electron: which pages may call main, the menu's commands
// in both languages, and the preload's channel names matching the contract's.

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { MenuItemConstructorOptions } from 'electron'
import { describe, expect, it, vi } from 'vitest'
import { IPC_EVENT, IPC_INVOKE, type MenuCommand } from '../../contract'
import { IPC_CONTEXT_MENU, IPC_PAGE_ERROR } from '../../contract/page-reports'
import { editMenuTemplate, valueMenuTemplate } from '../../src-main/desktop/context-menu'
import { menuTemplate, openFilters } from '../../src-main/desktop/menu-template'
import { isAppUrl } from '../../src-main/desktop/trust'
import { secureWebPreferences } from '../../src-main/desktop/web-preferences'

describe('isAppUrl (IPC sender check and navigation)', () => {
  const page = 'app://convolab/index.html'
  it('accepts our page only', () => {
    expect(isAppUrl(page, page)).toBe(true)
    expect(isAppUrl(`${page}#/kernel`, page)).toBe(true)
    expect(isAppUrl(`${page}?token=x`, page)).toBe(true)
    expect(isAppUrl('app://convolab/other.html', page)).toBe(false)
    expect(isAppUrl('app://convolab.evil/index.html', page)).toBe(false)
    expect(isAppUrl('app://user:pw@convolab/index.html', page)).toBe(false)
    expect(isAppUrl('apps://convolab/index.html', page)).toBe(false)
    expect(isAppUrl('file:///opt/Convolab/resources/app.asar/out/renderer/index.html', page)).toBe(false)
    expect(isAppUrl('file:///tmp/evil.html', page)).toBe(false)
    expect(isAppUrl('https://example.com/', page)).toBe(false)
    expect(isAppUrl(undefined, page)).toBe(false)
    expect(isAppUrl('not a url', page)).toBe(false)
  })
  it('accepts the dev server origin while developing, and nothing else', () => {
    const dev = 'http://localhost:5173'
    expect(isAppUrl('http://localhost:5173/src/main.ts', dev)).toBe(true)
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isAppUrl('http://127.0.0.1:5173/', dev)).toBe(false)
  })
})

function items(template: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return template.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? items(item.submenu) : [])])
}

describe('menuTemplate', () => {
  it('has File, Edit, View and Help, and sends every menu command', () => {
    const sent: MenuCommand[] = []
    const opened: string[] = []
    const recent: string[] = []
    let logFolders = 0
    const template = menuTemplate(
      'en',
      { command: (c) => sent.push(c), open: (p) => opened.push(p), openRecent: (path) => recent.push(path), openLogFolder: () => logFolders++ },
      { platform: 'linux', recent: [{ path: '/home/ana/a.convolab', name: 'a.convolab', openedAt: 1 }] },
    )
    expect(template.map((m) => m.label)).toEqual(['File', 'Edit', 'View', 'Help'])
    for (const item of items(template)) (item.click as (() => void) | undefined)?.()
    expect(opened).toEqual(['session', 'image', 'kernel', 'tensor'])
    expect(recent).toEqual(['/home/ana/a.convolab'])
    expect(logFolders).toBe(1)
    const help = template.find((m) => m.label === 'Help')?.submenu as MenuItemConstructorOptions[]
    expect(help.map((item) => item.label)).toContain('Open the Log Folder')
    expect(new Set(sent)).toEqual(
      new Set([
        'save',
        'save-as',
        'export',
        'undo',
        'redo',
        'zoom-in',
        'zoom-out',
        'zoom-reset',
        'language-en',
        'language-es',
        'theme-light',
        'theme-dark',
        'theme-system',
        'shortcuts',
        'about',
        'lessons',
        'present',
      ]),
    )
  })

  it('follows each platform: Ctrl+Y to redo and Quit in File elsewhere; the app menu, Window and Shift+Cmd+Z on macOS', () => {
    const actions = { command: vi.fn(), open: vi.fn() }
    const linux = items(menuTemplate('en', actions, { platform: 'linux' }))
    const mac = menuTemplate('en', actions, { platform: 'darwin' })
    const accelerator = (list: MenuItemConstructorOptions[], label: string) => list.find((item) => item.label === label)?.accelerator
    expect(accelerator(linux, 'Redo')).toBe('Ctrl+Y')
    expect(accelerator(items(mac), 'Redo')).toBe('Cmd+Shift+Z')
    expect(linux.some((item) => item.role === 'quit')).toBe(true)
    expect(mac.map((m) => m.label)).toEqual(['Convolab', 'File', 'Edit', 'View', 'Window', 'Help'])
    expect((mac[1].submenu as MenuItemConstructorOptions[]).some((item) => item.role === 'quit')).toBe(false)
    for (const [label, key] of [
      ['Open Session…', 'CmdOrCtrl+O'],
      ['Save', 'CmdOrCtrl+S'],
      ['Save As…', 'CmdOrCtrl+Shift+S'],
      ['Undo', 'CmdOrCtrl+Z'],
    ]) {
      expect(accelerator(linux, label)).toBe(key)
      expect(accelerator(items(mac), label)).toBe(key)
    }
    // No two items share a shortcut.
    const keys = linux.map((item) => item.accelerator).filter(Boolean)
    expect(new Set(keys).size).toBe(keys.length)
    // An empty Open Recent says so, disabled.
    const openRecent = linux.find((item) => item.label === 'Open Recent')
    expect(openRecent?.submenu).toEqual([{ label: 'No Recent Files', enabled: false }])
  })

  it('speaks Spanish, with the chosen language checked', () => {
    const template = menuTemplate('es', { command: vi.fn(), open: vi.fn() }, { platform: 'win32' })
    expect(template.map((m) => m.label)).toEqual(['Archivo', 'Edición', 'Ver', 'Ayuda'])
    const spanish = items(template).find((item) => item.label === 'Español')
    expect(spanish?.checked).toBe(true)
    expect(items(template).map((item) => item.label)).toEqual(expect.arrayContaining(['Abrir sesión…', 'Guardar', 'Guardar como…', 'Abrir reciente']))
    expect(openFilters('image', 'es')[0].extensions).toEqual(['png', 'jpg', 'jpeg', 'webp', 'gif', 'bmp'])
    expect(openFilters('session', 'es')).toEqual([{ name: 'Sesión de Convolab', extensions: ['convolab'] }])
  })
})

describe('preload', () => {
  it("uses the contract's channel names and imports nothing but electron", () => {
    const source = readFileSync(resolve(__dirname, '../../src-main/preload.ts'), 'utf8')
    expect(source).toContain(`'${IPC_INVOKE}'`)
    expect(source).toContain(`'${IPC_EVENT}'`)
    expect(source).toContain(`'${IPC_PAGE_ERROR}'`)
    expect(source).toContain(`'${IPC_CONTEXT_MENU}'`)
    const imports = [...source.matchAll(/^import\s+(?!type\b).*from\s+'([^']+)'/gm)].map((m) => m[1])
    expect(imports).toEqual(['electron'])
  })
})

describe('secureWebPreferences', () => {
  it('isolates the page: context isolation, sandbox, no Node anywhere, no webviews', () => {
    expect(secureWebPreferences('/app/preload.js')).toMatchObject({
      preload: '/app/preload.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
  })
})

describe('context menus', () => {
  it('in a field: Cut, Copy, Paste, Select All as the field allows; on a selection: Copy; elsewhere: none', () => {
    const flags = { canCut: true, canCopy: true, canPaste: false, canSelectAll: true }
    const field = editMenuTemplate('en', { isEditable: true, selectionText: 'abc', editFlags: flags })!
    expect(field.filter((item) => item.role).map((item) => [item.role, item.label, item.enabled])).toEqual([
      ['cut', 'Cut', true],
      ['copy', 'Copy', true],
      ['paste', 'Paste', false],
      ['selectAll', 'Select All', true],
    ])
    expect(editMenuTemplate('en', { isEditable: false, selectionText: ' x ', editFlags: flags })?.map((item) => item.role)).toEqual(['copy'])
    expect(editMenuTemplate('en', { isEditable: false, selectionText: '  ', editFlags: flags })).toBeNull()
  })

  it('"Copy Value" shows a short value and copies the exact text', () => {
    const copied: string[] = []
    const [short] = valueMenuTemplate('en', '0.25', (text) => copied.push(text))
    expect(short.label).toBe('Copy Value 0.25')
    const [long] = valueMenuTemplate('es', '-0.12345678901234567890123', (text) => copied.push(text))
    expect(long.label).toBe('Copiar valor')
    ;(short.click as () => void)()
    ;(long.click as () => void)()
    expect(copied).toEqual(['0.25', '-0.12345678901234567890123'])
  })
})
