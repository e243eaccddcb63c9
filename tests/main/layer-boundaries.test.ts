// The architecture's import rules are enforced by `npm run lint` (eslint.config.mjs): each rule
// refuses a file that breaks it and lets the allowed imports through.

import { ESLint } from 'eslint'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

const ROOT = join(__dirname, '..', '..')
const eslint = new ESLint({ cwd: ROOT })

/** The boundary messages ESLint gives for `code` as if it were the file at `path`. */
async function boundaryErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(ROOT, path) })
  return result.messages.filter((m) => m.ruleId === 'boundaries/dependencies').map((m) => m.message)
}

describe('import boundaries', () => {
  it('core, contract and frames import nothing from src-main or src-renderer', async () => {
    const code = "import { Engine } from '../src-main/engine/engine'\nexport const a = Engine\n"
    for (const layer of ['core', 'contract', 'frames']) {
      expect(await boundaryErrors(`${layer}/example.ts`, code), layer).toEqual(['core, contract and frames import nothing from src-main or src-renderer'])
    }
    const renderer = "import { loadFile } from '../src-renderer/src/lib/state/files'\nexport const a = loadFile\n"
    expect(await boundaryErrors('core/example.ts', renderer)).toHaveLength(1)
  })

  it('core, messages, contract and frames use no Node built-in', async () => {
    for (const source of ['node:fs', 'path']) {
      const code = `import * as m from '${source}'\nexport const a = m\n`
      for (const layer of ['core', 'messages']) {
        expect(await boundaryErrors(`${layer}/example.ts`, code), `${layer} ${source}`).toEqual([
          'core, messages, contract and frames run in the page too: no Node built-ins',
        ])
      }
    }
  })

  it('core, contract and frames never import messages/; the renderer and main may', async () => {
    const code = "import { formatMessage } from '../messages'\nexport const a = formatMessage\n"
    for (const layer of ['core', 'contract', 'frames']) {
      expect(await boundaryErrors(`${layer}/example.ts`, code), layer).toEqual([
        'core, contract and frames carry codes and values, not words: messages/ is for the UI and the CLI',
      ])
    }
    expect(await boundaryErrors('src-main/example.ts', code)).toEqual([])
    expect(await boundaryErrors('src-renderer/src/example.ts', "import { formatMessage } from '../../messages'\nexport const a = formatMessage\n")).toEqual([])
  })

  it('messages imports only core', async () => {
    expect(await boundaryErrors('messages/example.ts', "import type { Language } from '../core/errors'\nexport type A = Language\n")).toEqual([])
    expect(await boundaryErrors('messages/example.ts', "import { LIMITS } from '../contract'\nexport const a = LIMITS\n")).toEqual([
      'messages imports only core (the codes and types it words)',
    ])
  })

  it('frames imports no DOM-only package, but may use d3-scale', async () => {
    expect(await boundaryErrors('frames/example.ts', "import { select } from 'd3-selection'\nexport const a = select\n")).toEqual([
      'frames draws on any Canvas 2D: no DOM-only package',
    ])
    expect(await boundaryErrors('frames/example.ts', "import { scaleLinear } from 'd3-scale'\nexport const a = scaleLinear\n")).toEqual([])
  })

  it('src-renderer never imports src-main; it may import core and the contract', async () => {
    const bad = "import { decodeImage } from '../../../src-main/image-io'\nexport const a = decodeImage\n"
    expect(await boundaryErrors('src-renderer/src/lib/example.ts', bad)).toEqual([
      'the renderer talks to the engine through the contract, never by importing src-main',
    ])
    const good = "import { LIMITS } from '../../../contract'\nimport { conv2d } from '../../../core/conv2d'\nexport const a = [LIMITS, conv2d]\n"
    expect(await boundaryErrors('src-renderer/src/lib/example.ts', good)).toEqual([])
  })
})
