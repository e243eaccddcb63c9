// `npm run package`: builds the app (electron-vite) and packages it with electron-builder for
// this platform, using electron-builder.yml (Linux AppImage + deb, macOS dmg, Windows NSIS).
// Extra arguments go to electron-builder, e.g. `npm run package -- --dir` for an unpacked folder.
//
// electron-builder needs an Electron runtime for the target platform. It reuses, in order:
//   1. the folder in CONVOLAB_ELECTRON_DIST (an unpacked Electron, or a folder holding its zip);
//   2. the Electron that `npm install` put in node_modules/electron/dist (once it has been
//      downloaded: node_modules/electron/path.txt exists);
//   3. otherwise it downloads one, which needs internet access.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (name) => join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name)

/** Runs a command, echoing its output, and returns its exit code and everything it printed. */
function run(command, args) {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd: root, shell: process.platform === 'win32' })
    let output = ''
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk)
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      process.stderr.write(chunk)
      output += chunk
    })
    child.on('close', (code) => done({ code: code ?? 1, output }))
  })
}

function electronDistArgs() {
  const fromEnv = process.env.CONVOLAB_ELECTRON_DIST
  if (fromEnv) return [`-c.electronDist=${resolve(fromEnv)}`]
  const installed = join(root, 'node_modules', 'electron')
  if (existsSync(join(installed, 'path.txt')) && existsSync(join(installed, 'dist'))) {
    return [`-c.electronDist=${join(installed, 'dist')}`]
  }
  return []
}

// Output of a failed Electron download: no network, a blocked host, or a proxy refusing it.
const DOWNLOAD_FAILURE = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|getaddrinfo|status code 40[37]|cannot download/i

const build = await run(bin('electron-vite'), ['build'])
if (build.code !== 0) {
  console.error('\nnpm run package: the app did not build (electron-vite build failed); nothing was packaged.')
  process.exit(build.code)
}

const pack = await run(bin('electron-builder'), [...electronDistArgs(), ...process.argv.slice(2)])
if (pack.code !== 0) {
  if (DOWNLOAD_FAILURE.test(pack.output)) {
    console.error(
      '\nnpm run package: electron-builder could not download the Electron runtime (or a packaging tool)' +
        ' because this machine cannot reach the internet.\n' +
        'Either run it where the internet is reachable, or point CONVOLAB_ELECTRON_DIST at an unpacked' +
        ' Electron for this platform:\n' +
        '  CONVOLAB_ELECTRON_DIST=/path/to/electron-dist npm run package -- --dir\n' +
        '(installers such as AppImage, deb, dmg and NSIS also download their own tools the first time).',
    )
  } else if (/specify project homepage|specify author 'email'/.test(pack.output)) {
    console.error(
      '\nnpm run package: the Linux .deb needs a project homepage and a maintainer e-mail:' +
        ' set "homepage" and "author": "Name <email>" in package.json (or linux.maintainer in' +
        ' electron-builder.yml). `npm run package -- --linux AppImage` builds the AppImage alone.',
    )
  } else {
    console.error('\nnpm run package: electron-builder failed; see its messages above.')
  }
  process.exit(pack.code)
}
console.log('\nnpm run package: done; the packaged app is in dist/.')
