// The data folder of one process: settings, recent files, this run's autosave and the session
// recovered from a run that crashed. Plain Node (no Electron), shared by both hosts. Small files
// are written with blocking atomic writes (they are tiny, and the last ones happen at exit);
// the autosave, which may be large, without blocking.

import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs'
import { mkdir, stat } from 'node:fs/promises'
import { createHash, randomBytes } from 'node:crypto'
import { basename, extname, join, resolve } from 'node:path'
import { ConvolabError } from '../../core/errors'
import type { AutosaveResult, RecentFile, Settings, SettingsPatch } from '../../contract'
import type { Logger } from '../engine/envelope'
import { consoleLogger } from '../engine/envelope'
import { isTemporaryName, writeFileAtomic, writeFileAtomicSync } from './atomic-file'
import { readRecentFiles, withRecentFile, writeRecentText } from './recent-files'
import { parseRunRecord, runIsOver, thisRun, type RunEnvironment, type RunRecord } from './runs'
import { mergeSettings, readSettings, writeSettingsText } from './settings'

export const DATA_FILES = {
  settings: 'settings.json',
  recent: 'recent.json',
  runs: 'runs',
  run: 'run.json',
  autosave: 'autosave.convolab',
  recovery: 'recovery',
} as const

export interface StorageOptions {
  dir: string
  host: 'electron' | 'browser'
  /** Who this process is and how to tell whether another one still runs (tests stand in). */
  run?: RunEnvironment
  log?: Logger
}

/** The file of an autosave left by a run that did not end cleanly. */
export interface RecoveredText {
  bytes: Uint8Array
  savedAt: number
  name?: string
  path?: string
}

export class Storage {
  readonly dir: string
  private readonly run: RunEnvironment
  private readonly log: Logger
  private started = false
  private ended = false
  private settings!: Settings
  private recent!: RecentFile[]
  private record!: RunRecord
  /** Paths this run handed out (dialogs, command line, OS) or read: the only ones main writes to. */
  private readonly known = new Set<string>()
  /** The digest of the last autosave written, to skip rewriting the same file. */
  private lastAutosave: { digest: string; savedAt: number } | null = null
  private autosaving: Promise<unknown> = Promise.resolve()

  constructor(private readonly options: StorageOptions) {
    this.dir = resolve(options.dir)
    this.run = options.run ?? thisRun()
    this.log = options.log ?? consoleLogger
  }

  private get runDir(): string {
    return join(this.dir, DATA_FILES.runs, String(this.run.pid))
  }

  private get recoveryDir(): string {
    return join(this.dir, DATA_FILES.recovery)
  }

  /**
   * Starts this run (once; every other method calls it): reads the settings and recent files,
   * keeps the newest autosave of runs that did not end cleanly as the recovery, and marks this
   * run as running.
   */
  begin(): void {
    if (this.started) return
    try {
      this.start()
    } catch (error) {
      if (error instanceof ConvolabError) throw error
      throw new ConvolabError('file-write', { name: this.dir, detail: (error as Error).message })
    }
    this.started = true
  }

  private start(): void {
    const warn = (message: string): void => this.log(`data folder: ${message}`)
    mkdirSync(join(this.dir, DATA_FILES.runs), { recursive: true })
    this.settings = readSettings(this.readText(DATA_FILES.settings), warn)
    this.recent = readRecentFiles(this.readText(DATA_FILES.recent), warn)
    for (const file of this.recent) this.known.add(file.path)
    this.adoptCrashedRuns()
    this.record = { pid: this.run.pid, bootTime: this.run.bootTime, startedAt: Date.now(), host: this.options.host }
    mkdirSync(this.runDir, { recursive: true })
    writeFileAtomicSync(join(this.runDir, DATA_FILES.run), JSON.stringify(this.record) + '\n')
  }

  /** A clean exit: this run's autosave and marker go, so the next start offers no recovery. */
  end(): void {
    if (!this.started || this.ended) return
    this.ended = true
    rmSync(join(this.runDir, DATA_FILES.autosave), { force: true })
    rmSync(join(this.runDir, DATA_FILES.run), { force: true })
    rmSync(this.runDir, { recursive: true, force: true })
  }

  getSettings(): Settings {
    this.begin()
    return structuredClone(this.settings)
  }

  setSettings(patch: SettingsPatch): Settings {
    this.begin()
    const next = mergeSettings(this.settings, patch)
    this.writeSmall(DATA_FILES.settings, writeSettingsText(next))
    this.settings = next
    return structuredClone(next)
  }

  /** Recent files that still exist, most recent first. */
  recentFiles(): RecentFile[] {
    this.begin()
    return this.recent.filter((file) => existsSync(file.path)).map((file) => ({ ...file }))
  }

  /** Adds a path main knows (see isKnownPath) to the recent files. */
  addRecentFile(path: string): RecentFile[] {
    this.begin()
    const full = resolve(path)
    if (!this.isKnownPath(full)) throw new ConvolabError('path-not-allowed', { name: basename(full) })
    this.recent = withRecentFile(this.recent, { path: full, name: basename(full), openedAt: Date.now() })
    this.writeSmall(DATA_FILES.recent, writeRecentText(this.recent))
    return this.recentFiles()
  }

  /** Records a path the user chose or opened through main (dialogs, command line, the OS). */
  allowPath(path: string): void {
    this.known.add(resolve(path))
  }

  isKnownPath(path: string): boolean {
    this.begin()
    return this.known.has(resolve(path))
  }

  /** True when these bytes are the last autosave written (so they were checked then). */
  isLastAutosave(bytes: Uint8Array): boolean {
    return this.lastAutosave?.digest === digestOf(bytes)
  }

