// The compiled kernels (built from core/wasm/conv.as by scripts/build-wasm.mjs) and the choice
// between them: relaxed SIMD (fused multiply-add) where the runtime validates it, plain SIMD
// otherwise, and core's scalar TypeScript kernel where WebAssembly SIMD is missing.

import * as generated from '../wasm/generated/kernels'

export type KernelKind = 'relaxed-simd' | 'simd' | 'scalar'
export const KERNEL_KINDS: readonly KernelKind[] = ['relaxed-simd', 'simd', 'scalar']

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64)
  const bytes = new Uint8Array(text.length)
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

const cache = new Map<string, Uint8Array<ArrayBuffer>>()

/** The wasm bytes of one kernel kind; `shared` imports a shared memory (for worker threads). */
export function kernelBinary(kind: Exclude<KernelKind, 'scalar'>, shared = false): Uint8Array<ArrayBuffer> {
  const key = `${kind}:${shared}`
  let bytes = cache.get(key)
  if (!bytes) {
    const name = kind === 'relaxed-simd' ? 'relaxedSimd' : 'simd'
    bytes = decode(generated[shared ? (`${name}Shared` as const) : name])
    cache.set(key, bytes)
  }
  return bytes
}

/** Whether this runtime can compile the kernels of a kind (checked on the real bytes). */
export function supportsKind(kind: KernelKind, shared = false): boolean {
  if (kind === 'scalar') return true
  if (typeof WebAssembly === 'undefined') return false
  if (shared && typeof SharedArrayBuffer === 'undefined') return false
  try {
    return WebAssembly.validate(kernelBinary(kind, shared))
  } catch {
    return false
  }
}

/** The fastest kind this runtime runs, at or below `prefer` in the order relaxed-simd, simd, scalar. */
export function detectKernelKind(options: { prefer?: KernelKind; shared?: boolean } = {}): KernelKind {
  const start = KERNEL_KINDS.indexOf(options.prefer ?? 'relaxed-simd')
  for (const kind of KERNEL_KINDS.slice(start)) if (supportsKind(kind, options.shared)) return kind
  return 'scalar'
}
