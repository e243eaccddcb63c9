// `npm start`: build, then open the desktop app. Where Electron's runtime is not installed it
// tries to install it once; where that fails (offline), it says so in one line and starts the
// browser mode instead, opening the page in a browser if one is found.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const electronDir = join(root, 'node_modules', 'electron')
const runtimeInstalled = () => existsSync(join(electronDir, 'path.txt'))

const build = spawnSync(npm, ['run', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' })
if (build.status !== 0) process.exit(build.status ?? 1)

if (!runtimeInstalled() && existsSync(join(electronDir, 'install.js'))) {
  // Electron 42+ downloads its runtime on demand (its install-electron command).
  spawnSync(process.execPath, [join(electronDir, 'install.js')], { cwd: root, stdio: 'ignore', timeout: 300_000 })
}

if (runtimeInstalled()) {
  const { createRequire } = await import('node:module')
  const electronBinary = createRequire(import.meta.url)('electron')
  const app = spawn(electronBinary, [root], { cwd: root, stdio: 'inherit' })
  app.on('exit', (code) => process.exit(code ?? 0))
} else {
  console.log('Electron runtime could not be installed (offline?): starting Convolab in browser mode instead.')
  const server = spawn(process.execPath, [join(root, 'bin', 'convolab.cjs'), 'serve', '--open'], { cwd: root, stdio: 'inherit' })
  const stop = () => server.kill('SIGINT')
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  server.on('exit', (code) => process.exit(code ?? 0))
}
