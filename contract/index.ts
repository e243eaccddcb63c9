// The one typed contract between the renderer and the compute engine, re-exported by concern:
// compute methods, documents (sessions, settings), events, limits, the transports, results.
// Imported by the preload, by src-main (Electron IPC and the browser-mode socket) and by
// src-renderer. Dependencies point one way: renderer → contract ← main → core.
// Every payload that crosses is validated in main with the zod schemas in ./schemas.ts.

export * from './compute'
export * from './documents'
export * from './envelope'
export * from './events'
export * from './layers'
export * from './limits'
export * from './methods'
export * from './transport'
export * from './page-reports'
export * from './title'
