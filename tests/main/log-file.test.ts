// The log file: where it is, what a line holds, rotation past its size, and the page's error
// reports (checked, written with their stack, limited per minute so a loop cannot fill the disk).

import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { nodeWorker } from '../../src-main/engine/engine'
import { LOG_FILE_NAME, LOG_FOLDER, logFilePath, openLog } from '../../src-main/logging/log-file'
import { describePageError, MAX_PER_MINUTE, pageErrorWriter } from '../../src-main/logging/page-errors'

const scratch = mkdtempSync(join(tmpdir(), 'convolab-log-test-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

describe('openLog', () => {
  it('writes to logs/convolab.log in the data folder, with time, level, process and scope', () => {
    const dir = join(scratch, 'a')
    const log = openLog(dir, 'server')
    expect(log.file).toBe(join(dir, LOG_FOLDER, LOG_FILE_NAME))
    expect(logFilePath(dir)).toBe(log.file)
    log.info('hello from the test')
    log.scoped('renderer').error('a page error', new Error('boom-in-test'))
    log.logger('an engine error', new RangeError('out of range in test'))
    const text = readFileSync(log.file, 'utf8')
    expect(text).toMatch(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}\] \[info\] \[server\] hello from the test$/m)
    expect(text).toMatch(/\[error\] \[server\] \(renderer\) a page error Error: boom-in-test/)
    // Errors carry their stack (this file's name is in it).
    expect(text).toMatch(/log-file\.test\.ts/)
    expect(text).toMatch(/\[error\] \[server\] an engine error RangeError: out of range in test/)
  })

  it('rotates: past the size limit the file becomes convolab.old.log and a new one starts', () => {
    const dir = join(scratch, 'b')
    const log = openLog(dir, 'main')
    const line = 'x'.repeat(10_000)
    // 2 MB limit: 260 lines of 10 kB pass it once.
    for (let i = 0; i < 260; i++) log.info(`${i} ${line}`)
    const old = join(dir, LOG_FOLDER, 'convolab.old.log')
    expect(existsSync(old)).toBe(true)
    expect(readFileSync(old, 'utf8')).toMatch(/\] 0 x/)
    const current = readFileSync(log.file, 'utf8')
    expect(current).not.toMatch(/\] 0 x/)
    expect(current).toMatch(/\] 259 x/)
    expect(current.length).toBeLessThan(2 * 1024 * 1024)
  })
})

describe('pageErrorWriter', () => {
  const collect = () => {
    const lines: string[] = []
    return { lines, log: { error: (m: string) => lines.push(`E ${m}`), warn: (m: string) => lines.push(`W ${m}`) } }
  }

  it('writes a report with its kind, message, place and stack', () => {
    const { lines, log } = collect()
    const write = pageErrorWriter(log)
    expect(
      write({
        kind: 'error',
        message: 'TypeError: x is undefined',
        stack: 'TypeError: x is undefined\n    at f (app.js:3:9)',
        source: 'app://convolab/assets/index.js',
        line: 3,
        column: 9,
      }),
    ).toBe(true)
    expect(write({ kind: 'rejection', message: 'Error: no engine' })).toBe(true)
    expect(lines).toEqual([
      'E uncaught error in the page: TypeError: x is undefined at app://convolab/assets/index.js:3:9\nTypeError: x is undefined\n    at f (app.js:3:9)',
      'E unhandled promise rejection in the page: Error: no engine',
    ])
  })

  it('ignores what is not a report (wrong kind, oversized, not an object), saying so', () => {
    const { lines, log } = collect()
    const write = pageErrorWriter(log)
    for (const bad of [null, 'text', { kind: 'crash', message: 'x' }, { kind: 'error', message: 'x'.repeat(5000) }, { kind: 'error' }]) {
      expect(write(bad)).toBe(false)
    }
    expect(lines).toHaveLength(5)
    expect(lines.every((line) => line.startsWith('W '))).toBe(true)
  })

  it(`writes at most ${MAX_PER_MINUTE} a minute, then says how many were left out`, () => {
    const { lines, log } = collect()
    let now = 1_000_000
    const write = pageErrorWriter(log, () => now)
    for (let i = 0; i < MAX_PER_MINUTE + 12; i++) write({ kind: 'error', message: `loop ${i}` })
    expect(lines).toHaveLength(MAX_PER_MINUTE)
    now += 60_000
    expect(write({ kind: 'error', message: 'later' })).toBe(true)
    expect(lines.slice(-2)).toEqual(['W 12 more page errors in the last minute were not written', 'E uncaught error in the page: later'])
  })

  it('describes a report without a place', () => {
    expect(describePageError({ kind: 'error', message: 'm' })).toBe('uncaught error in the page: m')
  })
})

describe('engine workers', () => {
  it('log what the thread writes to stderr and the uncaught error that stops it', async () => {
    const file = join(scratch, 'failing-worker.cjs')
    writeFileSync(file, "console.error('worker-side message for the log')\nsetTimeout(() => { throw new Error('worker-side uncaught') }, 50)\n")
    const lines: string[] = []
    const worker = nodeWorker(file, new Int32Array(new SharedArrayBuffer(16)), (message, error) => lines.push(`${message}${error ? ` ${String(error)}` : ''}`))
    const exits: string[] = []
    worker.onExit((reason) => exits.push(reason))
    await vi.waitFor(() => expect(exits.length).toBeGreaterThan(0))
    await vi.waitFor(() => expect(lines).toContain('compute worker: worker-side message for the log'))
    expect(lines).toContain('the compute worker stopped on an uncaught error Error: worker-side uncaught')
  })
})
