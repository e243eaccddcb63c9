import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ConvolabError, encodeNpy, parseNpy } from '../../core'
import { referenceFile } from '../reference/cases'
import { messageOf } from '../../messages'

interface FormatEntry {
  file: string
  dtype: string
  shape: number[]
  values: number[]
  savedByNpSave?: boolean
}

const manifest: { readable: FormatEntry[]; refused: string[] } = JSON.parse(new TextDecoder().decode(referenceFile('npy-formats/manifest.json')))
const formatFile = (name: string): Uint8Array => referenceFile(`npy-formats/${name}`)

function errorCode(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    if (error instanceof ConvolabError) return error.code
    throw error
  }
  return 'no error'
}

/** A .npy file with any header text, for the cases NumPy itself would never write. */
function handMade(header: string | Uint8Array, data: Uint8Array = new Uint8Array(), version = 1): Uint8Array {
  const text = typeof header === 'string' ? new TextEncoder().encode(header) : header
  const prefix = version === 1 ? 10 : 12
  const bytes = new Uint8Array(prefix + text.length + data.length)
  bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0])
  const view = new DataView(bytes.buffer)
  if (version === 1) view.setUint16(8, text.length, true)
  else view.setUint32(8, text.length, true)
  bytes.set(text, prefix)
  bytes.set(data, prefix + text.length)
  return bytes
}

describe('parseNpy reads files written by NumPy', () => {
  it(`covers every dtype, byte order, memory order and version (${manifest.readable.length} files)`, () => {
    const kinds = new Set(manifest.readable.map((entry) => entry.dtype))
    expect([...kinds].sort()).toEqual(['bool', 'float16', 'float32', 'float64', 'int16', 'int32', 'int64', 'int8', 'uint16', 'uint32', 'uint64', 'uint8'])
    const files = manifest.readable.map((entry) => entry.file)
    for (const mark of ['-be-', '-le-', '-F', '-v2', '-v3', 'rank0', 'empty']) {
      expect(
        files.some((file) => file.includes(mark)),
        mark,
      ).toBe(true)
    }
  })

  it.each(manifest.readable.map((entry) => [entry.file, entry] as const))('%s', (file, entry) => {
    const array = parseNpy(formatFile(file))
    expect(array.shape).toEqual(entry.shape)
    expect(array.dtype).toBe(entry.dtype)
    // Exact: every value was chosen to be representable in its dtype and in float64.
    expect(Array.from(array.data)).toEqual(entry.values)
  })

  it('writes float64 arrays byte for byte as np.save does', () => {
    const saved = manifest.readable.filter((entry) => entry.savedByNpSave)
    expect(saved.length).toBeGreaterThanOrEqual(4)
    for (const entry of saved) {
      const original = formatFile(entry.file)
      expect(Buffer.from(encodeNpy(parseNpy(original))).equals(Buffer.from(original)), entry.file).toBe(true)
    }
  })

  it('reads an array that sits at an odd offset inside a larger buffer', () => {
    const original = formatFile('f8-le-C.npy')
    const buffer = new Uint8Array(original.length + 3)
    buffer.set(original, 3)
    expect(parseNpy(buffer.subarray(3))).toEqual(parseNpy(original))
  })
})

describe('encodeNpy', () => {
  it('round-trips any float64 values, including -0, NaN and infinities', () => {
    const shapes = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 })
    fc.assert(
      fc.property(shapes, fc.array(fc.double(), { minLength: 256, maxLength: 256 }), (shape, pool) => {
        const size = shape.reduce((a, b) => a * b, 1)
        const data = Float64Array.from({ length: size }, (_, k) => pool[k % pool.length])
        const bytes = encodeNpy({ shape, data })
        const back = parseNpy(bytes)
        expect(back.shape).toEqual(shape)
        expect(back.dtype).toBe('float64')
        expect(Array.from(back.data)).toEqual(Array.from(data))
        expect(bytes[6]).toBe(1)
        expect((10 + new DataView(bytes.buffer).getUint16(8, true)) % 64).toBe(0)
      }),
      { numRuns: 200 },
    )
  })

  it('refuses values that do not fill the shape', () => {
    expect(errorCode(() => encodeNpy({ shape: [2, 3], data: new Float64Array(5) }))).toBe('data-size')
  })
})

