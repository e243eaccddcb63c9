// core's scalar conv2d and conv2dBackward against every PyTorch reference case.
import { conv2d, conv2dBackward } from '../../core'
import { referenceSuite } from '../reference/suite'

referenceSuite('core scalar kernels', {
  forward: (x, weight, bias, options) => conv2d(x, weight, bias, options).output,
  backward: (x, weight, bias, gradOutput, options) => conv2dBackward(x, weight, bias, gradOutput, options),
})
