// Browser mode as a user runs it, for the session, keyboard and accessibility tests: the built
// `convolab serve` in its own process (so it can be killed), with its own data folder, and a
// system Chromium driven by playwright-core.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type Browser } from 'playwright-core'

export const ROOT = resolve(__dirname, '../..')
export const SHOTS = join(ROOT, 'test-results')

export function buildApp(): void {
  try {
    execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'pipe' })
  } catch (error) {
    const output = String((error as { stderr?: Buffer }).stderr ?? '') + String((error as { stdout?: Buffer }).stdout ?? '')
    throw new Error(`the app does not build, so browser mode cannot be tested:\n${output.slice(-3000)}`, { cause: error })
  }
}

export function newDataFolder(): string {
  return mkdtempSync(join(tmpdir(), 'convolab-data-'))
}

export interface ServeProcess {
  url: string
  child: ChildProcess
  /** Stops it as Ctrl+C does (a clean end of the run). */
  stop(): Promise<void>
  /** Ends it at once, as a crash or a kill would. */
  kill(): Promise<void>
}

/** Starts `convolab serve` with its data in `dataDir`; resolves once it prints its address. */
export function startServe(dataDir: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'bin/convolab.cjs'), 'serve'], {
    cwd: ROOT,
    env: { ...process.env, CONVOLAB_DATA_DIR: dataDir, LANG: 'en_US.UTF-8' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<void>((done) => child.once('exit', () => done()))
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    await exited
  }
  return new Promise((resolveStart, reject) => {
    let output = ''
    const timer = setTimeout(() => reject(new Error(`convolab serve did not start:\n${output}`)), 30_000)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      const match = /running at (http:\/\/\S+)/.exec(output)
      if (match) {
        clearTimeout(timer)
        resolveStart({ url: match[1], child, stop: () => end('SIGTERM'), kill: () => end('SIGKILL') })
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    child.once('exit', (code) => reject(new Error(`convolab serve exited (${code}):\n${output}`)))
  })
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  })
}
