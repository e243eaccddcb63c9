// Packs the real app for macOS (`--mac --dir`) against a stub Electron.app and reads the bundle's
// Info.plist: the app's identity, icon and the .convolab document type. Code signing is skipped
// off macOS, and the dmg itself needs macOS tools, so neither is checked here.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as asar from '@electron/asar'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureBuilt, macElectronStub, packDir } from './packing'

const root = join(__dirname, '..', '..')
// The plist reader electron-builder itself uses (a dependency of app-builder-lib).
const requireFromBuilder = createRequire(createRequire(__filename).resolve('app-builder-lib/package.json'))
const plist = requireFromBuilder('plist') as { parse(text: string): unknown }

interface DocumentType {
  CFBundleTypeExtensions: string[]
  CFBundleTypeIconFile: string
  CFBundleTypeName: string
  CFBundleTypeRole: string
}
interface InfoPlist {
  CFBundleIdentifier: string
  CFBundleName: string
  CFBundleExecutable: string
  CFBundleIconFile: string
  LSApplicationCategoryType: string
  CFBundleDocumentTypes: DocumentType[]
}

describe('electron-builder --mac --dir with a stub Electron.app', () => {
  let work: string
  let contents: string
  let info: InfoPlist

  beforeAll(() => {
    ensureBuilt()
    work = mkdtempSync(join(tmpdir(), 'convolab-pack-mac-'))
    const ms = packDir('mac', macElectronStub(join(work, 'electron-dist')), join(work, 'dist'))
    console.log(`macOS packaging took ${ms} ms`)
    contents = join(work, 'dist', process.arch === 'arm64' ? 'mac-arm64' : 'mac', 'Convolab.app', 'Contents')
    info = plist.parse(readFileSync(join(contents, 'Info.plist'), 'utf8')) as InfoPlist
  })

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('is Convolab.app with the app id, executable and category of the config', () => {
    expect(info.CFBundleIdentifier).toBe('org.convolab.app')
    expect(info.CFBundleName).toBe('Convolab')
    expect(info.CFBundleExecutable).toBe('Convolab')
    expect(existsSync(join(contents, 'MacOS', 'Convolab'))).toBe(true)
    expect(info.LSApplicationCategoryType).toBe('public.app-category.education')
  })

  it('uses the generated icon.icns as the app icon', () => {
    expect(info.CFBundleIconFile).toBe('icon.icns')
    const bundled = readFileSync(join(contents, 'Resources', 'icon.icns'))
    expect(bundled.equals(readFileSync(join(root, 'build', 'icon.icns')))).toBe(true)
  })

  it('declares .convolab documents, opened as an editor, with an icon that is in the bundle', () => {
    const session = info.CFBundleDocumentTypes.find((t) => t.CFBundleTypeExtensions.includes('convolab'))
    expect(session).toBeDefined()
    expect(session?.CFBundleTypeName).toBe('Convolab session')
    expect(session?.CFBundleTypeRole).toBe('Editor')
    expect(existsSync(join(contents, 'Resources', session?.CFBundleTypeIconFile ?? ''))).toBe(true)
  })

  it('carries the same app.asar contents as on Linux: the built main is its entry', () => {
    const archive = join(contents, 'Resources', 'app.asar')
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'))
    expect(manifest.main.replace(/^\.\//, '')).toBe('out/main/index.js')
    expect(asar.statFile(archive, 'out/main/index.js')).toBeDefined()
  })
})
