// Element-wise activations with PyTorch's float64 semantics, forward and backward.
// ReLU'(0) = 0 and LeakyReLU'(0) = slope, as torch's threshold/leaky_relu backward compute them.

export type ActivationKind = 'relu' | 'leaky-relu' | 'tanh' | 'sigmoid'

/** PyTorch's default negative slope of nn.LeakyReLU. */
export const DEFAULT_NEGATIVE_SLOPE = 0.01

/** y = f(x), element by element, into a new array. NaN stays NaN, as in PyTorch. */
export function activationForward(kind: ActivationKind, x: Float64Array, negativeSlope = DEFAULT_NEGATIVE_SLOPE): Float64Array {
  const y = new Float64Array(x.length)
  switch (kind) {
    case 'relu':
      // x > 0 ? x : 0 would turn NaN into 0; torch.relu keeps NaN
      for (let k = 0; k < x.length; k++) y[k] = x[k] <= 0 ? 0 : x[k]
      break
    case 'leaky-relu':
      for (let k = 0; k < x.length; k++) y[k] = x[k] > 0 ? x[k] : x[k] * negativeSlope
      break
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
): Float64Array {
  const g = gradOutput
  const gradInput = new Float64Array(g.length)
  switch (kind) {
    case 'relu':
      for (let k = 0; k < g.length; k++) gradInput[k] = y[k] <= 0 ? 0 : g[k]
      break
    case 'leaky-relu':
      for (let k = 0; k < g.length; k++) gradInput[k] = x[k] > 0 ? g[k] : g[k] * negativeSlope
      break
    case 'tanh':
      for (let k = 0; k < g.length; k++) gradInput[k] = g[k] * (1 - y[k] * y[k])
      break
    case 'sigmoid':
      for (let k = 0; k < g.length; k++) gradInput[k] = g[k] * (1 - y[k]) * y[k]
      break
  }
  return gradInput
}
