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

interface FileAssociation {
  ext: string
  name?: string
  description?: string
  mimeType?: string
  icon?: string
}
interface BuilderConfig {
  appId: string
  afterPack: string
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

  it("packs only the built app into an asar, with sharp's native parts outside it", () => {
    expect(config.asar).toBe(true)
    expect(config.files).toEqual(expect.arrayContaining(['package.json', 'out/**', '!**/*.map']))
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['node_modules/sharp/**', 'node_modules/@img/**']))
  })
})

describe('the afterPack hook (scripts/after-pack.cjs)', () => {
  const hook = createRequire(__filename)(join(root, config.afterPack)) as {
    FUSES: Record<number, boolean>
    electronBinary(context: object): string
  }
  // The names @electron/fuses gives the wire's positions.
  const { FuseV1Options } = createRequire(__filename)('@electron/fuses') as { FuseV1Options: Record<string, number> }

  it('is the hook electron-builder runs after packing', () => {
    expect(config.afterPack).toBe('scripts/after-pack.cjs')
    expect(existsSync(join(root, config.afterPack))).toBe(true)
  })

  it('turns RunAsNode, NODE_OPTIONS and the inspect arguments off, and loads only an intact app.asar', () => {
    const named = Object.fromEntries(Object.entries(hook.FUSES).map(([index, value]) => [FuseV1Options[Number(index)], value]))
    expect(named).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      GrantFileProtocolExtraPrivileges: false,
    })
  })

  it('finds the binary holding the fuses on each platform', () => {
    const packager = { executableName: 'convolab', appInfo: { productFilename: 'Convolab' } }
    expect(hook.electronBinary({ appOutDir: '/out', electronPlatformName: 'linux', packager })).toBe(join('/out', 'convolab'))
    expect(hook.electronBinary({ appOutDir: '/out', electronPlatformName: 'win32', packager })).toBe(join('/out', 'Convolab.exe'))
    expect(hook.electronBinary({ appOutDir: '/out', electronPlatformName: 'darwin', packager })).toBe(join('/out', 'Convolab.app'))
  })
})
