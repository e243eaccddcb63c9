// Who may talk to the browser-mode server: requests to our own host name and port, carrying
// the random token (in the URL or in the cookie set by the first page load), and, for the
// socket, sent by a page of our own origin. Anything else is answered 403.

import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export const TOKEN_COOKIE = 'convolab_token'

export function newToken(): string {
  return randomBytes(24).toString('hex')
}

export interface Access {
  token: string
  port: number
}

/** Host names a page of ours is reached by; anything else may be DNS rebinding. */
function ownHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`]
}

export function ownOrigins(port: number): string[] {
  return ownHosts(port).map((host) => `http://${host}`)
}

function sameToken(given: string | null | undefined, token: string): boolean {
  if (!given) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

export function tokenFromUrl(request: IncomingMessage): string | null {
  return new URL(request.url ?? '/', 'http://127.0.0.1').searchParams.get('token')
}

export function tokenFromCookie(request: IncomingMessage): string | null {
  const header = request.headers.cookie ?? ''
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=')
    if (name === TOKEN_COOKIE) return value.join('=')
  }
  return null
}

export function hostAllowed(request: IncomingMessage, access: Access): boolean {
  return ownHosts(access.port).includes(request.headers.host ?? '')
}

export function tokenAllowed(request: IncomingMessage, access: Access): boolean {
  return sameToken(tokenFromUrl(request), access.token) || sameToken(tokenFromCookie(request), access.token)
}

/** A socket must come from our host, carry the token and be opened by a page of our origin. */
export function socketAllowed(request: IncomingMessage, access: Access): boolean {
  const origin = request.headers.origin
  return hostAllowed(request, access) && tokenAllowed(request, access) && !!origin && ownOrigins(access.port).includes(origin)
}

export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`
}
