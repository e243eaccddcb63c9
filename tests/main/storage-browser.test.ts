// Browser mode keeps the same data folder: the server's tabs reach settings, autosave and
// sessions over the socket (saving hands the text back for a download), and a clean stop ends
// the server's run so the next start offers no recovery.

import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import WebSocket from 'ws'
import { afterAll, describe, expect, it } from 'vitest'
import { serializeSession } from '../../core/session'
import type { Result } from '../../contract'
import { decodeMessage, encodeMessage } from '../../contract/wire'
import { sameThreadWorker } from '../../src-main/engine/engine'
import { SOCKET_PATH, startServer } from '../../src-main/serve'

const scratch = mkdtempSync(join(resolve(__dirname, '../..'), 'node_modules', '.cache', 'convolab-browser-storage-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

const text = serializeSession({
  input: { shape: [1, 1, 2, 2], data: Float64Array.from([1, NaN, Infinity, 4]) },
  weight: { shape: [1, 1, 1, 1], data: Float64Array.from([3]) },
  bias: null,
  options: {},
  gradOutput: { kind: 'ones' },
  view: {},
})

function connect(port: number, token: string): Promise<(method: string, request?: unknown) => Promise<Result<unknown>>> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}${SOCKET_PATH}?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}` } })
  let next = 1
  const waiting = new Map<number, (result: Result<unknown>) => void>()
  socket.on('message', (data: Buffer) => {
    const message = decodeMessage(new Uint8Array(data)) as { kind: string; id: number; result: Result<unknown> }
    if (message.kind === 'result') waiting.get(message.id)?.(message.result)
  })
  return new Promise((resolve_, reject) => {
    socket.once('error', reject)
    socket.once('open', () =>
      resolve_((method, request) => {
        const id = next++
        socket.send(encodeMessage({ kind: 'invoke', id, method, request }))
        return new Promise((answer) => waiting.set(id, answer))
      }),
    )
  })
}

describe('browser mode and the data folder', () => {
  it('serves settings, autosave and downloads to its tabs, and ends its run on a clean stop', async () => {
    const dataDir = join(scratch, 'data')
    const rendererDir = join(scratch, 'renderer')
    mkdirSync(rendererDir, { recursive: true })
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>')
    const server = await startServer({ dataDir, rendererDir, spawn: sameThreadWorker(), log: () => {} })
    try {
      const invoke = await connect(server.port, server.token)
      expect(await invoke('setSettings', { decimals: 2, theme: 'dark' })).toMatchObject({ ok: true, value: { decimals: 2, theme: 'dark' } })
      // A second tab of the same server sees the same settings.
      const other = await connect(server.port, server.token)
      expect(await other('getSettings')).toMatchObject({ ok: true, value: { decimals: 2 } })
      expect(await invoke('autosave', { text, name: 'x.convolab' })).toMatchObject({ ok: true, value: { written: true } })
      expect(await invoke('saveSession', { text, suggestedName: 'x' })).toEqual({ ok: true, value: { kind: 'download', name: 'x.convolab', text } })
      const opened = (await invoke('openSession', { bytes: new TextEncoder().encode(text), name: 'x.convolab' })) as Result<{
        session: { input: { data: Float64Array } }
      }>
      // NaN and infinity travel through the session and the socket as themselves.
      expect(opened.ok && Array.from(opened.value.session.input.data)).toEqual([1, NaN, Infinity, 4])
      expect(await invoke('setDocumentState', { name: 'x.convolab', dirty: true })).toMatchObject({
        ok: true,
        value: { title: expect.stringContaining('x.convolab — Convolab') },
      })
      expect(readdirSync(join(dataDir, 'runs'))).toEqual([String(process.pid)])
    } finally {
      await server.close()
    }
    expect(readdirSync(join(dataDir, 'runs'))).toEqual([])
  })
})
