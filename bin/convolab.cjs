#!/usr/bin/env node
// Entry point of the `convolab` command: runs the CLI built by `npm run build`.
const { existsSync } = require('node:fs')
const { join } = require('node:path')

const built = join(__dirname, '..', 'out', 'main', 'cli.js')
if (!existsSync(built)) {
  process.stderr.write('convolab: the command line is not built yet; run `npm run build` first\n')
  process.exit(2)
}
process.env.CONVOLAB_VERSION = require('../package.json').version
require(built).main(process.argv.slice(2))
