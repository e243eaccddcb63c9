// Built into a child process by the storage tests, which kill it mid-work (SIGKILL):
//   write <file> <sync|async>   rewrites <file> atomically with alternating versions, forever
//   autosave <dataDir> <text>   starts a run in <dataDir>, autosaves <text>, then waits
// Not a test itself (no .test.ts): a stand-in for the app being killed.

import { createHash } from 'node:crypto'
import { Storage } from '../../src-main/storage/storage'
import { writeFileAtomic, writeFileAtomicSync } from '../../src-main/storage/atomic-file'

/** A version: JSON with a large body and the hash of that body, so a torn file cannot pass for one. */
export function version(n: number): string {
  const body = String(n % 10).repeat(4 * 1024 * 1024)
  return JSON.stringify({ n, sha: createHash('sha256').update(body).digest('hex'), body })
}

async function main(): Promise<void> {
  const [command, target, argument] = process.argv.slice(2)
  if (command === 'write') {
    writeFileAtomicSync(target, version(0))
    process.stdout.write('ready\n')
    for (let n = 1; ; n++) {
      if (argument === 'async') await writeFileAtomic(target, version(n))
      else writeFileAtomicSync(target, version(n))
    }
  }
  if (command === 'autosave') {
    const storage = new Storage({ dir: target, host: 'browser' })
    await storage.autosave(argument, { name: 'killed.convolab' })
    process.stdout.write('ready\n')
    setInterval(() => {}, 1000)
  }
}

void main()
