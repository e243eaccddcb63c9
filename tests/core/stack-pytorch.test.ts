// "Show as PyTorch" for a stack: the nn.Sequential that generate_stacks.py built, option for option.
import { describe, expect, it } from 'vitest'
import { planStack, stackAsPyTorch, stackPreset } from '../../core'
import { loadStackCase, stackCaseNames } from '../reference/stacks'

describe('stackAsPyTorch', () => {
  it("writes issue 13's example stack with only the options PyTorch does not default", () => {
    const stack = loadStackCase('issue-example')
    const plan = planStack(stack.layers, stack.x.shape)
    expect(stackAsPyTorch(stack.layers, plan.plans)).toBe(
      [
        'torch.nn.Sequential(',
        '    torch.nn.Conv2d(3, 4, 3, padding=1, dtype=torch.float64),',
        '    torch.nn.ReLU(),',
        '    torch.nn.MaxPool2d(2),',
        '    torch.nn.ConvTranspose2d(4, 3, 3, stride=2, output_padding=1, bias=False, dtype=torch.float64),',
        '    torch.nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),',
        '    torch.nn.LeakyReLU(negative_slope=0.1),',
        '    torch.nn.Tanh(),',
        '    torch.nn.Sigmoid(),',
        ')',
      ].join('\n'),
    )
  })

  it('writes pairs, groups, dilation, padding modes, ceil mode and divisors', () => {
    const stack = loadStackCase('options-mix')
    const lines = stackAsPyTorch(stack.layers, planStack(stack.layers, stack.x.shape).plans).split('\n')
    expect(lines[1]).toBe(
      "    torch.nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(2, 1), groups=2, dilation=(1, 2), padding_mode='reflect', dtype=torch.float64),",
    )
    expect(lines[2]).toBe('    torch.nn.LeakyReLU(),')
    expect(lines[3]).toBe('    torch.nn.MaxPool2d(3, stride=(2, 1), padding=1, dilation=(1, 2), ceil_mode=True),')
    expect(lines[4]).toBe(
      '    torch.nn.ConvTranspose2d(6, 4, (2, 3), stride=(2, 3), padding=(0, 1), output_padding=(1, 0), groups=2, dilation=(1, 2), dtype=torch.float64),',
    )
    expect(lines[5]).toBe('    torch.nn.AvgPool2d((2, 3), stride=(1, 2), padding=1, ceil_mode=True, divisor_override=5),')
    expect(lines[7]).toBe("    torch.nn.Conv2d(4, 2, 3, padding='same', bias=False, padding_mode='circular', dtype=torch.float64),")
  })

  it('writes every fixture and preset without failing', () => {
    for (const name of stackCaseNames()) {
      const stack = loadStackCase(name)
      expect(stackAsPyTorch(stack.layers, planStack(stack.layers, stack.x.shape).plans).split('\n')).toHaveLength(stack.layers.length + 2)
    }
    const stem = stackPreset('resnet-stem')
    expect(stackAsPyTorch(stem, planStack(stem, [1, 3, 64, 64]).plans)).toContain('torch.nn.Conv2d(3, 16, 7, stride=2, padding=3, bias=False')
  })
})
