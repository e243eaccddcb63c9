// A hostile client against the real browser-mode server (`convolab serve`, its own process, on
// 127.0.0.1): hundreds of malformed WebSocket frames (reserved opcodes, unmasked client frames,
// reserved bits, over-size headers and messages, bad continuation and control frames, invalid
// UTF-8, garbage binary, bad JSON, bad wire headers and payloads, message parts out of order).
// After each one the server must still be running and answer a well-formed request, and the bad
// connection must have been closed with a close code or answered with an error envelope.

import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { execFileSync } from 'node:child_process'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { encodeMessage, decodeMessage } from '../../contract/wire'
import { seededSource } from '../../core'

const ROOT = resolve(__dirname, '../..')
const CASES = 360
const random = seededSource(2026)
const int = (n: number): number => Math.floor(random() * n)

let child: ChildProcess
let port = 0
let token = ''
let exited: string | null = null
let serverErrors = ''

beforeAll(async () => {
  execFileSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'pipe' })
  child = spawn(process.execPath, [join(ROOT, 'bin/convolab.cjs'), 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, CONVOLAB_DATA_DIR: mkdtempSync(join(tmpdir(), 'convolab-fuzz-data-')) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.on('exit', (code, signal) => (exited = `the server exited (code ${code}, signal ${signal})`))
  child.stderr!.on('data', (data: Buffer) => (serverErrors += data))
  const url = await new Promise<URL>((resolve_, reject) => {
    let out = ''
    child.stdout!.on('data', (data: Buffer) => {
      out += data
      const match = /http:\/\/127\.0\.0\.1:\d+\/\?token=[^\s]+/.exec(out)
      if (match) resolve_(new URL(match[0]))
    })
    child.once('exit', () => reject(new Error(`convolab serve stopped: ${out}`)))
  })
  port = Number(url.port)
  token = url.searchParams.get('token')!
})

afterAll(() => {
  child?.kill('SIGTERM')
})

