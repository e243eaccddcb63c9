// Builds the engine's worker thread from source into a temporary folder, so tests run the real
// worker (a separate thread, shared-memory cancel) without depending on `npm run build`.

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'vite'
import type { SpawnWorker } from '../../../src-main/engine/engine'
import { nodeWorker } from '../../../src-main/engine/engine'

let built: Promise<string> | null = null

export function workerBundle(): Promise<string> {
  built ??= (async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'convolab-worker-'))
    await build({
      configFile: false,
      logLevel: 'silent',
      // Bundle the dependencies too: the temporary folder has no node_modules to resolve from.
      ssr: { noExternal: true },
      build: {
        ssr: resolve(__dirname, '../../../src-main/engine/worker.ts'),
        outDir,
        emptyOutDir: true,
        minify: false,
        target: 'node20',
        rollupOptions: { output: { format: 'cjs', entryFileNames: 'engine-worker.js' } },
      },
    })
    return join(outDir, 'engine-worker.js')
  })()
  return built
}

/** A SpawnWorker that starts the freshly built worker file. */
export async function realWorker(): Promise<SpawnWorker> {
  const file = await workerBundle()
  return (control) => nodeWorker(file, control)
}
