// Frames of the animations, drawn with the Canvas 2D API on any context (the renderer's
// <canvas>, @napi-rs/canvas in main), and the same views as SVG. Pure: no DOM, fs or Electron.
//
// Use from the renderer:
//   const scene = makeScene(geometry, { input, weight, bias, gradOutput }, output, 'forward', 'cell',
//                           { colourMap: 'viridis', language: 'es', decimals: 2 })
//   paintFrame(canvas.getContext('2d')!, scene, step, { width: canvas.width, height: canvas.height })
// - step runs 0 … scene.plan.steps − 1 (−1 is the empty start), as core's animationPlan counts;
//   build a new scene when the data or options change, keep it while only the step changes
//   (colour scales are fixed per scene, so colours do not flicker while playing).
// - Draw in device pixels with the identity transform (big maps use putImageData).
// - Load the font first: for each of FONT_FILES, new FontFace(FONT_FAMILY, url, { weight }),
//   with the TTF imported from the npm package (e.g. `dejavu-fonts-ttf/ttf/DejaVuSans.ttf?url`).
// - frameModel(scene, step) gives the title, counter and formula lines as text (for a live region
//   or a caption); cellAt(model, size, x, y) the panel cell and value under the pointer.
// - Learning a kernel: makeLearningScene(run, targetWeight, options) runs core's learningTrajectory
//   once; paintFrame draws its frame k (k = 0 … steps: the kernel, output vs target, their
//   difference and the loss curve so far, on a log scale) like any other scene.
export * from './context'
export * from './colours'
export * from './panel'
export * from './scene'
export * from './text'
export * from './frame'
export * from './learning'
export * from './family-scene'
export { familyWordsIn } from './family-words'
export type { LineChart } from './chart'
export { cellAt, placePanels } from './paint'
export type { CellUnderPoint } from './paint'
export * from './svg'
export { tweenModel, easeInOut } from './tween'
export { drawFrameModel } from './paint'
