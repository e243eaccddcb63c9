// Frames of the animations, drawn with the Canvas 2D API on any context (the renderer's
// <canvas>, @napi-rs/canvas in main), and the same views as SVG. Pure: no DOM, fs or Electron.
export * from './context'
export * from './colours'
export * from './panel'
export * from './scene'
export * from './text'
export * from './frame'
export * from './svg'
