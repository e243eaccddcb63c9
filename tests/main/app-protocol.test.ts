// The app:// handler serves the built renderer and nothing else: every path that would leave the
// renderer folder (dot segments, encoded or not, backslashes, absolute paths, NUL) is a 404, as is
// another host or a method other than GET/HEAD; files come with their type and the app's CSP.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { APP_PAGE_URL, APP_SCHEME_PRIVILEGES, appProtocolResponse } from '../../src-main/desktop/app-protocol'
import { contentSecurityPolicy } from '../../src-main/server/csp'

const scratch = mkdtempSync(join(tmpdir(), 'convolab-protocol-'))
const renderer = join(scratch, 'out', 'renderer')
mkdirSync(join(renderer, 'assets'), { recursive: true })
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Convolab</title>')
writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)')
writeFileSync(join(renderer, 'assets', 'kernels.wasm'), Uint8Array.from([0, 97, 115, 109]))
// Secrets beside and above the renderer folder, which no URL may reach.
writeFileSync(join(scratch, 'out', 'secret.txt'), 'main-secret')
writeFileSync(join(scratch, 'secret.txt'), 'top-secret')
mkdirSync(join(scratch, 'out', 'renderer-other'))
writeFileSync(join(scratch, 'out', 'renderer-other', 'index.html'), 'sibling')
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const get = (url: string, method = 'GET') => appProtocolResponse(renderer, { url, method })

describe('appProtocolResponse', () => {
  it('serves the page and its files with their types and the CSP', async () => {
    const page = await get(APP_PAGE_URL)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toBe(contentSecurityPolicy())
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    // No other origin may read the app's files.
    expect(page.headers.get('access-control-allow-origin')).toBeNull()
    expect(await page.text()).toContain('<title>Convolab</title>')
    expect((await get('app://convolab/')).status).toBe(200)
    const script = await get('app://convolab/assets/index-abc.js?v=1#x')
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(await script.text()).toBe('console.log(1)')
    const wasm = await get('app://convolab/assets/kernels.wasm')
    expect(wasm.headers.get('content-type')).toBe('application/wasm')
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(Uint8Array.from([0, 97, 115, 109]))
    const head = await get(APP_PAGE_URL, 'HEAD')
    expect(head.status).toBe(200)
    expect(await head.text()).toBe('')
  })

  it('never leaves the renderer folder', async () => {
    const escapes = [
      'app://convolab/../secret.txt',
      'app://convolab/../../secret.txt',
      'app://convolab/%2e%2e/secret.txt',
      'app://convolab/%2E%2E/%2E%2E/secret.txt',
      'app://convolab/..%2fsecret.txt',
      'app://convolab/..%2F..%2Fsecret.txt',
      'app://convolab/assets/..%2f..%2fsecret.txt',
      'app://convolab/..%5csecret.txt',
      'app://convolab/%252e%252e/secret.txt',
      'app://convolab/..%2frenderer-other/index.html',
      `app://convolab/${encodeURIComponent(join(scratch, 'secret.txt'))}`,
      'app://convolab/index.html%00.png',
      'app://convolab/%ff',
      'app://convolab/assets',
      'app://convolab/missing.js',
    ]
    for (const url of escapes) {
      const response = await get(url)
      expect(response.status, url).toBe(404)
      expect(await response.text(), url).not.toMatch(/secret|sibling/)
    }
  })

  it('answers only its own host and scheme, and only GET and HEAD', async () => {
    expect((await get('app://other/index.html')).status).toBe(404)
    expect((await get('app://convolab.evil/index.html')).status).toBe(404)
    expect((await get('file:///etc/passwd')).status).toBe(404)
    expect((await get('not a url')).status).toBe(400)
    expect((await get(APP_PAGE_URL, 'POST')).status).toBe(405)
    expect((await get(APP_PAGE_URL, 'PUT')).status).toBe(405)
  })

  it('is registered as a standard, secure scheme (ES modules, WebCodecs) without bypassing the CSP', () => {
    expect(APP_SCHEME_PRIVILEGES.scheme).toBe('app')
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({ standard: true, secure: true, supportFetchAPI: true })
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('bypassCSP')
    expect(APP_SCHEME_PRIVILEGES.privileges).not.toHaveProperty('allowServiceWorkers')
  })
})
