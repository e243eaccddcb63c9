// Worker-thread runner of the fast convolution kernels (shared WebAssembly memory).
export * from './runner'
export * from './relaxed-simd'
