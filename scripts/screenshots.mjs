// The README's opening pictures, taken from the built app so they stay current (npm run screenshots):
//   docs/screenshots/main.png     the main screen at 1366×768 (English, light), after one play step
//   docs/screenshots/forward.gif  one GIF exported by `convolab export` from the stride-2 lesson
// Serves browser mode (`convolab serve`) with a fresh data folder and drives Debian's Chromium
// through playwright-core. CHROMIUM_PATH overrides the browser.
import { execFileSync, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import sharp from 'sharp'

const root = join(import.meta.dirname, '..')
const out = join(root, 'docs/screenshots')
mkdirSync(out, { recursive: true })
const cli = join(root, 'bin/convolab.cjs')
const dataDir = mkdtempSync(join(tmpdir(), 'convolab-screenshots-'))

const server = spawn(process.execPath, [cli, 'serve'], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'pipe'],
  detached: true,
  env: { ...process.env, CONVOLAB_DATA_DIR: dataDir },
})
let said = ''
server.stdout.on('data', (d) => (said += d))
server.stderr.on('data', (d) => (said += d))
const stop = () => {
  try {
    process.kill(-server.pid, 'SIGTERM')
  } catch {
    // already gone
  }
}

try {
  let url
  for (let k = 0; k < 150 && !url; k++) {
    url = said.match(/http:\/\/127\.0\.0\.1:\d+\/\S*/)?.[0]
    if (!url) await new Promise((resolve) => setTimeout(resolve, 200))
  }
  if (!url) throw new Error(`convolab serve printed no address: ${said.slice(0, 300)}`)

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  })
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'en-US', colorScheme: 'light' })
  await page.goto(url)
  await page.locator('[data-testid="feature-maps"] canvas').first().waitFor()
  // The first-start card is part of the first screen; a few steps in, the frame has numbers.
  for (let k = 0; k < 7; k++) await page.getByRole('button', { name: 'Step forward' }).click()
  await page
    .locator('[data-testid="feature-maps"] canvas')
    .first()
    .hover({ position: { x: 120, y: 60 } })
  await page.waitForTimeout(500)
  const shot = await page.screenshot()
  await browser.close()
  // A 256-colour palette keeps the picture small enough to commit.
  await sharp(shot).png({ palette: true, colours: 256, compressionLevel: 9 }).toFile(join(out, 'main.png'))

  const gif = join(out, 'forward.gif')
  rmSync(gif, { force: true })
  execFileSync(
    process.execPath,
    [
      cli,
      'export',
      '--session',
      join(root, 'samples/lessons/stride-2.convolab'),
      '--animation',
      'forward',
      '--format',
      'gif',
      '--size',
      '640x360',
      '--fps',
      '2',
      '--out',
      gif,
    ],
    { stdio: 'inherit' },
  )
  for (const name of ['main.png', 'forward.gif']) console.log(`${join('docs/screenshots', name)}: ${Math.round(statSync(join(out, name)).size / 1024)} KB`)
} finally {
  stop()
  rmSync(dataDir, { recursive: true, force: true })
}
