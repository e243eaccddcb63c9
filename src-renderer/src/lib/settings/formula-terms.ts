// The output-size formula of one axis as coloured terms: first with its symbols, then with the
// numbers of the current setting. Each term names the control it comes from, so Present mode
// (and anything else) can colour it like that control.

import type { ConvGeometry } from '../../../../core/geometry'

export type TermKind = 'input' | 'padding' | 'dilation' | 'kernel' | 'stride' | 'plain' | 'result'
export interface Term {
  text: string
  kind: TermKind
}

const term = (text: string, kind: TermKind): Term => ({ text, kind })

/** [symbols, numbers] of H_out or W_out = ⌊(H + 2P − D·(K−1) − 1)/S⌋ + 1. */
export function outputSizeTerms(g: ConvGeometry, axis: 'H' | 'W'): { symbols: Term[]; numbers: Term[] } {
  const [size, kernel, stride, dilation, before, after, out] =
    axis === 'H'
      ? [g.inH, g.kernelH, g.strideH, g.dilationH, g.padTop, g.padBottom, g.outH]
      : [g.inW, g.kernelW, g.strideW, g.dilationW, g.padLeft, g.padRight, g.outW]
  const symbols = [
    term(`${axis}_out = ⌊(`, 'plain'),
    term(axis, 'input'),
    term(' + ', 'plain'),
    term(before === after ? '2P' : 'P₁+P₂', 'padding'),
    term(' − ', 'plain'),
    term('D', 'dilation'),
    term('·(', 'plain'),
    term('K', 'kernel'),
    term('−1) − 1)/', 'plain'),
    term('S', 'stride'),
    term('⌋ + 1', 'plain'),
  ]
  const numbers = [
    term('⌊(', 'plain'),
    term(String(size), 'input'),
    term(' + ', 'plain'),
    term(before === after ? `2·${before}` : `${before}+${after}`, 'padding'),
    term(' − ', 'plain'),
    term(String(dilation), 'dilation'),
    term('·', 'plain'),
    term(String(kernel - 1), 'kernel'),
    term(' − 1)/', 'plain'),
    term(String(stride), 'stride'),
    term('⌋ + 1 = ', 'plain'),
    term(String(out), 'result'),
  ]
  return { symbols, numbers }
}

export const textOf = (terms: Term[]) => terms.map((t) => t.text).join('')
