// Browser mode writes the page's uncaught errors and unhandled rejections to the same log file
// as the desktop app (logs/convolab.log in the data folder), through POST /log; only a page of
// ours, with the token, may write there.

import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { openBrowserMode, type BrowserMode } from './browser-mode'

let mode: BrowserMode
beforeAll(async () => {
  mode = await openBrowserMode()
}, 180_000)
afterAll(async () => {
  await mode?.close()
})

const readLog = () => {
  try {
    return readFileSync(mode.server.logFile, 'utf8')
  } catch {
    return ''
  }
}

describe('the log file in browser mode', () => {
  it('holds an uncaught error and an unhandled rejection forced in the page, with their stacks', async () => {
    const mark = `e2e-${Date.now().toString(36)}`
    await mode.page.evaluate((id) => {
      setTimeout(() => {
        throw new TypeError(`forced uncaught ${id}`)
      })
      void Promise.reject(new Error(`forced rejection ${id}`))
    }, mark)
    await vi.waitFor(() => expect(readLog()).toContain(`forced rejection ${mark}`), { timeout: 10_000 })
    await vi.waitFor(() => expect(readLog()).toContain(`forced uncaught ${mark}`), { timeout: 10_000 })
    const log = readLog()
    expect(log).toMatch(
      new RegExp(
        `\\[error\\] \\[server\\] \\(renderer\\) uncaught error in the page: TypeError: forced uncaught ${mark}\\nTypeError: forced uncaught ${mark}\\n\\s+at `,
      ),
    )
    expect(log).toMatch(
      new RegExp(
        `\\[error\\] \\[server\\] \\(renderer\\) unhandled promise rejection in the page: Error: forced rejection ${mark}\\nError: forced rejection ${mark}\\n\\s+at `,
      ),
    )
  })

  it('refuses reports from another origin, without the token, or too large', async () => {
    const origin = new URL(mode.server.url).origin
    const post = (url: string, headers: Record<string, string>, body: string) =>
      fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body })
    const report = JSON.stringify({ kind: 'error', message: 'forged-report' })
    const withToken = `${origin}/log?token=${mode.server.token}`
    expect((await post(withToken, { Origin: 'http://evil.example' }, report)).status).toBe(403)
    expect((await post(withToken, {}, report)).status).toBe(403)
    expect((await post(`${origin}/log`, { Origin: origin }, report)).status).toBe(403)
    expect((await post(withToken, { Origin: origin }, JSON.stringify({ kind: 'error', message: 'x'.repeat(40_000) }))).status).toBe(413)
    expect((await post(withToken, { Origin: origin }, '{not json')).status).toBe(400)
    expect(readLog()).not.toContain('forged-report')
    // A well-formed one from our origin is written.
    expect((await post(withToken, { Origin: origin }, JSON.stringify({ kind: 'error', message: 'a real report' }))).status).toBe(204)
    await vi.waitFor(() => expect(readLog()).toContain('uncaught error in the page: a real report'))
  })
})
