// Browser mode's POST /log: the page's uncaught errors reach the log file through it. The
// request has passed the same host and token checks as every other one; it must also come from
// a page of our origin (no other site can post into the log), be JSON and stay under the size
// limit. The answer is 204 whatever the report said: the page does nothing with it.

import type { IncomingMessage, ServerResponse } from 'node:http'
import { PAGE_LOG_MAX_BYTES } from '../../contract/page-reports'
import { ownOrigins } from './access'

export async function answerPageLog(
  request: IncomingMessage,
  response: ServerResponse,
  port: number,
  write: (payload: unknown) => boolean,
  headers: Record<string, string>,
): Promise<void> {
  const reply = (status: number): void => {
    response.writeHead(status, headers)
    response.end()
  }
  const origin = request.headers.origin
  if (!origin || !ownOrigins(port).includes(origin)) return reply(403)
  if (!/^application\/json\b/.test(request.headers['content-type'] ?? '')) return reply(415)
  const declared = Number(request.headers['content-length'] ?? 0)
  if (declared > PAGE_LOG_MAX_BYTES) return reply(413)
  const chunks: Buffer[] = []
  let size = 0
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > PAGE_LOG_MAX_BYTES) return reply(413)
      chunks.push(chunk)
    }
  } catch {
    return reply(400)
  }
  let payload: unknown
  try {
    payload = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    return reply(400)
  }
  write(payload)
  reply(204)
}
