// The channel a stack map shows before the user picks one (frames/stack-channels.ts):
// around a ReLU, a channel whose mask has both states (read from the exact extremes of the ReLU's
// output), the one nearest half on; checked against the mask computed from core's stack on the
// dilated preset.
import { describe, expect, it } from 'vitest'
import { normalTensor, seededSource } from '../../core'
import { stackForward } from '../../core/stack'
import { stackPreset } from '../../core/stack-presets'
import type { GateResult } from '../../frames/stack-channels'
import { defaultChannel, gateOf, hasBothStates } from '../../frames/stack-channels'

function resultOf(
  layers: ReturnType<typeof stackPreset>,
  x: ReturnType<typeof normalTensor>,
  display: boolean,
): { result: GateResult; outputs: Float64Array[] } {
  const forward = stackForward(layers, x)
  const result: GateResult = {
    layers: forward.layers.map((l, k) => {
      const [n, c, h, w] = l.output.shape
      const min = new Float64Array(n * c)
      const max = new Float64Array(n * c)
      for (let p = 0; p < n * c; p++) {
        const plane = l.output.data.subarray(p * h * w, (p + 1) * h * w)
        min[p] = Math.min(...plane)
        max[p] = Math.max(...plane)
      }
      // small maps travel at full size: the display data is the exact values (as float32)
      const shown = display ? { data: Float32Array.from(l.output.data), displayH: h, displayW: w } : {}
      return { type: layers[k].type, output: { shape: l.output.shape, min, max, ...shown } }
    }),
  }
  return { result, outputs: forward.layers.map((l) => l.output.data) }
}

describe('the default channel around a ReLU', () => {
  it.each([
    ['the one nearest half on, from the maps drawn', true],
    ['the first, without display maps', false],
  ])('picks, for the ReLU and the map it reads, a channel whose mask x > 0 has both 0 and 1: %s', (_, display) => {
    const layers = stackPreset('dilated', 1)
    // A positive picture (as a photo's values are).
    const x = normalTensor([1, 1, 24, 24], seededSource(11))
    for (let k = 0; k < x.data.length; k++) x.data[k] = Math.abs(x.data[k])
    const { result, outputs } = resultOf(layers, x, display)
    let checked = 0
    let notFirst = 0
    for (let on = 0; on < layers.length; on++) {
      const gate = gateOf(result, on)
      if (gate < 0) {
        expect(defaultChannel(result, on, 0)).toBe(0)
        continue
      }
      expect(layers[gate].type).toBe('relu')
      const [, channels, h, w] = result.layers[gate].output.shape
      const before = gate === 0 ? outputs[0] : outputs[gate - 1]
      const passing = (c: number) => Array.from(before.subarray(c * h * w, (c + 1) * h * w)).filter((v) => v > 0).length
      const mixed = (c: number) => passing(c) > 0 && passing(c) < h * w
      const candidates = Array.from({ length: channels }, (_, c) => c).filter(mixed)
      const balance = (c: number) => Math.min(passing(c), h * w - passing(c))
      const want = display ? candidates.reduce((a, c) => (balance(c) > balance(a) ? c : a), candidates[0]) : candidates[0]
      expect(defaultChannel(result, on, 0)).toBe(want)
      if (want !== 0) notFirst++
      checked++
    }
    // three ReLUs, each with the map before it; from the maps drawn the rule moved off channel 0 somewhere
    expect(checked).toBe(6)
    if (display) expect(notFirst).toBeGreaterThan(0)
  })

  it('reads the states from the extremes: a ReLU output of 0 is x ≤ 0', () => {
    expect(hasBothStates(0, 2)).toBe(true)
    expect(hasBothStates(0.5, 2)).toBe(false)
    expect(hasBothStates(0, 0)).toBe(false)
    expect(hasBothStates(-0.01, 3)).toBe(true)
    expect(defaultChannel(null, 2, 0)).toBe(0)
  })
})
