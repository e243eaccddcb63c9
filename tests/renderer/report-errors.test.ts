// The page reports its uncaught errors and unhandled rejections to the host: through the
// Electron bridge when there is one, else as a POST to browser mode's /log with the page's token;
// resource load errors (no error, no message) are not reports.

import { afterEach, describe, expect, it, vi } from 'vitest'
import type { ConvolabBridge, PageErrorReport } from '../../contract'
import { postReport, reportOf, reportUncaughtErrors } from '../../src-renderer/src/lib/errors/report-errors'

afterEach(() => vi.restoreAllMocks())

describe('reportOf', () => {
  it('keeps the name, message and stack of an Error, and the place', () => {
    const error = new TypeError('x is undefined')
    const report = reportOf('error', error, { source: 'app://convolab/assets/index.js', line: 3, column: 9 })
    expect(report).toMatchObject({ kind: 'error', message: 'TypeError: x is undefined', source: 'app://convolab/assets/index.js', line: 3, column: 9 })
    expect(report.stack).toContain('x is undefined')
  })

  it('describes a rejection with a non-Error reason, and clips what is too long', () => {
    expect(reportOf('rejection', { code: 42 }).message).toBe('{"code":42}')
    expect(reportOf('rejection', 'plain text').message).toBe('plain text')
    expect(reportOf('rejection', undefined).message).toBe('undefined')
    expect(reportOf('error', 'x'.repeat(5000)).message).toHaveLength(4000)
  })
})

describe('reportUncaughtErrors', () => {
  it('sends errors and rejections through the bridge in Electron', () => {
    const target = new EventTarget() as unknown as Window
    const reports: PageErrorReport[] = []
    const bridge = { reportError: (report: PageErrorReport) => reports.push(report) } as unknown as ConvolabBridge
    reportUncaughtErrors(target, bridge)
    target.dispatchEvent(Object.assign(new Event('error'), { error: new Error('boom'), message: 'boom', filename: 'a.js', lineno: 1, colno: 2 }))
    target.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason: new Error('nope') }))
    // A broken <img> fires 'error' without an error or message: not a report.
    target.dispatchEvent(Object.assign(new Event('error'), { error: null, message: '' }))
    expect(reports.map((r) => [r.kind, r.message, r.source])).toEqual([
      ['error', 'Error: boom', 'a.js'],
      ['rejection', 'Error: nope', undefined],
    ])
  })

  it('posts to /log with the token in a browser, and a failed post is no new error', async () => {
    const fetch = vi.fn(() => Promise.reject(new Error('server gone')))
    vi.stubGlobal('fetch', fetch)
    postReport({ kind: 'error', message: 'm' }, { search: '?token=abc' })
    expect(fetch).toHaveBeenCalledWith('/log?token=abc', expect.objectContaining({ method: 'POST', body: '{"kind":"error","message":"m"}', keepalive: true }))
    await new Promise((resolve) => setTimeout(resolve, 0))
    vi.unstubAllGlobals()
  })
})
