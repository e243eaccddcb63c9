// Packing the real app for the tests: building it if needed, and stand-ins for Electron's runtime
// so electron-builder can pack on a machine that cannot download Electron. electron-builder copies an unpacked Electron folder given as electronDist
// (electron-builder 26: ElectronFramework "using custom unpacked Electron distribution"), then
// renames its executables and edits its metadata; the stubs carry just the files it touches.
import { execFileSync } from 'node:child_process'
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = join(__dirname, '..', '..')

// The app as electron-vite builds it; main and renderer names are fixed by electron.vite.config.ts.
export const BUILT_ENTRIES = ['out/main/index.js', 'out/renderer/index.html']

/** Builds the app with electron-vite unless out/ already holds it; returns the time taken in ms. */
export function ensureBuilt(): number {
  const built = BUILT_ENTRIES.every((f) => existsSync(join(root, f))) && existsSync(join(root, 'out', 'preload'))
  if (built) return 0
  const started = Date.now()
  const bin = join(root, 'node_modules', '.bin', 'electron-vite')
  run(bin, ['build'], 150_000)
  return Date.now() - started
}

/**
 * Electron's fuse wire as a real binary carries it: the sentinel, the wire's version (1) and
 * length, then one byte per fuse ('1' on, '0' off) with Electron's defaults (RunAsNode, NODE_OPTIONS,
 * --inspect and file:// privileges on; the rest off), so the afterPack hook flips real bytes.
 */
export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
export const DEFAULT_FUSES = '10110001'
const fuseWire = (): Buffer =>
  Buffer.concat([Buffer.from(`# fuses: ${FUSE_SENTINEL}`), Buffer.from([1, DEFAULT_FUSES.length]), Buffer.from(`${DEFAULT_FUSES}\n`)])

function stubExecutable(file: string, withFuses = true): void {
  writeFileSync(
    file,
    Buffer.concat([Buffer.from('#!/bin/sh\necho "stub Electron used by the packaging tests" >&2\nexit 1\n'), withFuses ? fuseWire() : Buffer.alloc(0)]),
  )
  chmodSync(file, 0o755)
}

/** Linux: the `electron` executable, which becomes the app's executable. */
export function linuxElectronStub(dir: string): string {
  mkdirSync(dir, { recursive: true })
  stubExecutable(join(dir, 'electron'))
  return dir
}

function plist(entries: Record<string, string>): string {
  const body = Object.entries(entries)
    .map(([key, value]) => `  <key>${key}</key><string>${value}</string>`)
    .join('\n')
  return `<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n${body}\n</dict>\n</plist>\n`
}

/**
 * macOS: Electron.app with its Info.plist and executable, plus the helper apps electron-builder
 * renames to "<product> Helper…" (it fails on a missing one).
 */
export function macElectronStub(dir: string): string {
  const contents = join(dir, 'Electron.app', 'Contents')
  mkdirSync(join(contents, 'MacOS'), { recursive: true })
  mkdirSync(join(contents, 'Resources'), { recursive: true })
  writeFileSync(join(contents, 'Info.plist'), plist({ CFBundleExecutable: 'Electron', CFBundleName: 'Electron', CFBundleIdentifier: 'com.github.Electron' }))
  stubExecutable(join(contents, 'MacOS', 'Electron'), false)
  // On macOS the fuses live in the framework's binary, not in the executable.
  const framework = join(contents, 'Frameworks', 'Electron Framework.framework')
  mkdirSync(framework, { recursive: true })
  stubExecutable(join(framework, 'Electron Framework'))
  for (const helper of ['Electron Helper', 'Electron Helper (Renderer)', 'Electron Helper (Plugin)', 'Electron Helper (GPU)']) {
    const helperContents = join(contents, 'Frameworks', `${helper}.app`, 'Contents')
    mkdirSync(join(helperContents, 'MacOS'), { recursive: true })
    writeFileSync(join(helperContents, 'Info.plist'), plist({ CFBundleExecutable: helper, CFBundleName: helper }))
    stubExecutable(join(helperContents, 'MacOS', helper), false)
  }
  return dir
}

/** Runs electron-builder's CLI on the real project and config, packing an unpacked app (--dir). */
export function packDir(platform: 'linux' | 'mac', electronDist: string, output: string): number {
  const started = Date.now()
  run(
    process.execPath,
    [
      join(root, 'node_modules', 'electron-builder', 'cli.js'),
      `--${platform}`,
      '--dir',
      process.arch === 'arm64' ? '--arm64' : '--x64',
      '--publish',
      'never',
      `-c.electronDist=${electronDist}`,
      `-c.directories.output=${output}`,
    ],
    150_000,
  )
  return Date.now() - started
}

/** Runs a command in the project; on failure, the error carries the end of what it printed. */
function run(command: string, args: string[], timeout: number): void {
  try {
    execFileSync(command, args, { cwd: root, stdio: 'pipe', timeout })
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: Buffer; stderr?: Buffer }
    const output = `${stdout?.toString() ?? ''}${stderr?.toString() ?? ''}`.trim().split('\n').slice(-25).join('\n')
    throw new Error(`${command} ${args.join(' ')} failed:\n${output}`, { cause: error })
  }
}
