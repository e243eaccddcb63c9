// `npm run bench:profile`: bundles bench/profile-engine.ts for Node with Vite (as bench/run.mjs
// does for the benchmark) and runs it with relaxed SIMD; needs `npm run build` for the worker.

import { spawnSync } from 'node:child_process'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildWasm } from '../scripts/build-wasm.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
await buildWasm({ quiet: true })
const outDir = join(root, 'node_modules/.cache/convolab-profile')
const { build } = await import('vite')
await build({
  configFile: false,
  root,
  logLevel: 'error',
  build: {
    ssr: join(root, 'bench/profile-engine.ts'),
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    rollupOptions: { output: { format: 'es', entryFileNames: 'profile.mjs' } },
  },
})
const result = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', join(outDir, 'profile.mjs'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CONVOLAB_ROOT: root },
})
process.exit(result.status ?? 1)
