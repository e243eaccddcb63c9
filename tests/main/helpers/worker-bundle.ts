// Builds src-main's entries (the engine's worker thread and the Electron main) from source into
// a temporary out/main folder inside node_modules/.cache, so tests run the real worker (a
// separate thread, shared-memory cancel) and the real main bundle without `npm run build`.

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { build } from 'vite'
import type { SpawnWorker } from '../../../src-main/engine/engine'
import { nodeWorker } from '../../../src-main/engine/engine'

const root = resolve(__dirname, '../../..')
let built: Promise<string> | null = null

/** The temporary out/ folder holding main/engine-worker.js and main/index.js. */
export function mainBundle(): Promise<string> {
  built ??= (async () => {
    const cache = join(root, 'node_modules', '.cache')
    mkdirSync(cache, { recursive: true })
    // Inside the project, so the bundles' dependencies resolve from its node_modules.
    const out = mkdtempSync(join(cache, 'convolab-test-out-'))
    await build({
      configFile: false,
      logLevel: 'silent',
      build: {
        ssr: true,
        outDir: join(out, 'main'),
        emptyOutDir: true,
        minify: false,
        target: 'node20',
        rollupOptions: {
          input: {
            'engine-worker': join(root, 'src-main/engine/worker.ts'),
            index: join(root, 'src-main/index.ts'),
          },
          external: ['electron'],
          output: { format: 'cjs', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name].js' },
        },
      },
    })
    return out
  })()
  return built
}

/** Removes the temporary bundles (call in afterAll). */
export async function removeMainBundle(): Promise<void> {
  if (!built) return
  const out = await built
  built = null
  rmSync(out, { recursive: true, force: true })
}

/** A SpawnWorker that starts the freshly built worker file. */
export async function realWorker(): Promise<SpawnWorker> {
  const file = join(await mainBundle(), 'main', 'engine-worker.js')
  return (control) => nodeWorker(file, control)
}
