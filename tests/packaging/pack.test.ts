// Packs the real app with electron-builder (`--dir`, Linux) against a stub Electron folder, so
// nothing is downloaded, then lists what ended up in resources/app.asar.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import * as asar from '@electron/asar'
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BUILT_ENTRIES, ensureBuilt, linuxElectronStub, packDir } from './packing'

const root = join(__dirname, '..', '..')
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>
  devDependencies: Record<string, string>
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
}

/** Name of the package a node_modules path belongs to: 'node_modules/@img/x/lib/a' -> '@img/x'. */
function packageOf(path: string): string | null {
  const parts = path.split('/')
  const at = parts.lastIndexOf('node_modules', parts.length - 2)
  if (at < 0 || parts.length < at + 2) return null
  if (!parts[at + 1].startsWith('@')) return parts[at + 1]
  return parts.length < at + 3 ? null : `${parts[at + 1]}/${parts[at + 2]}` // a bare scope folder is no package
}

/**
 * Every installed package the runtime dependencies need, following dependencies and installed
 * optional dependencies with Node's lookup (nested node_modules first, then the parents').
 */
function runtimeClosure(): Set<string> {
  const seen = new Set<string>()
  const visit = (name: string, fromDir: string): void => {
    for (let dir = fromDir; ; dir = dirname(dir)) {
      const candidate = join(dir, 'node_modules', name)
      if (existsSync(join(candidate, 'package.json'))) {
        const key = relative(join(root, 'node_modules'), candidate).split(sep).join('/')
        if (seen.has(key)) return
        seen.add(key)
        const manifest = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8'))
        for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
          visit(dep, candidate)
        }
        return
      }
      if (dir === root) return // not installed (an optional dependency for another platform)
    }
  }
  for (const name of Object.keys(pkg.dependencies)) visit(name, root)
  return new Set([...seen].map((key) => packageOf(`node_modules/${key}/x`) as string))
}

