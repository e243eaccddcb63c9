// The current view as SVG: a FrameContext that writes SVG elements instead of pixels, so the SVG
// comes from the very drawing code of the frames (cells, numbers, outlines, formulas).

import { fromByteArray } from 'base64-js'
import type { FrameContext, FrameImageData, FrameSize } from './context'
import type { AnyScene } from './frame'
import { frameModel } from './frame'
import { drawFrameModel } from './paint'
import { encodeStoredPng } from './png-stored'
import { FONT_FAMILY } from './text'

interface State {
  fillStyle: string
  strokeStyle: string
  lineWidth: number
  font: string
  textAlign: FrameContext['textAlign']
  textBaseline: FrameContext['textBaseline']
  dash: number[]
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const num = (v: number) => String(Math.round(v * 100) / 100)

/** DejaVu Sans averages about 0.6 em per character; SVG has no text metrics before rendering. */
const AVERAGE_ADVANCE = 0.6

export class SvgContext implements FrameContext {
  private state: State = {
    fillStyle: '#000',
    strokeStyle: '#000',
    lineWidth: 1,
    font: '10px sans-serif',
    textAlign: 'start',
    textBaseline: 'alphabetic',
    dash: [],
  }
  private stack: State[] = []
  private path = ''
  private readonly parts: string[] = []

  constructor(private readonly size: FrameSize) {}

  get fillStyle() {
    return this.state.fillStyle
  }
  set fillStyle(v: string | object) {
    this.state.fillStyle = String(v)
  }
  get strokeStyle() {
    return this.state.strokeStyle
  }
  set strokeStyle(v: string | object) {
    this.state.strokeStyle = String(v)
  }
  get lineWidth() {
    return this.state.lineWidth
  }
  set lineWidth(v: number) {
    this.state.lineWidth = v
  }
  get font() {
    return this.state.font
  }
  set font(v: string) {
    this.state.font = v
  }
  get textAlign() {
    return this.state.textAlign
  }
  set textAlign(v: FrameContext['textAlign']) {
    this.state.textAlign = v
  }
  get textBaseline() {
    return this.state.textBaseline
  }
  set textBaseline(v: FrameContext['textBaseline']) {
    this.state.textBaseline = v
  }

  save(): void {
    this.stack.push({ ...this.state, dash: [...this.state.dash] })
  }
  restore(): void {
    this.state = this.stack.pop() ?? this.state
  }
  setLineDash(segments: number[]): void {
    this.state.dash = [...segments]
  }

  private strokeAttributes(): string {
    const dash = this.state.dash.length ? ` stroke-dasharray="${this.state.dash.map(num).join(' ')}"` : ''
    return `fill="none" stroke="${this.state.strokeStyle}" stroke-width="${num(this.state.lineWidth)}"${dash}`
  }

  fillRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="${this.state.fillStyle}"/>`)
  }
  strokeRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" ${this.strokeAttributes()}/>`)
  }
  clearRect(x: number, y: number, w: number, h: number): void {
    this.parts.push(`<rect x="${num(x)}" y="${num(y)}" width="${num(w)}" height="${num(h)}" fill="#ffffff"/>`)
  }
  beginPath(): void {
    this.path = ''
  }
  moveTo(x: number, y: number): void {
    this.path += `M${num(x)} ${num(y)}`
  }
  lineTo(x: number, y: number): void {
    this.path += `L${num(x)} ${num(y)}`
  }
  rect(x: number, y: number, w: number, h: number): void {
    this.path += `M${num(x)} ${num(y)}h${num(w)}v${num(h)}h${num(-w)}Z`
  }
  closePath(): void {
    this.path += 'Z'
  }
  stroke(): void {
    if (this.path) this.parts.push(`<path d="${this.path}" ${this.strokeAttributes()}/>`)
  }
  fill(): void {
    if (this.path) this.parts.push(`<path d="${this.path}" fill="${this.state.fillStyle}"/>`)
  }
  clip(): void {
    // Frames do not clip; kept for the interface.
  }

  private fontSize(): number {
    return Number(/([\d.]+)px/.exec(this.state.font)?.[1] ?? 10)
  }
  measureText(text: string): { width: number } {
    return { width: [...text].length * this.fontSize() * AVERAGE_ADVANCE }
  }
  fillText(text: string, x: number, y: number, maxWidth?: number): void {
    const anchor = this.state.textAlign === 'center' ? 'middle' : this.state.textAlign === 'right' || this.state.textAlign === 'end' ? 'end' : 'start'
    const baseline = { middle: 'central', top: 'hanging', hanging: 'hanging', bottom: 'text-after-edge', alphabetic: 'alphabetic', ideographic: 'ideographic' }[
      this.state.textBaseline
    ]
    const bold = /\bbold\b/.test(this.state.font) ? ' font-weight="bold"' : ''
    const squeeze = maxWidth !== undefined && this.measureText(text).width > maxWidth ? ` textLength="${num(maxWidth)}" lengthAdjust="spacingAndGlyphs"` : ''
    this.parts.push(
      `<text x="${num(x)}" y="${num(y)}" font-size="${num(this.fontSize())}"${bold} text-anchor="${anchor}" dominant-baseline="${baseline}" fill="${this.state.fillStyle}"${squeeze}>${escape(text)}</text>`,
    )
  }
  createImageData(width: number, height: number): FrameImageData {
    return { width, height, data: new Uint8ClampedArray(width * height * 4) }
  }
  putImageData(image: FrameImageData, x: number, y: number): void {
    const png = fromByteArray(encodeStoredPng(image.width, image.height, Uint8Array.from(image.data as ArrayLike<number>)))
    this.parts.push(
      `<image x="${num(x)}" y="${num(y)}" width="${image.width}" height="${image.height}" image-rendering="pixelated" href="data:image/png;base64,${png}"/>`,
    )
  }

  toString(): string {
    const { width, height } = this.size
    return [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="'${FONT_FAMILY}', 'DejaVu Sans', sans-serif">`,
      ...this.parts,
      '</svg>',
      '',
    ].join('\n')
  }
}

/** The frame of `step` as an SVG document. */
export function frameSvg(scene: AnyScene, step: number, size: FrameSize): string {
  const ctx = new SvgContext(size)
  drawFrameModel(ctx, frameModel(scene, step), size, scene.options.decimals)
  return ctx.toString()
}
