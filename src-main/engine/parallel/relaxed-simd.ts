// Node 20 keeps WebAssembly relaxed SIMD (fused multiply-add) behind a V8 flag that Electron
// and Node 22+ turn on by default. The flag is process-wide and only affects modules compiled
// after it is set, so the engine sets it once before compiling its kernels.

import { setFlagsFromString } from 'node:v8'
import { supportsKind } from '../../../core/fast'

export function enableRelaxedSimd(): boolean {
  if (supportsKind('relaxed-simd')) return true
  try {
    setFlagsFromString('--experimental-wasm-relaxed-simd')
  } catch {
    return false
  }
  return supportsKind('relaxed-simd')
}
