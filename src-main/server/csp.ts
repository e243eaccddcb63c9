// The Content-Security-Policy of the app, one definition for the browser-mode header and Electron.

/** Only our own files; no eval, no inline scripts, no remote content, no frames, no plugins. */
export function contentSecurityPolicy(socketOrigins: string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    // Svelte sets style attributes for positions and colours.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    ['connect-src', "'self'", ...socketOrigins].join(' '),
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ')
}
