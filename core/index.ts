// The public face of core: pure maths and data formats, no Electron, no DOM, no file system.
export * from './errors'
export * from './tensor'
export * from './geometry'
export * from './padding'
export * from './conv2d'
export * from './conv2d-backward'
export * from './gradcheck'
export * from './random'