  /** Writes the current session as this run's autosave (an unchanged file is not rewritten). */
  async autosave(bytes: Uint8Array | string, document: { name?: string; path?: string } = {}): Promise<AutosaveResult> {
    this.begin()
    if (this.ended) throw new ConvolabError('no-data-folder')
    const path = document.path && this.isKnownPath(document.path) ? resolve(document.path) : undefined
    // One write at a time, in order: a slow large write is never overtaken by an older one.
    const write = this.autosaving.then(async () => {
      if (this.record.name !== document.name || this.record.path !== path) {
        this.record = { ...this.record, name: document.name, path }
        await mkdir(this.runDir, { recursive: true })
        await writeFileAtomic(join(this.runDir, DATA_FILES.run), JSON.stringify(this.record) + '\n')
      }
      const digest = digestOf(bytes)
      if (this.lastAutosave?.digest === digest) return { written: false, savedAt: this.lastAutosave.savedAt }
      const file = join(this.runDir, DATA_FILES.autosave)
      await mkdir(this.runDir, { recursive: true })
      await writeFileAtomic(file, bytes)
      const savedAt = (await stat(file)).mtimeMs
      // The app ended cleanly while this was being written: leave nothing to "recover".
      if (this.ended) rmSync(this.runDir, { recursive: true, force: true })
      this.lastAutosave = { digest, savedAt }
      return { written: true, savedAt }
    })
    this.autosaving = write.catch(() => {})
    return write.catch((error: unknown) => {
      throw new ConvolabError('file-write', { name: DATA_FILES.autosave, detail: (error as Error).message })
    })
  }

  /** The autosave of the newest run that did not end cleanly, or null. */
  recovery(): RecoveredText | null {
    this.begin()
    const file = join(this.recoveryDir, DATA_FILES.autosave)
    let bytes: Uint8Array
    let savedAt: number
    try {
      bytes = new Uint8Array(readFileSync(file))
      savedAt = statSync(file).mtimeMs
    } catch {
      return null
    }
    const record = this.readRecord(this.recoveryDir)
    const recovered: RecoveredText = { bytes, savedAt }
    if (record?.name) recovered.name = record.name
    if (record?.path) {
      recovered.path = record.path
      this.allowPath(record.path)
    }
    return recovered
  }

  /**
   * Offers this run's own autosave as the recovery (the page crashed while main lives on: the
   * reloaded page finds it with recovery()). False when there was nothing autosaved.
   */
  offerOwnAutosave(): boolean {
    this.begin()
    const autosave = join(this.runDir, DATA_FILES.autosave)
    if (!existsSync(autosave)) return false
    const staging = `${this.recoveryDir}.new-${randomBytes(4).toString('hex')}`
    mkdirSync(staging)
    renameSync(autosave, join(staging, DATA_FILES.autosave))
    writeFileAtomicSync(join(staging, DATA_FILES.run), JSON.stringify(this.record) + '\n')
    this.replaceRecovery(staging)
    this.lastAutosave = null
    return true
  }

  discardRecovery(): void {
    this.begin()
    rmSync(this.recoveryDir, { recursive: true, force: true })
  }

  private adoptCrashedRuns(): void {
    // Leftovers of an interrupted adoption (see below) and of interrupted atomic writes.
    for (const name of readdirSync(this.dir)) {
      if (name.startsWith(`${DATA_FILES.recovery}.old-`) || name.startsWith(`${DATA_FILES.recovery}.new-`) || isTemporaryName(name))
        rmSync(join(this.dir, name), { recursive: true, force: true })
    }
    const runsDir = join(this.dir, DATA_FILES.runs)
    const over: Array<{ dir: string; savedAt: number | null }> = []
    for (const name of readdirSync(runsDir)) {
      const dir = join(runsDir, name)
      if (!statSync(dir).isDirectory()) continue
      if (!runIsOver(this.readRecord(dir), Number(name), this.run)) continue
      const autosave = join(dir, DATA_FILES.autosave)
      over.push({ dir, savedAt: existsSync(autosave) ? statSync(autosave).mtimeMs : null })
    }
    const newest = over.filter((run) => run.savedAt !== null).sort((a, b) => b.savedAt! - a.savedAt!)[0]
    if (newest) {
      this.replaceRecovery(newest.dir)
      this.log(`data folder: a run that did not end cleanly left an autosave; it is offered for recovery`)
    }
    for (const run of over) if (run !== newest) rmSync(run.dir, { recursive: true, force: true })
  }

  /** Renames only, so a crash midway leaves either the old recovery or the new one in place. */
  private replaceRecovery(folder: string): void {
    const old = `${this.recoveryDir}.old-${randomBytes(4).toString('hex')}`
    if (existsSync(this.recoveryDir)) renameSync(this.recoveryDir, old)
    renameSync(folder, this.recoveryDir)
    rmSync(old, { recursive: true, force: true })
  }

  private readRecord(dir: string): RunRecord | null {
    try {
      return parseRunRecord(readFileSync(join(dir, DATA_FILES.run), 'utf8'))
    } catch {
      return null
    }
  }

  private readText(name: string): string | null {
    try {
      return readFileSync(join(this.dir, name), 'utf8')
    } catch {
      return null
    }
  }

  private writeSmall(name: string, text: string): void {
    try {
      writeFileAtomicSync(join(this.dir, name), text)
    } catch (error) {
      throw new ConvolabError('file-write', { name, detail: (error as Error).message })
    }
  }
}

/** True for a path whose extension is .convolab (any letter case). */
export function isSessionPath(path: string): boolean {
  return extname(path).toLowerCase() === '.convolab'
}

function digestOf(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}
