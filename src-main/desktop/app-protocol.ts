// The packaged renderer is served from app://convolab/ instead of file://: a standard, secure
// scheme of our own, so the page has a real origin, no other file on disk is "our page", and a
// request can never leave the renderer folder (every path is resolved inside it, or refused).
// No Electron import at run time: the response is built here and tested in Node.

import { contentSecurityPolicy } from '../server/csp'
import { staticFile } from '../server/static-files'

export const APP_SCHEME = 'app'
export const APP_HOST = 'convolab'
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** What protocol.registerSchemesAsPrivileged needs before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: relative URLs and an origin; secure: like https (ES modules, WebCodecs, crypto);
  // fetch for the page's own files (WebAssembly kernels); corsEnabled: Vite's module scripts load
  // in CORS mode (our responses carry no Access-Control-Allow-Origin, so no other origin reads
  // them). No CSP bypass, no service workers.
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
} as const

const refuse = (status: number, text: string): Response =>
  new Response(text, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' } })

/** The answer to one app:// request: a file of `rendererDir` with its type and the app's CSP, or an error status. */
export async function appProtocolResponse(rendererDir: string, request: { url: string; method?: string }): Promise<Response> {
  const method = request.method ?? 'GET'
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, 'Method Not Allowed')
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return refuse(400, 'Bad Request')
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return refuse(404, 'Not Found')
  // staticFile decodes the path once and refuses anything that resolves outside rendererDir.
  const file = await staticFile(rendererDir, url.pathname)
  if (!file) return refuse(404, 'Not Found')
  return new Response(method === 'HEAD' ? null : new Uint8Array(file.body), {
    status: 200,
    headers: {
      'Content-Type': file.type,
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    },
  })
}
