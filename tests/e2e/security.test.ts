// Browser mode's doors: without the token (or from another Origin or Host) nothing is served and
// no socket opens; with them the page and the engine work; and the server cannot be reached
// on any address of this machine but the loopback one.

import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { networkInterfaces, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { decodeMessage, encodeMessage, type WireMessage } from '../../contract/wire'
import { startServer, type RunningServer } from '../../src-main/serve'
import { realWorker, removeMainBundle } from '../main/helpers/worker-bundle'

interface Reply {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function get(server: RunningServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: server.port, path, method, headers }, (res) => {
      let body = ''
      res.on('data', (chunk) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

/** Opens a socket; resolves with it, or with the HTTP status that refused it. */
function openSocket(url: string, options: { origin?: string; headers?: Record<string, string> }): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, options)
    socket.on('open', () => resolve(socket))
    socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    socket.on('error', () => resolve(0))
  })
}

function invoke(socket: WebSocket, id: number, method: string, request: unknown): Promise<unknown> {
  return new Promise((resolve) => {
    const onMessage = (data: Buffer) => {
      const message = decodeMessage(new Uint8Array(data)) as WireMessage
      if (message.kind === 'result' && message.id === id) {
        socket.off('message', onMessage)
        resolve(message.result)
      }
    }
    socket.on('message', onMessage)
    socket.send(encodeMessage({ kind: 'invoke', id, method, request }))
  })
}

