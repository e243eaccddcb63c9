// `npm run bench [-- --json] [-- --shapes S1,S5] [-- --kernels --before OLD/kernels.ts]`: builds the wasm kernels, bundles
// bench/main.ts (TypeScript, imports core and src-main) for Node with Vite, and runs it with
// relaxed SIMD enabled (Electron has it by default; Node 20 needs the flag).

import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { buildWasm } from '../scripts/build-wasm.mjs'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
await buildWasm({ quiet: true })
// inside node_modules so that the bundle's external imports resolve to the project's packages;
// one folder per run, since node_modules may be shared by several checkouts whose runs would
// otherwise replace each other's bundle mid-run (children start the bundle by its path)
const outDir = join(root, `node_modules/.cache/convolab-bench-${process.pid}`)
const { build } = await import('vite')
await build({
  configFile: false,
  root,
  logLevel: 'error',
  build: {
    ssr: true,
    outDir,
    emptyOutDir: true,
    target: 'node20',
    minify: false,
    // the engine's worker thread beside the benchmark, for the stack row through the engine
    rollupOptions: {
      input: { bench: join(root, 'bench/main.ts'), 'engine-worker': join(root, 'src-main/engine/worker.ts') },
      output: { format: 'es', entryFileNames: '[name].mjs', chunkFileNames: 'chunks/[name].mjs' },
    },
  },
})
const result = spawnSync(process.execPath, ['--experimental-wasm-relaxed-simd', join(outDir, 'bench.mjs'), ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, CONVOLAB_ROOT: root },
})
rmSync(outDir, { recursive: true, force: true })
process.exit(result.status ?? 1)
