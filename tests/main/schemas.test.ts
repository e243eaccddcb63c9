// Every request is validated before it is used: well-formed requests pass unchanged,
// and each kind of bad payload is refused as 'bad-request' naming where it is wrong.

import { describe, expect, it } from 'vitest'
import { ConvolabError } from '../../core'
import { LIMITS } from '../../contract'
import { methodName, parseRequest } from '../../contract/schemas'

const tensor = (shape: number[]) => ({ shape, data: new Float64Array(shape.reduce((a, b) => a * b, 1)) })

const compute = {
  requestId: 3,
  inputId: 'abc',
  weight: tensor([2, 3, 3, 3]),
  bias: tensor([2]),
  options: { stride: [2, 1], padding: 'same', dilation: 1, groups: 1, paddingMode: 'reflect' },
  gradOutput: { kind: 'random', seed: 5 },
  display: { maxSide: 512 },
}

function refusal(method: unknown, payload: unknown): string {
  try {
    parseRequest(methodName(method), payload)
  } catch (error) {
    expect(error).toBeInstanceOf(ConvolabError)
    expect((error as ConvolabError).code).toBe('bad-request')
    return String((error as ConvolabError).params.detail)
  }
  throw new Error(`accepted ${JSON.stringify(payload)}`)
}

describe('request schemas', () => {
  it('accepts a well-formed compute request and keeps its typed arrays', () => {
    const request = parseRequest('compute', compute)
    expect(request.weight.data).toBe(compute.weight.data)
    expect(request.options.padding).toBe('same')
  })

  it('refuses unknown methods', () => {
    expect(refusal('deleteEverything', {})).toMatch(/unknown method/)
    expect(refusal(undefined, {})).toMatch(/unknown method/)
    expect(refusal('__proto__', {})).toMatch(/unknown method/)
  })

  it('refuses bad compute payloads, naming the field', () => {
    const cases: Array<[string, unknown]> = [
      ['payload', null],
      ['weight', { ...compute, weight: { shape: [2, 3, 3, 3], data: [1, 2] } }],
      ['weight', { ...compute, weight: { shape: [2, 3, 3, 3], data: new Float64Array(5) } }],
      ['weight', { ...compute, weight: tensor([2, 3, LIMITS.maxKernelSide + 1, 1]) }],
      ['weight', { ...compute, weight: { shape: [2, 3, -3, 3], data: new Float64Array(0) } }],
      ['weight', { ...compute, weight: { shape: [1e9, 1e9, 1, 1], data: new Float64Array(1) } }],
      ['weight', { ...compute, weight: { shape: [2, 3, 3, 3], data: new Float32Array(54) } }],
      ['options.stride', { ...compute, options: { stride: 0 } }],
      ['options.stride', { ...compute, options: { stride: 1.5 } }],
      ['options.padding', { ...compute, options: { padding: 'full' } }],
      ['options.padding', { ...compute, options: { padding: -1 } }],
      ['options.paddingMode', { ...compute, options: { paddingMode: 'mirror' } }],
      ['options.groups', { ...compute, options: { groups: 0 } }],
      ['gradOutput', { ...compute, gradOutput: { kind: 'zeros' } }],
      ['display.maxSide', { ...compute, display: { maxSide: -1 } }],
      ['requestId', { ...compute, requestId: 'x' }],
      ['inputId', { ...compute, inputId: '' }],
    ]
    for (const [field, payload] of cases) {
      expect(refusal('compute', payload), field).toContain(field === 'payload' ? 'compute' : field)
    }
  })

  it('refuses bad inputs, images, probes, gradchecks and exports', () => {
    expect(refusal('setInput', tensor([1, 3, 4]))).toMatch(/shape/)
    expect(refusal('setInput', tensor([LIMITS.maxBatch + 1, 1, 2, 2]))).toMatch(/batch/)
    expect(refusal('decodeImage', { bytes: 'aGVsbG8=', name: 'a.png', grayscale: false, maxSide: 0 })).toMatch(/bytes/)
    expect(refusal('decodeImage', { bytes: new Uint8Array(4), name: 'a.png', grayscale: false, maxSide: LIMITS.maxImageSide + 1 })).toMatch(/maxSide/)
    expect(refusal('readTensorFile', { bytes: new Uint8Array(4) })).toMatch(/name/)
    expect(refusal('probe', { requestId: 1, which: 'weight', start: 0, count: 1 })).toMatch(/which/)
    expect(refusal('probe', { requestId: 1, which: 'output', start: 0, count: 0 })).toMatch(/count/)
    const check = { inputShape: [1, 2, 5, 5], outChannels: 2, kernelSize: [3, 3], options: {}, bias: true, samples: 3, tolerance: 1e-5, seed: 1 }
    expect(() => parseRequest('gradcheck', check)).not.toThrow()
    expect(refusal('gradcheck', { ...check, inputShape: [1, 2, 5] })).toMatch(/inputShape/)
    expect(refusal('gradcheck', { ...check, tolerance: 0 })).toMatch(/tolerance/)
    expect(refusal('gradcheck', { ...check, samples: 1e9 })).toMatch(/samples/)
    expect(refusal('cancel', 'everything')).toMatch(/cancel/)
  })

  it('accepts the other well-formed requests', () => {
    expect(() => parseRequest('setInput', tensor([1, 3, 4, 4]))).not.toThrow()
    expect(() => parseRequest('decodeImage', { bytes: new Uint8Array(3), name: 'a.png', grayscale: true, maxSide: 1024 })).not.toThrow()
    expect(() => parseRequest('probe', { requestId: 1, which: 'gradInput', start: 5, count: 9 })).not.toThrow()
    expect(parseRequest('about', { anything: 1 })).toBeUndefined()
    expect(() => parseRequest('cancel', 'compute')).not.toThrow()
  })
})
