// Shared by the frame tests: the seed's fixtures as a session, and a context that records text.
import { readFileSync } from 'node:fs'
import type { Conv2dOptions, Session, Tensor } from '../../core'
import { parseNpy } from '../../core'
import type { FrameContext, FrameImageData } from '../../frames'

export function fixture(caseName: string, file: string): Tensor {
  const { shape, data } = parseNpy(new Uint8Array(readFileSync(`tests/reference/cases/${caseName}/${file}`)))
  return { shape, data }
}

export function seedSession(caseName = 'seed-stride1-padding0', options: Conv2dOptions = {}): Session {
  return { input: fixture(caseName, 'x.npy'), weight: fixture(caseName, 'weight.npy'), bias: null, options, gradOutput: { kind: 'ones' }, view: {} }
}

/** A Canvas 2D stand-in that keeps every text drawn; pixels are not needed to read the numbers. */
export class RecordingContext implements FrameContext {
  fillStyle: string | object = '#000'
  strokeStyle: string | object = '#000'
  lineWidth = 1
  font = '10px sans-serif'
  textAlign: FrameContext['textAlign'] = 'left'
  textBaseline: FrameContext['textBaseline'] = 'alphabetic'
  texts: string[] = []
  images = 0
  save() {}
  restore() {}
  fillRect() {}
  strokeRect() {}
  clearRect() {}
  beginPath() {}
  moveTo() {}
  lineTo() {}
  rect() {}
  closePath() {}
  stroke() {}
  fill() {}
  clip() {}
  setLineDash() {}
  fillText(text: string) {
    this.texts.push(text)
  }
  measureText(text: string) {
    return { width: text.length * 6 }
  }
  createImageData(width: number, height: number): FrameImageData {
    return { width, height, data: new Uint8ClampedArray(width * height * 4) }
  }
  putImageData() {
    this.images++
  }
}