describe('parseNpy refuses what it cannot read, with a clear error', () => {
  it.each(manifest.refused)('%s has an unsupported dtype', (file) => {
    expect(errorCode(() => parseNpy(formatFile(file)))).toBe('npy-dtype')
  })

  it('names the complex dtype in the message', () => {
    try {
      parseNpy(formatFile('complex128.npy'))
    } catch (error) {
      expect(messageOf(error)).toBe('the .npy dtype <c16 is not supported (use float64, float32, an integer or bool type)')
      return
    }
    throw new Error('expected an error')
  })

  it('wrong magic', () => {
    expect(errorCode(() => parseNpy(new Uint8Array()))).toBe('npy-magic')
    expect(errorCode(() => parseNpy(new TextEncoder().encode('PK\x03\x04 a zip file, not an npy')))).toBe('npy-magic')
    const png = formatFile('f8-le-C.npy').slice()
    png[1] = 0x50
    expect(errorCode(() => parseNpy(png))).toBe('npy-magic')
  })

  it('every truncation of a valid file is npy-magic or npy-truncated', () => {
    for (const file of ['f8-le-C.npy', 'f8-be-C-v2.npy', 'u1-na-F.npy']) {
      const bytes = formatFile(file)
      for (let length = 0; length < bytes.length; length++) {
        const code = errorCode(() => parseNpy(bytes.subarray(0, length)))
        expect(code, `${file} cut at ${length}`).toBe(length < 6 ? 'npy-magic' : 'npy-truncated')
      }
    }
  })

  it('unknown format versions', () => {
    for (const [major, minor] of [
      [0, 0],
      [4, 0],
      [1, 1],
      [255, 255],
    ]) {
      const bytes = formatFile('f8-le-C.npy').slice()
      bytes[6] = major
      bytes[7] = minor
      expect(
        errorCode(() => parseNpy(bytes)),
        `${major}.${minor}`,
      ).toBe('npy-version')
    }
  })

  it('malformed headers', () => {
    const headers = [
      '',
      'not a dict',
      "{'descr': '<f8', 'fortran_order': False}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}",
      "{'descr': '<f8', 'fortran_order': 'no', 'shape': (1,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': [1]}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)",
      "{'descr': '<f8 , 'fortran_order': False, 'shape': (1,)}",
      "{'descr': '<f8', 'fortran_order': False, 'shape': (1,)} trailing",
      `{'descr': ${'('.repeat(5000)}`,
      '{1: 2}',
    ]
    for (const header of headers) {
      expect(
        errorCode(() => parseNpy(handMade(header, new Uint8Array(8)))),
        header.slice(0, 60),
      ).toBe('npy-header')
    }
    expect(errorCode(() => parseNpy(handMade(new Uint8Array([0x7b, 0xff, 0xfe]), new Uint8Array(), 3)))).toBe('npy-header')
  })

  it('reads headers NumPy accepts: double quotes, Python 2 longs, no trailing comma', () => {
    const data = new Uint8Array(new Float64Array([1.5, -2]).buffer)
    const array = parseNpy(handMade('{"shape": (2L,), "fortran_order": False, "descr": "<f8"}\n', data, 2))
    expect(array).toEqual({ shape: [2], data: new Float64Array([1.5, -2]), dtype: 'float64' })
  })

  it('a huge shape is npy-truncated without allocating it', () => {
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (4000000000, 4000000000, 4000000000), }"
    expect(errorCode(() => parseNpy(handMade(header)))).toBe('npy-truncated')
  })

  it('random bytes and corrupted files end in a ConvolabError or a valid array, never anything else', () => {
    const valid = formatFile('f4-be-F.npy')
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat(valid.length), (edits, length) => {
        const bytes = valid.slice(0, length)
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value
        try {
          const array = parseNpy(bytes)
          expect(array.data.length).toBe(array.shape.reduce((a, b) => a * b, 1))
        } catch (error) {
          expect(error).toBeInstanceOf(ConvolabError)
        }
      }),
      { numRuns: 500 },
    )
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const bytes = new Uint8Array(8 + tail.length)
        bytes.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1 + ((tail[0] ?? 0) % 3), 0])
        bytes.set(tail, 8)
        expect(() => parseNpy(bytes)).toThrow(ConvolabError)
      }),
      { numRuns: 300 },
    )
  })
})

describe('a refused .npy in the reader’s language', () => {
  it('says why with a reason word and values, worded in Spanish without English', () => {
    const files = [
      ...["{'descr': '<f8 , 'fortran_order': False, 'shape': (1,)}", 'not a dict', "{'descr': '<f8', 'fortran_order': 'no', 'shape': (1,)}", '{1: 2}'].map(
        (h) => handMade(h, new Uint8Array(8)),
      ),
      handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }", new Uint8Array(8)),
      handMade("{'descr': '<f8', 'fortran_order': False, 'shape': (1,)}").subarray(0, 9),
    ]
    for (const file of files) {
      let error: unknown
      try {
        parseNpy(file)
      } catch (caught) {
        error = caught
      }
      const { params } = error as ConvolabError
      expect(typeof params.reason).toBe('string')
      expect(params.detail).toBeUndefined()
      const es = messageOf(error, 'es')
      expect(es).not.toMatch(/\b(expected|unexpected|position|missing|needs|must|is|are|the|of)\b/)
      expect(es).not.toBe(messageOf(error, 'en'))
    }
  })
})
