// The bad-input contract of every subcommand with the family and stacks: exit 2, nothing on
// stdout, one line `convolab: …` on stderr in the user's language (the Spanish one quoting no
// English refusal), and nothing written — no output folder, no session file, an existing file
// left as it was.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Layer, Session } from '../../core'
import { encodeNpy, normalTensor, seededSource, serializeSession, stackToFile } from '../../core'
import { run } from '../../src-main/cli'

let dir: string
const at = (name: string) => join(dir, name)
const source = seededSource(21)

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'convolab-cli-refusals-'))
  writeFileSync(at('x.npy'), encodeNpy(normalTensor([1, 2, 6, 6], source)))
  writeFileSync(at('wt.npy'), encodeNpy(normalTensor([2, 3, 3, 3], source)))
  writeFileSync(at('g-wrong.npy'), encodeNpy(normalTensor([1, 2, 5, 5], source)))
  const write = (name: string, layers: Layer[]) => {
    const { json, tensors } = stackToFile(layers)
    for (const [file, tensor] of tensors) writeFileSync(at(file), encodeNpy(tensor))
    writeFileSync(at(name), json)
  }
  write('stack.json', [{ type: 'conv2d', weight: normalTensor([3, 2, 3, 3], source), bias: null, padding: 1 }, { type: 'relu' }])
  // its second layer cannot take a 6×6 input's 3×3 pool output
  write('stack-bad.json', [
    { type: 'max-pool2d', kernelSize: 2 },
    { type: 'avg-pool2d', kernelSize: 5 },
  ])
  writeFileSync(at('stack-broken.json'), '{"layers": [{"type": "relu"},')
  const session: Session = {
    input: normalTensor([1, 2, 6, 6], source),
    weight: normalTensor([1, 2, 3, 3], source),
    bias: null,
    options: {},
    layer: { type: 'max-pool2d', options: { kernelSize: [2, 2] } },
    gradOutput: { kind: 'ones' },
    view: {},
  }
  writeFileSync(at('max.convolab'), serializeSession(session))
  writeFileSync(at('stack.convolab'), serializeSession({ ...session, stack: { layers: [{ type: 'relu' }], selected: 0, active: true } }))
  writeFileSync(at('corrupt.convolab'), serializeSession(session).replace('"kernelSize"', '"kernelSizes"'))
  writeFileSync(at('a-file'), 'mine')
})

