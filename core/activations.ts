// Element-wise activations with PyTorch's float64 semantics, forward and backward.
// ReLU'(0) = 0 and LeakyReLU'(0) = slope, as torch's threshold/leaky_relu backward compute them.
//
// The ReLU and LeakyReLU loops are branch-free (a comparison turned into a 0/1 factor, or an
// index into [slope, 1]): on real activations the sign changes from cell to cell, and a branch
// mispredicted half the time made them 3× slower. x·0 is not 0 for ±∞ and NaN, so the ReLU loops
// also sum x·0 (NaN once any value is not finite) and then run again with the plain comparison.

export type ActivationKind = 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid'

/** PyTorch's default negative slope of nn.LeakyReLU. */
export const DEFAULT_NEGATIVE_SLOPE = 0.01

/** An output array: `into` when it has the length (an array no one reads any more), else a new one. */
function target(length: number, into?: Float64Array): Float64Array {
  return into && into.length === length ? into : new Float64Array(length)
}

/** y = relu(x); NaN stays NaN and −∞ gives 0, as torch.relu. */
function reluForward(x: Float64Array, y: Float64Array): void {
  let poison = 0
  for (let k = 0; k < x.length; k++) {
    const v = x[k]
    poison += v * 0
    // + 0 turns the −0 of a negative v into 0
    y[k] = v * +(v > 0) + 0
  }
  // a NaN or ±∞ somewhere: −∞·0 is NaN, so the plain comparison (x > 0 ? x : 0 would turn NaN into 0)
  if (poison !== 0) for (let k = 0; k < x.length; k++) y[k] = x[k] <= 0 ? 0 : x[k]
}

/** dE/dx = y <= 0 ? 0 : g (NaN in y passes g through, as torch's threshold_backward). */
function reluBackward(g: Float64Array, y: Float64Array, out: Float64Array): void {
  let poison = 0
  for (let k = 0; k < g.length; k++) {
    const v = g[k]
    poison += v * 0
    out[k] = v * +!(y[k] <= 0) + 0
  }
  if (poison !== 0) for (let k = 0; k < g.length; k++) out[k] = y[k] <= 0 ? 0 : g[k]
}

/** y = f(x), element by element, into a new array (or `into`). NaN stays NaN, as in PyTorch. */
export function activationForward(kind: ActivationKind, x: Float64Array, negativeSlope = DEFAULT_NEGATIVE_SLOPE, into?: Float64Array): Float64Array {
  const y = target(x.length, into)
  switch (kind) {
    case 'relu':
      reluForward(x, y)
      break
    case 'leaky-relu': {
      // x > 0 ? x : x·slope, with the factor picked by index
      const factor = new Float64Array([negativeSlope, 1])
      for (let k = 0; k < x.length; k++) {
        const v = x[k]
        y[k] = v * factor[+(v > 0)]
      }
      break
    }
    case 'tanh':
      for (let k = 0; k < x.length; k++) y[k] = Math.tanh(x[k])
      break
    case 'sigmoid':
      for (let k = 0; k < x.length; k++) y[k] = 1 / (1 + Math.exp(-x[k]))
      break
  }
  return y
}

/**
 * dE/dx from dE/dy, the layer's input x and its output y (PyTorch's backward formulas:
 * relu: y <= 0 ? 0 : g; leaky: g·(x > 0 ? 1 : slope); tanh: g·(1 − y²); sigmoid: g·(1 − y)·y).
 */
export function activationBackward(
  kind: ActivationKind,
  gradOutput: Float64Array,
  x: Float64Array,
  y: Float64Array,
  negativeSlope = DEFAULT_NEGATIVE_SLOPE,
  into?: Float64Array,
): Float64Array {
  const g = gradOutput
  const gradInput = target(g.length, into)
  switch (kind) {
    case 'relu':
      reluBackward(g, y, gradInput)
      break
    case 'leaky-relu': {
      const factor = new Float64Array([negativeSlope, 1])
      for (let k = 0; k < g.length; k++) gradInput[k] = g[k] * factor[+(x[k] > 0)]
      break
    }
    case 'tanh':
      for (let k = 0; k < g.length; k++) gradInput[k] = g[k] * (1 - y[k] * y[k])
      break
    case 'sigmoid':
      for (let k = 0; k < g.length; k++) gradInput[k] = g[k] * (1 - y[k]) * y[k]
      break
  }
  return gradInput
}
