// The compute worker's side of stacks: a computeStack superseded like compute (the shared arrival
// counter: stale requests answer 'cancelled'), and the last stack result kept for probeStack.
// Only one stack result is kept: a new computeStack lets go of the last one before it starts, so
// at most one stack's values (within STACK_VALUE_BUDGET) are held at a time.

import type { Tensor } from '../../core'
import { ConvolabError } from '../../core'
import type { StackComputeRequest, StackComputeResult, StackProbeRequest } from '../../contract'
import { Superseded } from './compute'
import { resolveStoredTarget } from './filtered-target'
import type { ConvKernel } from './kernel'
import { CONTROL } from './messages'
import type { KeptStack } from './stack-compute'
import { runStack, stackTransferables } from './stack-compute'
import { probeStack } from './stack-probe'

export class StackJobs {
  private last: KeptStack | null = null

  constructor(
    private readonly kernel: ConvKernel,
    private readonly control: Int32Array,
    private readonly inputs: ReadonlyMap<string, Tensor>,
  ) {}

  async compute(seq: number, request: StackComputeRequest): Promise<{ value: StackComputeResult; transfer: ArrayBuffer[] }> {
    const isStale = (): boolean => Atomics.load(this.control, CONTROL.latestCompute) !== seq
    if (isStale()) throw new Superseded()
    const input = this.inputs.get(request.inputId)
    if (!input) throw new ConvolabError('unknown-input')
    const gradient =
      request.gradient?.kind === 'output'
        ? { ...request.gradient, gradOutput: resolveStoredTarget(request.gradient.gradOutput, this.inputs)! }
        : request.gradient
    // the last result's forward pass is used again where it can be, and its other arrays take
    // this one's values (a probe of it answers 'no result' from now)
    const earlier = this.last
    this.last = null
    const { result, kept } = await runStack(input, { ...request, gradient }, this.kernel, isStale, earlier)
    this.last = kept
    return { value: result, transfer: stackTransferables(result) }
  }

  probe(request: StackProbeRequest): Float64Array {
    return probeStack(this.last, request)
  }
}
