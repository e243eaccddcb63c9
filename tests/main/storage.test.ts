// The data folder: where it is, atomic writes that survive a kill, settings that never crash the
// app, recent files, and recovery of the autosave of a run that did not end cleanly (a child
// process really killed with SIGKILL).

import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dataFolder } from '../../src-main/storage/data-folder'
import { writeFileAtomic, writeFileAtomicSync } from '../../src-main/storage/atomic-file'
import { DEFAULT_SETTINGS, mergeSettings, readSettings } from '../../src-main/storage/settings'
import { RECENT_LIMIT, readRecentFiles, withRecentFile } from '../../src-main/storage/recent-files'
import { runIsOver, type RunEnvironment } from '../../src-main/storage/runs'
import { DATA_FILES, Storage } from '../../src-main/storage/storage'
import { ConvolabError } from '../../core/errors'

/** A recovered autosave with its bytes read as text (these tests autosave plain strings). */
function asText(recovered: { bytes: Uint8Array } | null): Record<string, unknown> | null {
  return recovered && { ...recovered, text: new TextDecoder().decode(recovered.bytes) }
}

const root = resolve(__dirname, '../..')
const cache = join(root, 'node_modules', '.cache')
mkdirSync(cache, { recursive: true })
const scratch = mkdtempSync(join(cache, 'convolab-storage-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

let folderCount = 0
function freshFolder(): string {
  const dir = join(scratch, `data-${folderCount++}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** A run with a made-up pid; `alive` says which other pids still run. */
function runOf(pid: number, alive: number[] = [], bootTime = 1_700_000_000): RunEnvironment {
  return { pid, bootTime, isAlive: (other) => alive.includes(other) }
}

describe('dataFolder', () => {
  it("is the platform's application data folder, or CONVOLAB_DATA_DIR", () => {
    expect(dataFolder({}, 'linux', '/home/ana')).toBe('/home/ana/.config/Convolab')
    expect(dataFolder({ XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ana')).toBe('/xdg/Convolab')
    expect(dataFolder({}, 'darwin', '/Users/ana')).toBe('/Users/ana/Library/Application Support/Convolab')
    expect(dataFolder({ APPDATA: 'C:\\Users\\ana\\AppData\\Roaming' }, 'win32', 'C:\\Users\\ana')).toMatch(/^C:\\Users\\ana\\AppData\\Roaming[\\/]Convolab$/)
    expect(dataFolder({ CONVOLAB_DATA_DIR: '/tmp/x', XDG_CONFIG_HOME: '/xdg' }, 'linux', '/home/ana')).toBe('/tmp/x')
  })
})

describe('atomic writes', () => {
  it('replace the file and leave no temporary file behind', async () => {
    const dir = freshFolder()
    const file = join(dir, 'a.json')
    writeFileAtomicSync(file, 'one')
    await writeFileAtomic(file, 'two')
    expect(readFileSync(file, 'utf8')).toBe('two')
    expect(readdirSync(dir)).toEqual(['a.json'])
  })

  it('fail without leaving anything when the folder is missing', async () => {
    const dir = freshFolder()
    await expect(writeFileAtomic(join(dir, 'missing', 'a.json'), 'x')).rejects.toThrow()
    expect(() => writeFileAtomicSync(join(dir, 'missing', 'a.json'), 'x')).toThrow()
    expect(readdirSync(dir)).toEqual([])
  })
})

/** The child script built to plain JS, so a real process can be killed mid-write. */
let child = ''
beforeAll(async () => {
  await build({
    configFile: false,
    logLevel: 'silent',
    build: {
      ssr: true,
      outDir: join(scratch, 'child'),
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rollupOptions: {
        input: { child: join(__dirname, 'storage-child.ts') },
        output: { format: 'cjs', entryFileNames: '[name].js' },
      },
    },
  })
  child = join(scratch, 'child', 'child.js')
}, 120_000)

function startChild(args: string[]): Promise<ReturnType<typeof spawn>> {
  const process_ = spawn(process.execPath, [child, ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
  return new Promise((resolve_, reject) => {
    process_.stdout!.once('data', () => resolve_(process_))
    process_.once('exit', (code) => reject(new Error(`child exited early (${code})`)))
  })
}

function killed(process_: ReturnType<typeof spawn>): Promise<void> {
  return new Promise((resolve_) => {
    process_.once('exit', () => resolve_())
    process_.kill('SIGKILL')
  })
}

/** The version number in a file the child wrote, or an error if the file is not a whole version. */
function wholeVersion(text: string): number {
  const parsed = JSON.parse(text) as { n: number; sha: string; body: string }
  expect(createHash('sha256').update(parsed.body).digest('hex')).toBe(parsed.sha)
  expect(parsed.body).toHaveLength(4 * 1024 * 1024)
  return parsed.n
}

describe('a process killed mid-write (SIGKILL)', () => {
  for (const mode of ['sync', 'async'] as const) {
    it(`leaves the old or the new file, whole, every time (${mode})`, async () => {
      const dir = freshFolder()
      const file = join(dir, 'settings.json')
      let midWrite = 0
      const versions = new Set<number>()
      const rounds = 12
      for (let round = 0; round < rounds; round++) {
        const running = await startChild(['write', file, mode])
        await new Promise((r) => setTimeout(r, 30 + ((round * 37) % 120)))
        await killed(running)
        versions.add(wholeVersion(readFileSync(file, 'utf8')))
        // A temporary file left behind shows the kill landed during a write.
        const leftovers = readdirSync(dir).filter((name) => name !== 'settings.json')
        if (leftovers.length) midWrite++
        for (const name of leftovers) rmSync(join(dir, name))
      }
      console.log(`atomic ${mode}: ${rounds} kills, ${midWrite} during a write, versions seen ${[...versions].sort((a, b) => a - b).join(',')}`)
      // The kills must have landed while writing, or the test proved nothing.
      expect(midWrite).toBeGreaterThan(0)
      expect(versions.size).toBeGreaterThan(1)
    }, 120_000)
  }
})

describe('settings', () => {
  it('start from the defaults and survive a corrupt or half-valid file with warnings', () => {
    const warnings: string[] = []
    expect(readSettings(null, (w) => warnings.push(w))).toEqual(DEFAULT_SETTINGS)
    expect(readSettings('{"language": "es", "decim', (w) => warnings.push(w))).toEqual(DEFAULT_SETTINGS)
    expect(readSettings('[1, 2]', (w) => warnings.push(w))).toEqual(DEFAULT_SETTINGS)
    expect(warnings).toHaveLength(2)
    const mixed = readSettings(
      JSON.stringify({ version: 1, language: 'es', theme: 'purple', decimals: 99, animationSpeed: 2, lastFolders: { image: '/home/ana/pics' }, extra: true }),
      (w) => warnings.push(w),
    )
    expect(mixed).toEqual({ ...DEFAULT_SETTINGS, language: 'es', animationSpeed: 2, lastFolders: { image: '/home/ana/pics' } })
    expect(warnings.slice(2).map((w) => w.split(':')[1].trim().split(' ')[0])).toEqual(['theme', 'decimals'])
  })

  it('merge a change folder by folder', () => {
    const before = { ...DEFAULT_SETTINGS, lastFolders: { image: '/a', session: '/b' } }
    expect(mergeSettings(before, { theme: 'dark', lastFolders: { session: '/c' } })).toEqual({
      ...DEFAULT_SETTINGS,
      theme: 'dark',
      lastFolders: { image: '/a', session: '/c' },
    })
  })

  it('persist across processes; a corrupt settings.json gives the defaults and a logged warning', () => {
    const dir = freshFolder()
    const first = new Storage({ dir, host: 'browser', run: runOf(11) })
    expect(first.setSettings({ decimals: 6, theme: 'light' })).toMatchObject({ decimals: 6, theme: 'light' })
    first.end()
    expect(new Storage({ dir, host: 'browser', run: runOf(12) }).getSettings()).toMatchObject({ decimals: 6, theme: 'light' })
    writeFileSync(join(dir, DATA_FILES.settings), '\u0000\u0000garbage')
    const logged: string[] = []
    const third = new Storage({ dir, host: 'browser', run: runOf(13), log: (m) => logged.push(m) })
    expect(third.getSettings()).toEqual(DEFAULT_SETTINGS)
    expect(logged.join('\n')).toMatch(/settings\.json is not JSON/)
  })
})

describe('recent files', () => {
  it('most recent first, once each, at most the limit', () => {
    let files = readRecentFiles(null, () => {})
    for (let k = 0; k < RECENT_LIMIT + 3; k++) files = withRecentFile(files, { path: `/f${k}.convolab`, name: `f${k}`, openedAt: k })
    files = withRecentFile(files, { path: '/f5.convolab', name: 'f5', openedAt: 99 })
    expect(files).toHaveLength(RECENT_LIMIT)
    expect(files[0]).toEqual({ path: '/f5.convolab', name: 'f5', openedAt: 99 })
    expect(files.filter((f) => f.path === '/f5.convolab')).toHaveLength(1)
  })

  it('take only paths main handed out, and leave out files that are gone', () => {
    const dir = freshFolder()
    const storage = new Storage({ dir, host: 'electron', run: runOf(21) })
    const kept = join(dir, 'kept.convolab')
    const gone = join(dir, 'gone.convolab')
    writeFileSync(kept, '{}')
    writeFileSync(gone, '{}')
    expect(() => storage.addRecentFile(kept)).toThrow(ConvolabError)
    storage.allowPath(kept)
    storage.allowPath(gone)
    storage.addRecentFile(gone)
    expect(storage.addRecentFile(kept).map((f) => f.name)).toEqual(['kept.convolab', 'gone.convolab'])
    rmSync(gone)
    expect(storage.recentFiles().map((f) => f.name)).toEqual(['kept.convolab'])
    // The next run knows the recent files (Open Recent may save back to them).
    storage.end()
    expect(new Storage({ dir, host: 'electron', run: runOf(22) }).isKnownPath(kept)).toBe(true)
  })
})

describe('runs and recovery', () => {
  it('tell a crash from a clean exit and from a run that still goes on', () => {
    const env = runOf(50, [40])
    const record = (pid: number, bootTime = env.bootTime) => ({ pid, bootTime, startedAt: 0, host: 'electron' })
    expect(runIsOver(record(40), 40, env)).toBe(false)
    expect(runIsOver(record(41), 41, env)).toBe(true)
    expect(runIsOver(record(40, env.bootTime - 86_400), 40, env)).toBe(true)
    expect(runIsOver(record(50), 50, env)).toBe(true)
    expect(runIsOver(null, 40, env)).toBe(false)
    expect(runIsOver(null, Number('x'), env)).toBe(true)
  })

  it('offer the autosave of a run that did not end cleanly, and nothing after a clean exit', async () => {
    const dir = freshFolder()
    const crashed = new Storage({ dir, host: 'electron', run: runOf(101) })
    await crashed.autosave('first', { name: 'a.convolab' })
    expect(await crashed.autosave('first', { name: 'a.convolab' })).toMatchObject({ written: false })
    expect(await crashed.autosave('second', { name: 'a.convolab' })).toMatchObject({ written: true })
    // No end(): the process died. The next one (101 is gone) finds its autosave.
    const next = new Storage({ dir, host: 'electron', run: runOf(102) })
    expect(asText(next.recovery())).toMatchObject({ text: 'second', name: 'a.convolab' })
    expect(existsSync(join(dir, DATA_FILES.runs, '101'))).toBe(false)
    next.discardRecovery()
    expect(next.recovery()).toBeNull()
    await next.autosave('third')
    next.end()
    expect(new Storage({ dir, host: 'electron', run: runOf(103) }).recovery()).toBeNull()
  })

  it("offer this run's own autosave when the page crashed and main lives on", async () => {
    const dir = freshFolder()
    const storage = new Storage({ dir, host: 'electron', run: runOf(151), log: () => {} })
    expect(storage.offerOwnAutosave()).toBe(false)
    await storage.autosave('before the page crashed', { name: 'p.convolab' })
    expect(storage.offerOwnAutosave()).toBe(true)
    expect(asText(storage.recovery())).toMatchObject({ text: 'before the page crashed', name: 'p.convolab' })
    // Autosaving goes on in the run's folder, and the same text is written again (it moved away).
    expect(await storage.autosave('before the page crashed')).toMatchObject({ written: true })
    storage.discardRecovery()
    storage.end()
    expect(readdirSync(dir).sort()).toEqual([DATA_FILES.runs])
  })

  it('leave nothing to recover when the app ends cleanly during an autosave', async () => {
    const dir = freshFolder()
    const storage = new Storage({ dir, host: 'electron', run: runOf(161) })
    const writing = storage.autosave('x'.repeat(8 * 1024 * 1024))
    storage.end()
    await writing
    expect(readdirSync(join(dir, DATA_FILES.runs))).toEqual([])
    expect(new Storage({ dir, host: 'electron', run: runOf(162) }).recovery()).toBeNull()
  })

  it('leave a run that still goes on alone', async () => {
    const dir = freshFolder()
    await new Storage({ dir, host: 'browser', run: runOf(201) }).autosave('live work')
    const other = new Storage({ dir, host: 'browser', run: runOf(202, [201]) })
    expect(other.recovery()).toBeNull()
    expect(readFileSync(join(dir, DATA_FILES.runs, '201', DATA_FILES.autosave), 'utf8')).toBe('live work')
  })

  it('keep the newest of several crashed runs', async () => {
    const dir = freshFolder()
    await new Storage({ dir, host: 'browser', run: runOf(301) }).autosave('older')
    await new Promise((r) => setTimeout(r, 20))
    await new Storage({ dir, host: 'browser', run: runOf(302, [301]) }).autosave('newer')
    const next = new Storage({ dir, host: 'browser', run: runOf(303) })
    expect(asText(next.recovery())?.text).toBe('newer')
    expect(readdirSync(join(dir, DATA_FILES.runs))).toEqual(['303'])
  })

  it('give back the work of a process killed with SIGKILL', async () => {
    const dir = freshFolder()
    const running = await startChild(['autosave', dir, 'work before the kill'])
    const pid = running.pid!
    await killed(running)
    expect(existsSync(join(dir, DATA_FILES.runs, String(pid), DATA_FILES.run))).toBe(true)
    // The real check of the real pid: the killed process is gone.
    const next = new Storage({ dir, host: 'browser' })
    expect(asText(next.recovery())).toMatchObject({ text: 'work before the kill', name: 'killed.convolab' })
    next.end()
  }, 60_000)
})
