import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readIcns, readIco } from './icon-files'

const root = join(__dirname, '..', '..')
const build = join(root, 'build')

// Read the YAML with the same parser electron-builder uses (a dependency of app-builder-lib).
const requireFromBuilder = createRequire(createRequire(__filename).resolve('app-builder-lib/package.json'))
const yaml = requireFromBuilder('js-yaml') as { load(text: string): unknown }

interface FileAssociation { ext: string; name?: string; description?: string; mimeType?: string; icon?: string }
interface BuilderConfig {
  appId: string
  productName: string
  asar: boolean
  asarUnpack: string[]
  files: string[]
  directories: { buildResources: string }
  fileAssociations: FileAssociation[]
  linux: { icon: string; category: string; target: string[] }
  mac: { icon: string; target: string[] }
  win: { icon: string; target: string[] }
  nsis: { perMachine: boolean }
}

const config = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as BuilderConfig

describe('electron-builder.yml', () => {
  it('names the app and keeps resources in build/', () => {
    expect(config.productName).toBe('Convolab')
    expect(config.appId).toMatch(/^[a-z0-9]+(\.[a-z0-9-]+)+$/)
    expect(config.directories.buildResources).toBe('build')
  })

  it('builds AppImage and deb on Linux, dmg on macOS, NSIS on Windows', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb'])
    expect(config.linux.category.split(';')).toEqual(expect.arrayContaining(['Education', 'Science']))
    expect(config.mac.target).toEqual(['dmg'])
    expect(config.win.target).toEqual(['nsis'])
  })

  it('associates .convolab files, with their MIME type, shown with the app icon', () => {
    const session = config.fileAssociations.find((a) => a.ext === 'convolab')
    expect(session).toBeDefined()
    expect(session?.mimeType).toBe('application/x-convolab')
    expect(session?.name && session.description).toBeTruthy()
    // Without an icon of its own (`icon`, or build/convolab.icns / .ico), electron-builder gives
    // the document type the app icon; pack-mac.test.ts checks it lands in the bundle.
    expect(session?.icon).toBeUndefined()
    expect(existsSync(join(build, 'convolab.icns')) || existsSync(join(build, 'convolab.ico'))).toBe(false)
    // Windows registers file associations only for a per-machine install.
    expect(config.nsis.perMachine).toBe(true)
  })

  it('points every platform at an icon that exists in build/', () => {
    expect(existsSync(join(build, config.linux.icon, '512x512.png'))).toBe(true)
    readIcns(readFileSync(join(build, config.mac.icon)))
    readIco(readFileSync(join(build, config.win.icon)))
  })

  it('packs only the built app into an asar, with sharp\'s native parts outside it', () => {
    expect(config.asar).toBe(true)
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'out/**', '!**/*.map']))
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/sharp/**', 'node_modules/@img/**']))
  })
})
