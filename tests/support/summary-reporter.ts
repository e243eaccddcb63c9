// Ends every run with one plain line, "tests: N passed, N failed, N skipped", that CI reads.
// Under `npm test` (scripts/test.mjs) the rules checked before the suites (lint, type checks,
// svelte-check, Prettier) count as one test each; a broken one is named on the line above.

import { existsSync, readFileSync } from 'node:fs'
import type { Reporter, TestModule } from 'vitest/node'

interface Check {
  name: string
  ok: boolean
}

function checksOfThisRun(): Check[] {
  const file = process.env.CONVOLAB_CHECKS_FILE
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Check[]) : []
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
    }
    const checks = checksOfThisRun()
    const broken = checks.filter((check) => !check.ok).map((check) => check.name)
    passed += checks.length - broken.length
    failed += broken.length
    if (broken.length > 0) console.log(`\nrules broken: ${broken.join(', ')}`)
    console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
  }
}
