// The compute worker's side of stacks: a computeStack superseded like compute (the shared arrival
// counter: stale requests answer 'cancelled'), and the last stack result kept for probeStack.
// One result is kept per lane ('view': the maps; 'animation': the stage's small computes): a new
// computeStack lets go of its lane's last one before it starts, so the maps' values (within
// STACK_VALUE_BUDGET) and an animation's small ones are held at most.

import type { Tensor } from '../../core'
import { ConvolabError } from '../../core'
import type { StackComputeRequest, StackComputeResult, StackLane, StackProbeRequest } from '../../contract'
import { Superseded } from './compute'
import { resolveStoredTarget } from './filtered-target'
import type { ConvKernel } from './kernel'
import { CONTROL } from './messages'
import type { KeptStack } from './stack-compute'
import { runStack, stackTransferables } from './stack-compute'
import { probeStack } from './stack-probe'

export class StackJobs {
  private readonly last = new Map<StackLane, KeptStack>()

  constructor(
    private readonly kernel: ConvKernel,
    private readonly control: Int32Array,
    private readonly inputs: ReadonlyMap<string, Tensor>,
  ) {}

  async compute(seq: number, request: StackComputeRequest): Promise<{ value: StackComputeResult; transfer: ArrayBuffer[] }> {
    const lane = request.lane ?? 'view'
    const slot = lane === 'animation' ? CONTROL.latestAnimation : CONTROL.latestCompute
    const isStale = (): boolean => Atomics.load(this.control, slot) !== seq
    if (isStale()) throw new Superseded()
    const input = this.inputs.get(request.inputId)
    if (!input) throw new ConvolabError('unknown-input')
    const gradient =
      request.gradient?.kind === 'output'
        ? { ...request.gradient, gradOutput: resolveStoredTarget(request.gradient.gradOutput, this.inputs)! }
        : request.gradient
    // the last result's forward pass is used again where it can be, and its other arrays take
    // this one's values (a probe of it answers 'no result' from now)
    const earlier = this.last.get(lane) ?? null
    this.last.delete(lane)
    const { result, kept } = await runStack(input, { ...request, gradient }, this.kernel, isStale, earlier)
    this.last.set(lane, kept)
    return { value: result, transfer: stackTransferables(result) }
  }

  probe(request: StackProbeRequest): Float64Array {
    const kept = [...this.last.values()].find((k) => k.requestId === request.requestId) ?? this.last.get('view') ?? null
    return probeStack(kept, request)
  }
}
