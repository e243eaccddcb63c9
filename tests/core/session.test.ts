import { describe, expect, it } from 'vitest'
import { ConvolabError, normalTensor, parseSession, seededSource, serializeSession, type Session } from '../../core'

function sample(): Session {
  const source = seededSource(5)
  const input = normalTensor([1, 3, 4, 5], source)
  input.data[0] = NaN
  input.data[1] = -0
  input.data[2] = Infinity
  return {
    input,
    inputName: 'photo.png',
    weight: normalTensor([2, 3, 3, 2], source),
    bias: normalTensor([2], source),
    options: { stride: [2, 1], padding: 'valid', dilation: 1, groups: 1, paddingMode: 'reflect' },
    gradOutput: { kind: 'mse', target: normalTensor([1, 2, 1, 4], source) },
    view: { colourMap: 'viridis', zoom: 2 },
  }
}

function codeOf(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof ConvolabError) return error.code
    throw error
  }
  return 'no error'
}

describe('session files', () => {
  it('round-trips every value bit for bit, NaN, −0 and ∞ included', () => {
    const session = sample()
    const back = parseSession(serializeSession(session))
    expect(back.input.shape).toEqual(session.input.shape)
    expect(Object.is(back.input.data[1], -0)).toBe(true)
    expect(Number.isNaN(back.input.data[0])).toBe(true)
    expect([...back.input.data.slice(2)]).toEqual([...session.input.data.slice(2)])
    expect([...back.weight.data]).toEqual([...session.weight.data])
    expect(back.gradOutput.kind).toBe('mse')
    expect(back.options).toEqual(session.options)
    expect(back.view).toEqual(session.view)
    expect(back.inputName).toBe('photo.png')
  })

  it('accepts hand-written plain arrays', () => {
    const text = JSON.stringify({
      format: 'convolab-session',
      version: 1,
      input: { shape: [1, 1, 3, 3], data: [1, 2, 3, 4, 5, 6, 7, 8, 9] },
      weight: { shape: [1, 1, 2, 2], data: [1, 0, 0, -1] },
      bias: null,
      options: {},
      gradOutput: { kind: 'ones' },
    })
    const session = parseSession(text)
    expect(session.input.data[8]).toBe(9)
    expect(session.view).toEqual({})
  })

  it('refuses a newer version, saying so', () => {
    const doc = JSON.parse(serializeSession(sample()))
    doc.version = 7
    expect(codeOf(() => parseSession(JSON.stringify(doc)))).toBe('session-newer')
  })

  it('refuses corrupt documents with session-corrupt or the precise reason', () => {
    const good = serializeSession(sample())
    expect(codeOf(() => parseSession(good.slice(0, good.length / 2)))).toBe('session-corrupt')
    expect(codeOf(() => parseSession('{"format":"something-else"}'))).toBe('session-corrupt')
    expect(codeOf(() => parseSession('null'))).toBe('session-corrupt')
    const doc = JSON.parse(good)
    doc.weight.data = doc.weight.data.slice(0, 16)
    expect(codeOf(() => parseSession(JSON.stringify(doc)))).toBe('data-size')
    doc.weight.data = '!!!!'
    expect(codeOf(() => parseSession(JSON.stringify(doc)))).toBe('session-corrupt')
  })

  it('opens settings that cannot be computed as they were saved (they are the user’s work)', () => {
    const impossible = JSON.parse(serializeSession(sample()))
    impossible.options.groups = 2
    impossible.options.dilation = 5
    const session = parseSession(JSON.stringify(impossible))
    expect(session.options.groups).toBe(2)
    expect(session.options.dilation).toBe(5)
  })
})
