// What the page sends over browser mode's socket is what the engine computes with: a fresh server
// answering the page's own start-up sequence (small messages, then the input, then a compute)
// returns core's numbers exactly, every time.
import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import WebSocket from 'ws'
import { conv2d } from '../../core'
import { decodeMessage, encodeMessage, type WireMessage } from '../../contract/wire'
import { nodeWorker } from '../../src-main/engine/engine'
import { startServer, type RunningServer } from '../../src-main/serve'

const ROOT = resolve(__dirname, '../..')
let server: RunningServer | null = null
afterEach(async () => {
  await server?.close()
  server = null
})

function client(url: string): Promise<{ call: (id: number, method: string, request?: unknown) => Promise<unknown>; close: () => void }> {
  const address = new URL(url)
  const ws = new WebSocket(`ws://${address.host}/engine?token=${address.searchParams.get('token')}`, { origin: `http://${address.host}` })
  const waiting = new Map<number, (value: unknown) => void>()
  ws.on('message', (data: Buffer) => {
    const message = decodeMessage(new Uint8Array(data)) as { kind: string; id: number; result: unknown }
    waiting.get(message.id)?.(message.result)
  })
  return new Promise((ready) =>
    ws.on('open', () =>
      ready({
        call: (id, method, request) =>
          new Promise((answer) => {
            waiting.set(id, answer)
            ws.send(encodeMessage({ kind: 'invoke', id, method, request } as WireMessage))
          }),
        close: () => ws.close(),
      }),
    ),
  )
}

describe('browser-mode socket', () => {
  for (let round = 1; round <= 3; round++) {
    it(`a fresh server's first compute equals core's (round ${round})`, async () => {
      server = await startServer({
        dataDir: mkdtempSync(join(tmpdir(), 'convolab-data-')),
        rendererDir: join(ROOT, 'out/renderer'),
        spawn: (control) => nodeWorker(join(ROOT, 'out/main/engine-worker.js'), control),
      })
      const page = await client(server.url)
      const x = Float64Array.from('0000000011111000001100000100000100000110000010000'.split('').map(Number))
      const w = Float64Array.of(-1, 0, 1, -2, 0, 2, -1, 0, 1)
      const expected = conv2d({ shape: [1, 1, 7, 7], data: x }, { shape: [1, 1, 3, 3], data: w }, null, {}).output.data
      // The page's start-up: these small frames come first, then the input and the compute.
      const startup = [page.call(1, 'setDocumentState', { name: 'untitled', dirty: false }), page.call(2, 'getSettings'), page.call(3, 'recovery')]
      const stored = (await page.call(4, 'setInput', { shape: [1, 1, 7, 7], data: Float64Array.from(x) })) as { ok: boolean; value: { inputId: string } }
      await Promise.all(startup)
      expect(stored.ok).toBe(true)
      const result = (await page.call(5, 'compute', {
        requestId: 1,
        inputId: stored.value.inputId,
        weight: { shape: [1, 1, 3, 3], data: Float64Array.from(w) },
        bias: null,
        options: { stride: 1, padding: 0, dilation: 1, groups: 1, paddingMode: 'zeros' },
        display: { maxSide: 0 },
      })) as { ok: boolean; value: { output: { data: Float32Array; min: Float64Array; max: Float64Array } } }
      page.close()
      expect(result.ok).toBe(true)
      expect(Array.from(result.value.output.data)).toEqual(Array.from(Float32Array.from(expected)))
      expect(result.value.output.min[0]).toBe(Math.min(...expected))
      expect(result.value.output.max[0]).toBe(Math.max(...expected))
    })
  }
})
