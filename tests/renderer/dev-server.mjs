// Serves the renderer on the in-page engine for looking at it: node tests/renderer/dev-server.mjs [port]
// Open http://127.0.0.1:PORT/dev/ (add ?lang=es for Spanish).
import { createServer } from 'vite'
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../../src-renderer', import.meta.url))
const server = await createServer({
  root,
  configFile: false,
  plugins: [svelte({ configFile: fileURLToPath(new URL('../../src-renderer/svelte.config.mjs', import.meta.url)) })],
  server: { host: '127.0.0.1', port: Number(process.argv[2] ?? 5183), strictPort: true, fs: { allow: [fileURLToPath(new URL('../..', import.meta.url))] } },
})
await server.listen()
server.printUrls()
