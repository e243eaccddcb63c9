// Export in Node: animation frames (PNG sequence, GIF), the current view (PNG, SVG), tensors (.npy, CSV).
export * from './frames'
export * from './view'
export { sceneFromSession, learningSceneFromSession, frameOptionsOf } from './session-scene'
export { registerFrameFont } from './fonts'
