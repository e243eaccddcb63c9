// Where the built files are at run time. Vite may put this code in out/main/ or in a shared
// chunk under out/main/chunks/, so paths are found from the out/ folder, not from __dirname.

import { basename, dirname, join } from 'node:path'

export function outDir(): string {
  const here = basename(__dirname) === 'chunks' ? dirname(__dirname) : __dirname
  return dirname(here)
}

export const builtPaths = {
  worker: () => join(outDir(), 'main', 'engine-worker.js'),
  renderer: () => join(outDir(), 'renderer'),
  rendererPage: () => join(outDir(), 'renderer', 'index.html'),
  preload: () => join(outDir(), 'preload', 'index.js'),
}
