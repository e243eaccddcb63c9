// "Show as PyTorch" in stack mode: the stack as a runnable torch.nn.Sequential (core writes the
// modules), on an input of the current shape, with the shapes of the layers that fit.

import type { Layer } from '../../../../core/layer'
import type { StackPlan } from '../../../../core/stack'
import { stackAsPyTorch } from '../../../../core/stack-pytorch'
import { formatShape } from '../../../../core/tensor'

export function stackCode(layers: readonly Layer[], plan: StackPlan): string {
  const [n, c, h, w] = plan.inputShape
  const last = plan.plans.at(-1)?.outputShape ?? plan.inputShape
  const lines = [
    'import torch',
    `model = ${stackAsPyTorch(layers, plan.plans)}`,
    `x = torch.rand(${n}, ${c}, ${h}, ${w}, dtype=torch.float64)  # x: ${formatShape(plan.inputShape)}`,
    `y = model(x)  # y: ${formatShape(last)}`,
  ]
  if (plan.failure) lines.push(`# layer ${String(plan.failure.params.index)} and after are left out: it cannot take its input`)
  return lines.join('\n')
}
