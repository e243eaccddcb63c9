// The export formats, apart from the exporters so that callers can validate without loading the canvas.
export type FrameFormat = 'png' | 'gif'
export const FRAME_FORMATS: readonly FrameFormat[] = ['png', 'gif']
/** Frames larger than this per side are refused: 8K is more than any slide needs. */
export const MAX_FRAME_SIDE = 8192
