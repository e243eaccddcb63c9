// Where each buffer of one kernel run lives in the kernels' memory, and typed views on it.

import { ConvolabError } from '../errors'

export type Dtype = 'f64' | 'f32'
export type FloatArray = Float64Array | Float32Array

/** Elements per 128-bit vector and bytes per element of each dtype. */
export const LANES: Record<Dtype, number> = { f64: 2, f32: 4 }
export const BYTES: Record<Dtype, number> = { f64: 8, f32: 4 }

/** Every buffer starts on a 64-byte boundary. */
export const ALIGN = 64
/** Kernels may read one vector past the end of a buffer (masked or discarded): room left after each. */
export const SLACK = 64

export class MemoryLayout {
  private end: number

  /** `start`: the first byte it may use (address 0 stays unused, so a zero address is never a buffer). */
  constructor(start = ALIGN) {
    this.end = Math.max(ALIGN, start)
  }

  /** Reserves `bytes` and returns the buffer's byte address. */
  take(bytes: number): number {
    const at = Math.ceil(this.end / ALIGN) * ALIGN
    this.end = at + bytes + SLACK
    return at
  }

  /** The next buffer starts at `address` or later. */
  skipTo(address: number): void {
    this.end = Math.max(this.end, address)
  }

  get bytes(): number {
    return Math.ceil(this.end / ALIGN) * ALIGN
  }
}

export function floatView(buffer: ArrayBufferLike, dtype: Dtype): FloatArray {
  return dtype === 'f64' ? new Float64Array(buffer) : new Float32Array(buffer)
}

export function newFloatArray(dtype: Dtype, length: number): FloatArray {
  return dtype === 'f64' ? new Float64Array(length) : new Float32Array(length)
}

/** Largest kernel memory: the 32-bit address space of WebAssembly (4 GiB). */
export const MAXIMUM_KERNEL_BYTES = 2 ** 32

/**
 * Grows a WebAssembly.Memory to hold at least `bytes`; a run that cannot fit (or that the
 * system refuses memory for) is a user-facing error, not a RangeError.
 */
export function ensureMemory(memory: WebAssembly.Memory, bytes: number): void {
  const page = 65536
  const have = memory.buffer.byteLength
  if (bytes <= have) return
  const refuse = () =>
    new ConvolabError('too-large', {
      name: 'the working memory of this convolution',
      value: `${Math.ceil(bytes / 2 ** 20)} MiB`,
      limit: `${MAXIMUM_KERNEL_BYTES / 2 ** 20} MiB`,
    })
  if (bytes > MAXIMUM_KERNEL_BYTES) throw refuse()
  try {
    memory.grow(Math.ceil((bytes - have) / page))
  } catch {
    throw refuse()
  }
}
