// Writes the lesson gallery's ready sessions to samples/lessons/ (run: npm run lessons). Each is a
// canonical case in the spirit of conv_arithmetic's table, small enough to read every number.
// The course notebook's example and learning Sobel x reuse the sessions already in samples/.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const out = join(root, 'samples/lessons')
mkdirSync(out, { recursive: true })

/** A tensor as the session format stores it: shape and little-endian float64 in base64. */
function tensor(shape, values) {
  const bytes = Buffer.alloc(values.length * 8)
  values.forEach((v, k) => bytes.writeDoubleLE(v, k * 8))
  return { shape, data: bytes.toString('base64') }
}

// conv_arithmetic's numerical example: a 5×5 input and its 3×3 kernel.
const x5 = [3, 3, 2, 1, 0, 0, 0, 1, 3, 1, 3, 1, 2, 2, 3, 2, 0, 0, 2, 2, 2, 0, 0, 0, 1]
const w3 = [0, 1, 2, 2, 2, 0, 0, 1, 2]
const x7 = Array.from({ length: 49 }, (_, k) => ((k * 7) % 5) - 1)
const gradient6 = Array.from({ length: 36 }, (_, k) => Math.floor(k / 6) + (k % 6))
const rgb6 = Array.from({ length: 108 }, (_, k) => ((k * 5) % 7) / 2)
const depthwise = [1, 0, -1, 2, 0, -2, 1, 0, -1, 1, 2, 1, 0, 0, 0, -1, -2, -1, 0, 1, 0, 1, -4, 1, 0, 1, 0]

function session(input, weight, options, view = {}) {
  return { format: 'convolab-session', version: 1, input, weight, bias: null, options, gradOutput: { kind: 'ones' }, view: { decimals: 2, ...view } }
}

const lessons = {
  'no-padding': session(tensor([1, 1, 5, 5], x5), tensor([1, 1, 3, 3], w3), { padding: 0 }),
  'half-padding': session(tensor([1, 1, 5, 5], x5), tensor([1, 1, 3, 3], w3), { padding: 'same' }),
  'full-padding': session(tensor([1, 1, 5, 5], x5), tensor([1, 1, 3, 3], w3), { padding: 2 }),
  'stride-2': session(tensor([1, 1, 5, 5], x5), tensor([1, 1, 3, 3], w3), { padding: 1, stride: 2 }),
  'dilation-2': session(tensor([1, 1, 7, 7], x7), tensor([1, 1, 3, 3], w3), { dilation: 2 }),
  depthwise: session(tensor([1, 3, 6, 6], rgb6), tensor([3, 1, 3, 3], depthwise), { padding: 1, groups: 3 }),
  'reflect-padding': session(
    tensor([1, 1, 6, 6], gradient6),
    tensor(
      [1, 1, 3, 3],
      [1, 1, 1, 1, 1, 1, 1, 1, 1].map((v) => v / 9),
    ),
    { padding: 1, paddingMode: 'reflect' },
  ),
}
for (const [name, value] of Object.entries(lessons)) writeFileSync(join(out, `${name}.convolab`), JSON.stringify(value) + '\n')

// The course notebook's example, forward and backward (opened on the Backward tab), and
// learning Sobel x (opened on the Learn tab): the shipped sessions with the tab to open.
const withTab = (file, tab) => {
  const saved = JSON.parse(readFileSync(join(root, 'samples', file), 'utf8'))
  saved.view = { ...saved.view, parts: { ...(saved.view?.parts ?? {}), workTab: tab } }
  return JSON.stringify(saved) + '\n'
}
writeFileSync(join(out, 'notebook-forward.convolab'), withTab('seed-example.convolab', 'animation'))
writeFileSync(join(out, 'notebook-backward.convolab'), withTab('seed-example.convolab', 'backward'))
writeFileSync(join(out, 'learn-sobel-x.convolab'), withTab('learn-sobel-x.convolab', 'learn'))
console.log(`wrote ${Object.keys(lessons).length + 3} lessons to samples/lessons/`)
