// Fast convolution kernels (WebAssembly SIMD) over core's geometry, with scalar fallbacks.
export * from './binaries'
export * from './memory-layout'
export * from './arena'
export * from './plans'
export * from './kernels'
export * from './maps'
export * from './mapped-plans'
export * from './pools'
