// The part of the Canvas 2D API that frames are drawn with. The renderer passes a real
// <canvas> context, main passes @napi-rs/canvas's: both implement this subset, so the app and
// the exported files show the same pixels from the same code.

/** RGBA bytes, row-major; any typed array the context's ImageData uses (8 bits per channel by default). */
export interface FrameImageData {
  readonly width: number
  readonly height: number
  readonly data: { [index: number]: number; readonly length: number }
}

export interface FrameContext {
  fillStyle: string | object
  strokeStyle: string | object
  lineWidth: number
  font: string
  textAlign: 'left' | 'right' | 'center' | 'start' | 'end'
  textBaseline: 'top' | 'hanging' | 'middle' | 'alphabetic' | 'ideographic' | 'bottom'
  save(): void
  restore(): void
  fillRect(x: number, y: number, width: number, height: number): void
  strokeRect(x: number, y: number, width: number, height: number): void
  clearRect(x: number, y: number, width: number, height: number): void
  beginPath(): void
  moveTo(x: number, y: number): void
  lineTo(x: number, y: number): void
  rect(x: number, y: number, width: number, height: number): void
  closePath(): void
  stroke(): void
  fill(): void
  clip(): void
  setLineDash(segments: number[]): void
  fillText(text: string, x: number, y: number, maxWidth?: number): void
  measureText(text: string): { width: number }
  createImageData(width: number, height: number): FrameImageData
  putImageData(image: FrameImageData, x: number, y: number): void
}

export interface FrameSize {
  width: number
  height: number
}
