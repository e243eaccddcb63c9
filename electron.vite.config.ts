import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'

// Three rooms: src-main (desktop process, CLI, engine workers, browser-mode server),
// its preload, and src-renderer (Svelte). core is bundled into whichever imports it.
export default defineConfig({
  main: {
    build: {
      sourcemap: false,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          cli: resolve(__dirname, 'src-main/cli/index.ts'),
          // The compute engine's worker thread, loaded by path from the bundles beside it.
          'engine-worker': resolve(__dirname, 'src-main/engine/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      sourcemap: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-main/preload.ts') },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [svelte()],
    build: {
      sourcemap: false,
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-renderer/index.html') },
      },
    },
  },
})
