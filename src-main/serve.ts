// Browser mode: the built renderer over HTTP and the engine over a WebSocket, on 127.0.0.1
// only, behind a random token that every request and the socket must carry.

import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { delimiter, join } from 'node:path'
import { WebSocketServer } from 'ws'
import { ConvolabError } from '../core/errors'
import { MAX_FRAME_BYTES } from '../contract/wire-parts'
import { PAGE_LOG_PATH } from '../contract/page-reports'
import { builtPaths } from './built-paths'
import type { Logger } from './engine/envelope'
import type { SpawnWorker } from './engine/engine'
import { hostAllowed, newToken, ownOrigins, socketAllowed, tokenAllowed, tokenCookie, tokenFromUrl, type Access } from './server/access'
import { contentSecurityPolicy } from './server/csp'
import { openLog } from './logging/log-file'
import { pageErrorWriter } from './logging/page-errors'
import { answerPageLog } from './server/page-log'
import { serveSocket } from './server/socket'
import { staticFile } from './server/static-files'
import { dataFolder } from './storage/data-folder'
import { Storage } from './storage/storage'

export interface ServerOptions {
  /** 0 picks a free port. */
  port?: number
  /** Only the loopback address is accepted. */
  host?: '127.0.0.1'
  /** Folder of the built renderer; defaults to out/renderer beside the built main. */
  rendererDir?: string
  /** How the engine starts its worker (tests); defaults to the built worker. */
  spawn?: SpawnWorker
  /** Where the engine's and storage's errors go; defaults to the log file in the data folder. */
  log?: Logger
  /** The data folder (settings, recent files, autosave); defaults to dataFolder(). Nothing is written there until the page asks. */
  dataDir?: string
}

export interface RunningServer {
  /** The address to open, token included. */
  url: string
  token: string
  port: number
  host: string
  /** The log file (the data folder's logs/convolab.log), the page's uncaught errors included. */
  logFile: string
  close(): Promise<void>
}

export const SOCKET_PATH = '/engine'

export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const host = options.host ?? '127.0.0.1'
  if (host !== '127.0.0.1') throw new Error(`browser mode listens on 127.0.0.1 only (asked for ${host})`)
  const rendererDir = options.rendererDir ?? builtPaths.renderer()
  const access: Access = { token: newToken(), port: 0 }
  const dataDir = options.dataDir ?? dataFolder()
  // The same log file as the desktop app's, in the same data folder.
  const appLog = openLog(dataDir, 'server')
  const log = options.log ?? appLog.logger
  const pageLog = pageErrorWriter(appLog.scoped('renderer'))
  // One data folder per server process, shared by its tabs; a clean stop ends its run.
  const storage = new Storage({ dir: dataDir, host: 'browser', log })

  const server = createServer((request, response) => {
    answer(request, response, access, rendererDir, pageLog).catch((error: unknown) => {
      log('browser mode: a request failed', error)
      if (!response.headersSent) response.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      response.end()
    })
  })
  // No frame is larger than a part of a message (contract/wire-parts.ts): ws refuses a larger one
  // from its header, before reading it, and closes that connection with 1009.
  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  sockets.on('error', (error) => log('browser mode: the socket server reported', error))
  server.on('upgrade', (request, socket, head) => {
    // A client that resets the connection mid-handshake must not become an uncaught error.
    socket.on('error', (error) => log('browser mode: a connection failed during the handshake', error.message))
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname
    if (path !== SOCKET_PATH || !socketAllowed(request, access)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => serveSocket(ws, { host: 'browser', spawn: options.spawn, log, storage }))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, host, () => resolve())
  })
  access.port = (server.address() as AddressInfo).port
  return {
    url: `http://${host}:${access.port}/?token=${access.token}`,
    token: access.token,
    port: access.port,
    host,
    logFile: appLog.file,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate()
        sockets.close()
        server.closeAllConnections()
        storage.end()
        server.close(() => resolve())
      }),
  }
}

function securityHeaders(port: number): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(ownOrigins(port).map((origin) => origin.replace('http:', 'ws:'))),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  }
}

async function answer(
  request: IncomingMessage,
  response: ServerResponse,
  access: Access,
  rendererDir: string,
  pageLog: (payload: unknown) => boolean,
): Promise<void> {
  const headers = securityHeaders(access.port)
  const refuse = (status: number, text: string): void => {
    response.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' })
    response.end(text)
  }
  if (!hostAllowed(request, access) || !tokenAllowed(request, access)) return refuse(403, 'Forbidden')
  if (request.method === 'POST' && new URL(request.url ?? '/', 'http://127.0.0.1').pathname === PAGE_LOG_PATH) {
    return answerPageLog(request, response, access.port, pageLog, headers)
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method Not Allowed')
  const file = await staticFile(rendererDir, new URL(request.url ?? '/', 'http://127.0.0.1').pathname)
  if (!file) return refuse(404, 'Not Found')
  // The first load carries the token in the URL; the cookie carries it for the page's own requests.
  if (tokenFromUrl(request)) headers['Set-Cookie'] = tokenCookie(access.token)
  response.writeHead(200, { ...headers, 'Content-Type': file.type, 'Content-Length': file.body.length })
  response.end(request.method === 'HEAD' ? undefined : file.body)
}

/** Opens a URL in the system's browser; false when no way to open one is found. */
export function openInBrowser(url: string): boolean {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]]
  if (process.platform !== 'win32' && !onPath(command)) return false
  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' })
    child.on('error', () => {})
    child.unref()
    return true
  } catch {
    return false
  }
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)))
}

/** `convolab serve [--port N] [--open]`: starts browser mode, prints the URL, runs until stopped. */
export async function serveCommand(args: string[], print: (line: string) => void = (line) => console.log(line)): Promise<RunningServer> {
  let port = 0
  let open = false
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--open') open = true
    else if (args[i] === '--port' && /^\d+$/.test(args[i + 1] ?? '') && Number(args[i + 1]) < 65536) port = Number(args[++i])
    else throw new ConvolabError('bad-request', { detail: `serve: unknown option ${args[i]} (use --port N, --open)` })
  }
  const server = await startServer({ port })
  // A server's own crash is logged before Node reports it.
  openLog(dataFolder(), 'server').catchProcessErrors()
  print(`Convolab is running at ${server.url}`)
  print(`Its log: ${server.logFile}`)
  print('Open it in a browser on this computer; press Ctrl+C to stop.')
  if (open && !openInBrowser(server.url)) print('No browser opener was found here: open the address above yourself.')
  const stop = (): void => {
    void server.close().then(() => process.exit(0))
  }
  // The last guard of "no client can stop the server": whatever slipped through is logged and the
  // server goes on serving the other tabs (each connection's state is its own).
  process.on('uncaughtException', (error) => console.error('convolab serve: an unexpected error (the server goes on)', error))
  process.on('unhandledRejection', (error) => console.error('convolab serve: an unexpected rejection (the server goes on)', error))
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  return server
}
