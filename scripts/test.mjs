// `npm test`: the rules first (lint, type checks per layer, svelte-check, Prettier), then the app
// build and every suite. Each rule counts as one test in the run's last line, which the summary
// reporter (tests/support/summary-reporter.ts) prints: "tests: N passed, N failed, N skipped".
// A broken rule fails the run (exit 1) but the suites still run, so one CI run reports everything.
// Arguments go to vitest (`npm test -- --project core`); CONVOLAB_SKIP_CHECKS=1 skips the rules.

import { spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx'
const shell = process.platform === 'win32'

/** npm scripts that must pass, in the order they run. */
const CHECKS = ['lint', 'typecheck', 'check:renderer', 'format:check']

function run(command, args) {
  const started = Date.now()
  const { status } = spawnSync(command, args, { cwd: root, stdio: 'inherit', shell })
  return { ok: status === 0, seconds: (Date.now() - started) / 1000 }
}

const checks = []
if (process.env.CONVOLAB_SKIP_CHECKS !== '1') {
  for (const name of CHECKS) {
    console.log(`\n> ${name}`)
    const { ok, seconds } = run(npm, ['run', '--silent', name])
    console.log(`${ok ? 'passed' : 'FAILED'}: ${name} (${seconds.toFixed(0)} s)`)
    checks.push({ name, ok })
  }
}
const file = join(mkdtempSync(join(tmpdir(), 'convolab-checks-')), 'checks.json')
writeFileSync(file, JSON.stringify(checks))

const build = run(npx, ['electron-vite', 'build'])
if (!build.ok) checks.push({ name: 'electron-vite build', ok: false })
writeFileSync(file, JSON.stringify(checks))

const suites = spawnSync(npx, ['vitest', 'run', ...process.argv.slice(2)], {
  cwd: root,
  stdio: 'inherit',
  shell,
  env: { ...process.env, CONVOLAB_CHECKS_FILE: file },
})
process.exitCode = suites.status === 0 && checks.every((check) => check.ok) ? 0 : 1