/** One client frame, with every field open to abuse. */
function frame(options: { opcode: number; payload?: Uint8Array; fin?: boolean; rsv?: number; mask?: boolean; declaredLength?: bigint }): Buffer {
  const payload = options.payload ?? new Uint8Array(0)
  const mask = options.mask ?? true
  const length = options.declaredLength ?? BigInt(payload.length)
  const head: number[] = [((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | options.opcode]
  const maskBit = mask ? 0x80 : 0
  if (length < 126n) head.push(maskBit | Number(length))
  else if (length < 65536n) head.push(maskBit | 126, Number(length >> 8n) & 0xff, Number(length) & 0xff)
  else {
    head.push(maskBit | 127)
    for (let shift = 56n; shift >= 0n; shift -= 8n) head.push(Number((length >> shift) & 0xffn))
  }
  const key = randomBytes(4)
  const body = Buffer.from(payload)
  if (mask) for (let i = 0; i < body.length; i++) body[i] ^= key[i % 4]
  return Buffer.concat([Buffer.from(head), mask ? key : Buffer.alloc(0), body])
}

const invoke = (method: unknown, request: unknown, id: unknown = 1): Uint8Array => encodeMessage({ kind: 'invoke', id, method, request })

function partFrame(number: number, index: number, count: number, bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + bytes.length)
  out.set([0x43, 0x56, 0x4c, 0x50])
  const view = new DataView(out.buffer)
  view.setUint32(4, number, true)
  view.setUint32(8, index, true)
  view.setUint32(12, count, true)
  out.set(bytes, 16)
  return out
}

function wireHeader(json: string): Uint8Array {
  const header = new TextEncoder().encode(json)
  const out = new Uint8Array(8 + header.length)
  out.set([0x43, 0x56, 0x4c, 0x31])
  new DataView(out.buffer).setUint32(4, header.length, true)
  out.set(header, 8)
  return out
}

/** The malformed things a client can send after a good handshake, by kind. */
const KINDS: Record<string, () => Buffer[]> = {
  'reserved opcode': () => [frame({ opcode: [3, 4, 5, 6, 7, 11, 12, 13, 14, 15][int(10)], payload: randomBytes(int(40)) })],
  'unmasked client frame': () => [frame({ opcode: 2, payload: invoke('about', undefined), mask: false })],
  'reserved bits': () => [frame({ opcode: 2, rsv: 1 + int(7), payload: invoke('about', undefined) })],
  'over-size header': () => [frame({ opcode: 2, declaredLength: [2n ** 63n - 1n, 2n ** 40n, 9n * 2n ** 20n, 2n ** 32n][int(4)], payload: randomBytes(64) })],
  'over-size message': () => [frame({ opcode: 2, payload: new Uint8Array(8 * 1024 * 1024 + 17 + int(1000)) })],
  'continuation without start': () => [frame({ opcode: 0, payload: randomBytes(10) })],
  'fragmented control frame': () => [frame({ opcode: 9, fin: false, payload: randomBytes(4) })],
  'long control frame': () => [frame({ opcode: 9, payload: randomBytes(126 + int(100)) })],
  'bad close code': () => [frame({ opcode: 8, payload: Uint8Array.from([0x03, 0xe7 - int(3)]) })],
  'invalid UTF-8 text': () => [frame({ opcode: 1, payload: Uint8Array.from([0xc3, 0x28, 0xff, 0xfe]) })],
  'JSON as text': () => [frame({ opcode: 1, payload: new TextEncoder().encode(JSON.stringify({ kind: 'invoke', id: 1, method: 'about' })) })],
  'garbage binary': () => [frame({ opcode: 2, payload: randomBytes(1 + int(3000)) })],
  'empty binary': () => [frame({ opcode: 2 })],
  'wire header length past the end': () => [frame({ opcode: 2, payload: Uint8Array.from([0x43, 0x56, 0x4c, 0x31, 0xff, 0xff, 0xff, 0x7f, 1, 2]) })],
  'bad JSON header': () => [
    frame({ opcode: 2, payload: wireHeader(['{"value":', '{"value":1,"chunks":7}', 'null', '[]', '{"value":{"\\u0000typed":99},"chunks":[]}'][int(5)]) }),
  ],
  'chunk table out of range': () => [frame({ opcode: 2, payload: wireHeader('{"value":{"\\u0000typed":0},"chunks":[["f64",0,1000000]]}') })],
  'not an invoke': () => [
    frame({
      opcode: 2,
      payload: encodeMessage(
        [{ kind: 'result', id: 1 }, { kind: 'invoke', id: 'x', method: 'about' }, 42, { kind: 'invoke', id: 1.5, method: 'about' }][int(4)],
      ),
    }),
  ],
  'part count absurd': () => [frame({ opcode: 2, payload: partFrame(1, 0, 0xffffffff, randomBytes(100)) })],
  'part out of order': () => [frame({ opcode: 2, payload: partFrame(1, 3, 4, randomBytes(100)) })],
  'too many messages in parts': () => Array.from({ length: 6 }, (_, k) => frame({ opcode: 2, payload: partFrame(k, 0, 3, randomBytes(100)) })),
  'truncated frame, then gone': () => [frame({ opcode: 2, payload: invoke('about', undefined) }).subarray(0, 5)],
}

/** Bad requests in good frames: the server answers each with an error envelope and keeps the connection. */
const BAD_REQUESTS: Array<() => Uint8Array> = [
  () => invoke('no-such-method', {}),
  () => invoke('compute', { inputId: 42 }),
  () => invoke('setInput', { shape: [1, 1, 2, 2], data: 'not an array' }),
  () => invoke('sessionChunk', { upload: 'abc', index: -1, bytes: new Uint8Array(1) }),
  () => invoke('sessionChunk', { upload: 'fuzz-upload-1', index: 5, bytes: new Uint8Array(1) }),
  () => invoke('saveSession', { upload: 'never-sent-1' }),
  () => invoke('autosave', { text: 'not a session' }),
  () => invoke('openSession', { bytes: randomBytes(200), name: 'x.convolab' }),
  () => invoke('__proto__', { constructor: { prototype: 1 } }),
  () => invoke('decodeImage', { bytes: randomBytes(300), name: 'x.png', grayscale: false, maxSide: 0 }),
]

function handshake(): Promise<Socket> {
  return new Promise((resolve_, reject) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.write(
        `GET /engine?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: http://127.0.0.1:${port}\r\n` +
          `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      )
    })
    let head = Buffer.alloc(0)
    const onData = (data: Buffer): void => {
      head = Buffer.concat([head, data])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      socket.off('data', onData)
      if (!head.subarray(0, end).toString().startsWith('HTTP/1.1 101')) reject(new Error(head.toString()))
      else resolve_(socket)
    }
    socket.on('data', onData)
  })
}

/** Sends the frames; resolves with the server's close code (0: the connection just ended) or 'open' if it stayed up. */
async function attack(frames: Buffer[]): Promise<number | 'open' | 'answered'> {
  const socket = await handshake()
  return new Promise((resolve_) => {
    let received = Buffer.alloc(0)
    const finish = (result: number | 'open' | 'answered'): void => {
      clearTimeout(timer)
      socket.destroy()
      resolve_(result)
    }
    socket.on('data', (data: Buffer) => {
      received = Buffer.concat([received, data])
      const opcode = received[0] & 0x0f
      if (opcode === 8 && received.length >= 4) finish(received.readUInt16BE(2))
      else if (opcode === 8 && received.length >= 2) finish(0)
      else if (opcode === 2) finish('answered')
    })
    socket.on('error', () => finish(0))
    socket.on('close', () => finish(0))
    const timer = setTimeout(() => finish('open'), 600)
    for (const f of frames) socket.write(f)
  })
}

async function healthy(client: WebSocket, id: number): Promise<boolean> {
  return new Promise((resolve_) => {
    const timer = setTimeout(() => resolve_(false), 10_000)
    const onMessage = (data: Buffer): void => {
      const message = decodeMessage(new Uint8Array(data)) as { kind: string; id: number; result: { ok: boolean } }
      if (message.kind === 'result' && message.id === id) {
        clearTimeout(timer)
        client.off('message', onMessage)
        resolve_(message.result.ok)
      }
    }
    client.on('message', onMessage)
    client.send(invoke('getSettings', undefined, id))
  })
}

describe('the browser-mode server under malformed frames', () => {
  it(`survives ${CASES} malformed frames and bad requests, answering after each`, async () => {
    const started = performance.now()
    const client = new WebSocket(`ws://127.0.0.1:${port}/engine?token=${token}`, { headers: { Origin: `http://127.0.0.1:${port}` } })
    await new Promise((resolve_, reject) => {
      client.once('open', resolve_)
      client.once('error', reject)
    })
    const names = Object.keys(KINDS)
    const outcomes: Record<string, Record<string, number>> = {}
    for (let k = 0; k < CASES; k++) {
      const badRequest = k % 6 === 5
      const name = badRequest ? 'bad request in a good frame' : names[k % names.length]
      const frames = badRequest ? [frame({ opcode: 2, payload: BAD_REQUESTS[int(BAD_REQUESTS.length)]() })] : KINDS[name]()
      const outcome = await attack(frames)
      outcomes[name] ??= {}
      outcomes[name][String(outcome)] = (outcomes[name][String(outcome)] ?? 0) + 1
      expect(exited, `after case ${k} (${name})`).toBeNull()
      expect(await healthy(client, k + 1), `the server answers after case ${k} (${name})`).toBe(true)
    }
    const seconds = (performance.now() - started) / 1000
    console.log(`fuzz: ${CASES} cases in ${seconds.toFixed(1)} s, outcomes by kind:`, JSON.stringify(outcomes))
    // A bad request in a good frame is answered (with an error envelope); an unreadable frame closes
    // its connection with a code (0 when the server had to drop it without one: a truncated frame).
    expect(Object.keys(outcomes['bad request in a good frame'])).toEqual(['answered'])
    for (const name of [
      'reserved opcode',
      'unmasked client frame',
      'over-size header',
      'over-size message',
      'garbage binary',
      'bad JSON header',
      'invalid UTF-8 text',
    ]) {
      const codes = Object.keys(outcomes[name]).map(Number)
      expect(
        codes.every((code) => code >= 1002 && code <= 1011),
        `${name}: ${JSON.stringify(outcomes[name])}`,
      ).toBe(true)
    }
    expect(seconds).toBeLessThan(100)
    // Every failure was handled where it happened: serve's last-resort handlers never had to act.
    expect(serverErrors).not.toContain('unexpected')
    client.close()
  })
})