/** A subcommand's words (OUT: where it would write, absent afterwards) and the English refusal. */
const CASES: Array<[string, string[], RegExp]> = [
  // compute --layer
  [
    'compute --layer max-pool2d, a window larger than the input',
    ['compute', '--layer', 'max-pool2d', '--input', 'x.npy', '--kernel-size', '9', '--out', 'OUT'],
    /kernel|window/i,
  ],
  ['compute --layer conv-transpose2d without a weight', ['compute', '--layer', 'conv-transpose2d', '--input', 'x.npy', '--out', 'OUT'], /--weight is required/],
  [
    'compute --layer avg-pool2d, a value for a flag',
    ['compute', '--layer', 'avg-pool2d', '--input', 'x.npy', '--kernel-size', '2', '--ceil-mode=yes', '--out', 'OUT'],
    /--ceil-mode takes no value/,
  ],
  [
    'compute --layer max-pool2d, a missing input file',
    ['compute', '--layer', 'max-pool2d', '--input', 'none.npy', '--kernel-size', '2', '--out', 'OUT'],
    /none\.npy/,
  ],
  [
    'compute --layer conv-transpose2d, groups not dividing',
    ['compute', '--layer', 'conv-transpose2d', '--input', 'x.npy', '--weight', 'wt.npy', '--groups', '3', '--out', 'OUT'],
    /groups/,
  ],
  // compute --stack and --session
  [
    'compute --stack, a layer that cannot take its input',
    ['compute', '--stack', 'stack-bad.json', '--input', 'x.npy', '--out', 'OUT'],
    /layer 1 \(AvgPool2d\)/,
  ],
  ['compute --stack, a broken file', ['compute', '--stack', 'stack-broken.json', '--input', 'x.npy', '--out', 'OUT'], /stack-broken\.json/],
  ['compute --stack, a unit of no layer', ['compute', '--stack', 'stack.json', '--input', 'x.npy', '--unit', '5,0,0,0,0', '--out', 'OUT'], /layer 5/],
  [
    'compute --stack, a gradient of the wrong shape',
    ['compute', '--stack', 'stack.json', '--input', 'x.npy', '--grad-output', 'g-wrong.npy', '--out', 'OUT'],
    /\(1, 2, 5, 5\)/,
  ],
  ['compute --session, a corrupt session', ['compute', '--session', 'corrupt.convolab', '--out', 'OUT'], /not a valid Convolab session: layer\.options/],
  // session
  [
    'session --layer max-pool2d, a window larger than the input',
    ['session', '--layer', 'max-pool2d', '--input', 'x.npy', '--kernel-size', '9', '--out', 'OUT.convolab'],
    /kernel|window/i,
  ],
  [
    'session --stack, a layer that cannot take its input',
    ['session', '--stack', 'stack-bad.json', '--input', 'x.npy', '--out', 'OUT.convolab'],
    /layer 1 \(AvgPool2d\)/,
  ],
  [
    'session --layer avg-pool2d, a gradient of the wrong shape',
    ['session', '--layer', 'avg-pool2d', '--input', 'x.npy', '--kernel-size', '2', '--grad-output', 'g-wrong.npy', '--out', 'OUT.convolab'],
    /\(1, 2, 5, 5\)/,
  ],
  // receptive-field
  ['receptive-field, a stack that does not fit', ['receptive-field', '--stack', 'stack-bad.json', '--input-shape', '1,2,6,6'], /layer 1 \(AvgPool2d\)/],
  ['receptive-field, a shape of three numbers', ['receptive-field', '--preset', 'vgg-block', '--input-shape', '1,3,6'], /--input-shape/],
  // gradcheck --layer, each layer of the family, and --stack
  ['gradcheck --layer max-pool2d without a window', ['gradcheck', '--layer', 'max-pool2d', '--input-shape', '1,1,4,4'], /--kernel-size is required/],
  [
    'gradcheck --layer conv-transpose2d, groups not dividing',
    ['gradcheck', '--layer', 'conv-transpose2d', '--input-shape', '1,2,3,3', '--out-channels', '3', '--kernel-size', '3', '--groups', '2'],
    /groups/,
  ],
  [
    'gradcheck --layer avg-pool2d, a divisor of 0',
    ['gradcheck', '--layer', 'avg-pool2d', '--input-shape', '1,1,4,4', '--kernel-size', '2', '--divisor-override', '0'],
    /divisor override must not be 0/,
  ],
  [
    'gradcheck --layer max-pool2d, a negative tolerance',
    ['gradcheck', '--layer', 'max-pool2d', '--input-shape', '1,1,4,4', '--kernel-size', '2', '--tolerance=-1'],
    /--tolerance must be a positive number \(got -1\)/,
  ],
  [
    'gradcheck --layer max-pool2d, a dash value without =',
    ['gradcheck', '--layer', 'max-pool2d', '--input-shape', '1,1,4,4', '--kernel-size', '2', '--tolerance', '-1'],
    /--tolerance needs a value; write one that starts with a dash as --tolerance=-1/,
  ],
  [
    'gradcheck --layer avg-pool2d, a Conv2d flag',
    ['gradcheck', '--layer', 'avg-pool2d', '--input-shape', '1,1,4,4', '--kernel-size', '2', '--out-channels', '2'],
    /unknown option --out-channels/,
  ],
  ['gradcheck --stack, a stack that does not fit', ['gradcheck', '--stack', 'stack-bad.json', '--input-shape', '1,2,6,6'], /layer 1 \(AvgPool2d\)/],
  // export
  [
    'export, an animation a max-pool lacks',
    ['export', '--session', 'max.convolab', '--animation', 'backward-weight', '--format', 'gif', '--out', 'OUT.gif'],
    /MaxPool2d, whose animations are/,
  ],
  [
    'export, a region on a stack',
    ['export', '--session', 'stack.convolab', '--animation', 'forward', '--format', 'png', '--region', '0,0,2,2', '--out', 'OUT'],
    /--region is for one layer/,
  ],
  [
    'export, a unit of a layer the stack does not have',
    ['export', '--session', 'stack.convolab', '--animation', 'backward', '--format', 'gif', '--unit', '1,0,0,0,0', '--out', 'OUT.gif'],
    /there is no layer 1 \(the stack has 1 layer, from 0\)/,
  ],
  [
    'export, a unit on a max-pool',
    ['export', '--session', 'max.convolab', '--animation', 'forward', '--unit', '0,0,0,0,0', '--format', 'png', '--out', 'OUT'],
    /--unit is for a session that shows its stack/,
  ],
  [
    'export, an unknown format',
    ['export', '--session', 'max.convolab', '--animation', 'forward', '--format', 'bmp', '--out', 'OUT'],
    /--format must be one of png, gif \(got bmp\)/,
  ],
  // an output folder that is a file: the file stays as it was
  ['compute --layer into a file', ['compute', '--layer', 'max-pool2d', '--input', 'x.npy', '--kernel-size', '2', '--out', 'a-file'], /a-file/],
]

describe('every subcommand refuses bad input for the family and stacks', () => {
  it.each(CASES)('%s', async (name, words, english) => {
    const slug = name.replace(/\W+/g, '-')
    const args = words.map((word) => (word.startsWith('OUT') ? at(word.replace('OUT', slug)) : /\.(npy|json|convolab)$|^a-file$/.test(word) ? at(word) : word))
    const written = args.filter((arg) => arg.includes(slug))
    for (const language of ['en', 'es'] as const) {
      const result = await run(args, language)
      expect(result.code, result.stderr).toBe(2)
      expect(result.stdout).toBe('')
      expect(result.stderr.split('\n')).toHaveLength(1)
      expect(result.stderr).toMatch(/^convolab: \S/)
      if (language === 'en') expect(result.stderr).toMatch(english)
      else expect(result.stderr).not.toMatch(/the request was refused|is required|must be one of|unknown option|Invalid input/)
      for (const path of written) expect(existsSync(path), path).toBe(false)
      expect(readFileSync(at('a-file'), 'utf8')).toBe('mine')
    }
  })
})