describe('browser mode security', () => {
  let server: RunningServer
  let origin: string
  let socketUrl: string

  beforeAll(async () => {
    const rendererDir = mkdtempSync(join(tmpdir(), 'convolab-renderer-'))
    mkdirSync(join(rendererDir, 'assets'))
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Convolab</title><div id="app"></div>')
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log(1)')
    server = await startServer({ port: 0, rendererDir, spawn: await realWorker(), log: () => {} })
    origin = `http://127.0.0.1:${server.port}`
    socketUrl = `ws://127.0.0.1:${server.port}/engine`
  })
  afterAll(async () => {
    await server?.close()
    await removeMainBundle()
  })

  it('prints a loopback URL with a long random token', () => {
    expect(server.host).toBe('127.0.0.1')
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${server.token}`)
    expect(server.token).toMatch(/^[0-9a-f]{48}$/)
  })

  it('refuses every request without the right token with 403', async () => {
    for (const path of ['/', '/index.html', '/assets/app.js', '/?token=', `/?token=${server.token.slice(1)}x`]) {
      const reply = await get(server, path)
      expect(reply.status, path).toBe(403)
      expect(reply.body).not.toContain('Convolab')
    }
    expect((await get(server, '/assets/app.js', { Cookie: 'convolab_token=wrong' })).status).toBe(403)
  })

  it('serves the page with the token, with a strict CSP, and the assets with the cookie it sets', async () => {
    const page = await get(server, `/?token=${server.token}`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<div id="app">')
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-eval')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(page.headers['x-content-type-options']).toBe('nosniff')
    const cookie = String(page.headers['set-cookie']).split(';')[0]
    expect(String(page.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict/)
    const asset = await get(server, '/assets/app.js', { Cookie: cookie })
    expect(asset.status).toBe(200)
    expect(asset.headers['content-type']).toMatch(/javascript/)
  })

  it('refuses another Host name (DNS rebinding), other methods, and paths outside the renderer', async () => {
    expect((await get(server, `/?token=${server.token}`, { Host: `evil.example:${server.port}` })).status).toBe(403)
    expect((await get(server, `/?token=${server.token}`, {}, 'POST')).status).toBe(405)
    const outside = await get(server, `/..%2F..%2F..%2Fetc%2Fpasswd?token=${server.token}`)
    expect(outside.status).toBe(404)
    expect(outside.body).not.toContain('root:')
  })

  it('refuses a socket without the token, from another Origin, or without an Origin', async () => {
    expect(await openSocket(socketUrl, { origin })).toBe(403)
    expect(await openSocket(`${socketUrl}?token=${server.token}`, { origin: 'http://evil.example' })).toBe(403)
    expect(await openSocket(`${socketUrl}?token=${server.token}`, { origin: `http://127.0.0.1:${server.port + 1}` })).toBe(403)
    expect(await openSocket(`${socketUrl}?token=${server.token}`, {})).toBe(403)
    expect(await openSocket(`ws://127.0.0.1:${server.port}/other?token=${server.token}`, { origin })).toBe(403)
  })

  it('runs the engine over a socket with the token (in the URL or the cookie)', async () => {
    for (const [url, headers] of [
      [`${socketUrl}?token=${server.token}`, {}],
      [socketUrl, { Cookie: `convolab_token=${server.token}` }],
    ] as const) {
      const socket = await openSocket(url, { origin, headers })
      expect(socket).toBeInstanceOf(WebSocket)
      const ws = socket as WebSocket
      const about = (await invoke(ws, 1, 'about', undefined)) as { ok: boolean; value: { host: string } }
      expect(about.ok).toBe(true)
      expect(about.value.host).toBe('browser')
      // A typed array crosses both ways: an input goes in, an exact probe comes back.
      const stored = (await invoke(ws, 2, 'setInput', { shape: [1, 1, 2, 2], data: Float64Array.from([1, 2, 3, 4]) })) as {
        value: { inputId: string }
      }
      const weight = { shape: [1, 1, 1, 1], data: Float64Array.from([0.5]) }
      const computed = (await invoke(ws, 3, 'compute', {
        requestId: 9,
        inputId: stored.value.inputId,
        weight,
        bias: null,
        options: {},
        display: { maxSide: 0 },
      })) as { ok: boolean; value: { output: { data: Float32Array } } }
      expect(computed.ok).toBe(true)
      expect(Array.from(computed.value.output.data)).toEqual([0.5, 1, 1.5, 2])
      const bad = (await invoke(ws, 4, 'compute', { requestId: 'x' })) as { ok: boolean; code: string }
      expect(bad).toMatchObject({ ok: false, code: 'bad-request' })
      ws.close()
    }
  })

  it('is not reachable on a non-loopback address of this machine', async () => {
    const addresses = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && (a.family === 'IPv4' || !a.address.startsWith('fe80')))
      .map((a) => a!.address)
    if (addresses.length === 0) {
      // No other address exists here to try: what can be checked is the address bound.
      console.log('no non-loopback address on this machine; checked that the server is bound to 127.0.0.1')
      expect(server.host).toBe('127.0.0.1')
      return
    }
    for (const address of addresses) {
      const outcome = await new Promise<string>((resolve) => {
        const socket = connect({ host: address, port: server.port, timeout: 2000 })
        socket.on('connect', () => {
          socket.destroy()
          resolve('connected')
        })
        socket.on('timeout', () => {
          socket.destroy()
          resolve('timeout')
        })
        socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
      })
      expect(outcome, address).not.toBe('connected')
    }
  })

  it('refuses to listen on anything but 127.0.0.1', async () => {
    await expect(startServer({ host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1 only/)
  })
})

describe('convolab serve (the built command)', () => {
  it('prints a loopback URL, serves the built page with it and runs the engine from the built worker', async () => {
    const root = resolve(__dirname, '../..')
    // npm test builds first; run `npm run build` before running this file alone.
    expect(existsSync(join(root, 'out', 'main', 'cli.js')), 'out/main/cli.js (npm run build)').toBe(true)
    const child = spawn(process.execPath, [join(root, 'bin', 'convolab.cjs'), 'serve'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const url = await new Promise<string>((resolveUrl, reject) => {
        let out = ''
        child.stdout.on('data', (chunk) => {
          out += chunk
          const match = out.match(/http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+/)
          if (match) resolveUrl(match[0])
        })
        child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)))
      })
      const { port, searchParams } = new URL(url)
      const server = { port: Number(port) } as RunningServer
      expect((await get(server, '/')).status).toBe(403)
      const page = await get(server, `/?token=${searchParams.get('token')}`)
      expect(page.status).toBe(200)
      expect(page.body).toMatch(/<script type="module"[^>]+src="\.?\/assets\//)
      const socket = await openSocket(`ws://127.0.0.1:${port}/engine?token=${searchParams.get('token')}`, { origin: `http://127.0.0.1:${port}` })
      expect(socket).toBeInstanceOf(WebSocket)
      const about = await invoke(socket as WebSocket, 1, 'about', undefined)
      expect(about).toMatchObject({ ok: true, value: { host: 'browser' } })
      ;(socket as WebSocket).close()
    } finally {
      child.kill('SIGINT')
    }
  })
})
