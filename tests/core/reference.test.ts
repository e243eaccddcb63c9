// core's scalar conv2d and conv2dBackward against every PyTorch reference case, and core's
// validation against the settings PyTorch accepts and refuses.
import { describe, expect, it } from 'vitest'
import { ConvolabError, conv2d, conv2dBackward, convGeometry, outputShape, zeros } from '../../core'
import { validitySettings } from '../reference/cases'
import { referenceSuite } from '../reference/suite'

referenceSuite('core scalar kernels', {
  forward: (x, weight, bias, options) => conv2d(x, weight, bias, options).output,
  backward: (x, weight, bias, gradOutput, options) => conv2dBackward(x, weight, bias, gradOutput, options),
})

describe('core accepts exactly the settings PyTorch accepts', () => {
  it.each(validitySettings().map((s) => [s.name, s] as const))('%s', (_name, setting) => {
    const run = () => convGeometry(setting.input, setting.weight, setting.options)
    if (setting.output) {
      expect(outputShape(run())).toEqual(setting.output)
      const y = conv2d(zeros(setting.input), zeros(setting.weight), null, setting.options).output
      expect(y.shape).toEqual(setting.output)
    } else {
      expect(run, `PyTorch: ${setting.torchError}`).toThrow(ConvolabError)
    }
  })
})