describe('electron-builder --dir with a stub Electron', () => {
  let work: string
  let appDir: string
  let archive: string
  let packed: string[] // paths inside app.asar, '/'-separated, no leading slash
  const timings: Record<string, number> = {}

  beforeAll(() => {
    timings.build = ensureBuilt()
    work = mkdtempSync(join(tmpdir(), 'convolab-pack-'))
    timings.pack = packDir('linux', linuxElectronStub(join(work, 'electron-dist')), join(work, 'dist'))
    appDir = join(work, 'dist', process.arch === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked')
    archive = join(appDir, 'resources', 'app.asar')
    packed = asar.listPackage(archive, { isPack: false }).map((p) => p.split(sep).join('/').replace(/^\//, ''))
    console.log(`packaging timings (ms): ${JSON.stringify(timings)}; ${packed.length} entries in app.asar`)
  })

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('produced the app folder, with the stub renamed to the app executable', () => {
    expect(existsSync(join(appDir, 'convolab'))).toBe(true)
    expect(existsSync(archive)).toBe(true)
  })

  it("flips Electron's fuses in the packed executable (scripts/after-pack.cjs)", async () => {
    const wire = (await getCurrentFuseWire(join(appDir, 'convolab'))) as unknown as Record<number, number>
    const on = 49
    const off = 48
    expect({
      RunAsNode: wire[FuseV1Options.RunAsNode],
      EnableNodeOptionsEnvironmentVariable: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      EnableNodeCliInspectArguments: wire[FuseV1Options.EnableNodeCliInspectArguments],
      OnlyLoadAppFromAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      EnableEmbeddedAsarIntegrityValidation: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      EnableCookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
      GrantFileProtocolExtraPrivileges: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({
      RunAsNode: off,
      EnableNodeOptionsEnvironmentVariable: off,
      EnableNodeCliInspectArguments: off,
      OnlyLoadAppFromAsar: on,
      EnableEmbeddedAsarIntegrityValidation: on,
      EnableCookieEncryption: on,
      GrantFileProtocolExtraPrivileges: off,
    })
  })

  it('contains the built main, preload and renderer: every non-map file of out/', () => {
    for (const entry of BUILT_ENTRIES) expect(packed).toContain(entry)
    expect(packed.some((p) => p.startsWith('out/preload/') && /\.(c|m)?js$/.test(p))).toBe(true)
    const built = filesUnder(join(root, 'out')).filter((f) => !f.endsWith('.map'))
    expect(built.filter((f) => !packed.includes(f))).toEqual([])
  })

  it('starts from the built main: the packed package.json points at out/main/index.js', () => {
    const manifest = JSON.parse(asar.extractFile(archive, 'package.json').toString('utf8'))
    expect(manifest.main.replace(/^\.\//, '')).toBe('out/main/index.js')
    expect(manifest.desktopName).toBe('convolab.desktop')
    expect(manifest.devDependencies).toBeUndefined()
  })

  it('holds nothing of the app besides package.json and out/', () => {
    const own = packed.filter((p) => !p.startsWith('node_modules/') && p !== 'node_modules')
    const files = own.filter((p) => !packed.some((q) => q.startsWith(`${p}/`))) // leaves only
    expect(files.filter((p) => p !== 'package.json' && !p.startsWith('out/'))).toEqual([])
    for (const dir of ['core/', 'contract/', 'src-main/', 'src-renderer/', 'tests/', 'scripts/', 'build/']) {
      expect(
        packed.filter((p) => p.startsWith(dir)),
        dir,
      ).toEqual([])
    }
    expect(own.filter((p) => /\.(ts|mts|cts|tsx|svelte)$/.test(p))).toEqual([])
  })

  it('has no source maps anywhere', () => {
    expect(packed.filter((p) => p.endsWith('.map'))).toEqual([])
  })

  it('ships the runtime dependencies and nothing else in node_modules: no dev dependencies', () => {
    const inArchive = new Set(packed.map(packageOf).filter((n): n is string => n !== null))
    const runtime = runtimeClosure()
    for (const name of Object.keys(pkg.dependencies)) {
      expect(packed, name).toContain(`node_modules/${name}/package.json`)
    }
    expect([...inArchive].filter((n) => !runtime.has(n))).toEqual([])
    const devOnly = Object.keys(pkg.devDependencies).filter((n) => !runtime.has(n))
    for (const name of ['vitest', 'electron-vite', 'svelte', 'playwright-core', 'electron', 'electron-builder']) {
      expect(devOnly).toContain(name)
    }
    expect(devOnly.filter((n) => inArchive.has(n))).toEqual([])
  })

  it('keeps sharp and its native binaries outside the archive (asarUnpack)', () => {
    const unpacked = join(appDir, 'resources', 'app.asar.unpacked', 'node_modules')
    const sharpFiles = packed.filter((p) => p.startsWith('node_modules/sharp/') || p.startsWith('node_modules/@img/'))
    const files = sharpFiles.filter((p) => !packed.some((q) => q.startsWith(`${p}/`)))
    expect(files.length).toBeGreaterThan(0)
    for (const file of files) {
      const entry = asar.statFile(archive, file) as { unpacked?: boolean }
      expect(entry.unpacked, file).toBe(true)
      expect(existsSync(join(appDir, 'resources', 'app.asar.unpacked', file)), file).toBe(true)
    }
    const native = filesUnder(unpacked).filter((f) => f.endsWith('.node'))
    expect(native.length).toBeGreaterThan(0)
  })

  it('keeps every native module (.node) outside the archive, where it can be loaded', () => {
    const native = packed.filter((p) => p.endsWith('.node'))
    for (const file of native) {
      expect((asar.statFile(archive, file) as { unpacked?: boolean }).unpacked, file).toBe(true)
    }
  })

  it('runs: every runtime dependency loads from the packed tree, and sharp encodes an image', () => {
    const extracted = join(work, 'extracted')
    asar.extractAll(archive, extracted) // also copies the unpacked files back in place
    // Packages of code are imported; packages of data only (fonts, say) have no entry point.
    const code = Object.keys(pkg.dependencies).filter((name) => {
      const dir = join(extracted, 'node_modules', name)
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'))
      return manifest.exports !== undefined || manifest.main !== undefined || existsSync(join(dir, 'index.js'))
    })
    expect(code).toEqual(expect.arrayContaining(['sharp', 'ws', 'zod']))
    const check = join(extracted, 'check-dependencies.mjs')
    writeFileSync(
      check,
      `for (const name of ${JSON.stringify(code)}) await import(name)\n` +
        `const sharp = (await import('sharp')).default\n` +
        `const png = await sharp({ create: { width: 2, height: 2, channels: 3, background: '#ff8800' } }).png().toBuffer()\n` +
        `process.stdout.write(String((await sharp(png).metadata()).width))\n`,
    )
    const width = execFileSync(process.execPath, [check], { cwd: extracted, encoding: 'utf8', timeout: 60_000 })
    expect(width).toBe('2')
  })
})
