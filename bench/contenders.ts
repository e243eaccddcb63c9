// Everything the benchmark measures, behind one interface: set up on one shape, then run an
// operation. Inputs are converted to each contender's layout before timing starts.

import type { ConvGeometry, Tensor } from '../core'
import { conv2dBackwardKernel, conv2dForward, padInput, unpadGradient } from '../core'
import type { Dtype, FastGradients, FastKernels, GradientRequest, ResultTargets } from '../core/fast'
import { createFastKernels } from '../core/fast'
import type { ParallelRunner } from '../src-main/engine/parallel'
import { createParallelRunner } from '../src-main/engine/parallel'
import { onnxConvModel } from './onnx-model'
import { threadRowCounts } from './threads'

export type Op = 'forward' | 'grad-input' | 'grad-weight'
export const OPS: readonly Op[] = ['forward', 'grad-input', 'grad-weight']

export interface Problem {
  geometry: ConvGeometry
  x: Tensor
  weight: Tensor
  bias: Tensor
  gradOutput: Tensor
}

export interface Prepared {
  /** Runs one operation to completion (results read back into JS). */
  run(op: Op): Promise<unknown> | unknown
  /** Operations this contender lacks, with the reason shown in the table. */
  missing: Partial<Record<Op, string>>
  /** Which kernels actually ran (for our own rows). */
  kind?: string
  dispose(): Promise<void> | void
}

export interface Contender {
  /** Known rates (GFLOP/s) of very slow operations: skipped when one run would take over a minute. */
  slow?: Partial<Record<Op, number>>
  impl: string
  dtype: Dtype
  threads: number
  prepare(problem: Problem): Promise<Prepared>
}

function wants(op: Op): GradientRequest {
  return { input: op === 'grad-input', weight: op === 'grad-weight', bias: false }
}

/** Our rows keep their result arrays between runs, as the engine does between settings changes. */
function keep(into: ResultTargets, grads: FastGradients): FastGradients {
  into.gradInput = grads.gradInput ?? into.gradInput
  into.gradWeight = grads.gradWeight ?? into.gradWeight
  return grads
}

function fast(impl: string, prefer: 'relaxed-simd' | 'simd', dtype: Dtype): Contender {
  return {
    impl,
    dtype,
    threads: 1,
    async prepare({ geometry, x, weight, bias, gradOutput }) {
      const kernels: FastKernels = await createFastKernels({ prefer })
      const into: ResultTargets = {}
      return {
        kind: kernels.kind,
        missing: {},
        run(op) {
          if (op === 'forward') return (into.output = kernels.forward(x.data, weight.data, bias.data, geometry, dtype, into))
          return keep(into, kernels.backward(x.data, weight.data, gradOutput.data, geometry, dtype, wants(op), into))
        },
        dispose: () => kernels.release(),
      }
    },
  }
}

function parallel(dtype: Dtype, threads: number): Contender {
  return {
    impl: 'convolab-wasm',
    dtype,
    threads,
    async prepare({ geometry, x, weight, bias, gradOutput }) {
      const runner: ParallelRunner = await createParallelRunner({ threads })
      const into: ResultTargets = {}
      return {
        kind: runner.kind,
        missing: {},
        async run(op) {
          if (op === 'forward') return (into.output = await runner.forward(x.data, weight.data, bias.data, geometry, dtype, into))
          return keep(into, await runner.backward(x.data, weight.data, gradOutput.data, geometry, dtype, wants(op), into))
        },
        dispose: () => runner.close(),
      }
    },
  }
}

const scalar: Contender = {
  impl: 'convolab-scalar-ts',
  dtype: 'f64',
  threads: 1,
  async prepare({ geometry, x, weight, bias, gradOutput }) {
    return {
      kind: 'scalar',
      missing: {},
      run(op) {
        const padded = padInput(x.data, geometry)
        if (op === 'forward') {
          const y = new Float64Array(gradOutput.data.length)
          conv2dForward(padded, weight.data, bias.data, y, geometry)
          return y
        }
        if (op === 'grad-input') {
          const gradPadded = new Float64Array(padded.length)
          conv2dBackwardKernel(padded, weight.data, gradOutput.data, gradPadded, null, geometry)
          return unpadGradient(gradPadded, geometry)
        }
        const gradWeight = new Float64Array(weight.data.length)
        conv2dBackwardKernel(padded, weight.data, gradOutput.data, null, gradWeight, geometry)
        return gradWeight
      },
      dispose() {},
    }
  },
}

/** NCHW → NHWC and OIHW → HWIO, as float32, for TensorFlow.js. */
function nhwc(t: Tensor): Float32Array {
  const [n, c, h, w] = t.shape
  const out = new Float32Array(t.data.length)
  for (let b = 0; b < n; b++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[((b * h + i) * w + j) * c + k] = t.data[((b * c + k) * h + i) * w + j]
  return out
}

function hwio(t: Tensor): Float32Array {
  const [o, c, h, w] = t.shape
  const out = new Float32Array(t.data.length)
  for (let m = 0; m < o; m++)
    for (let k = 0; k < c; k++)
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) out[((i * w + j) * c + k) * o + m] = t.data[((m * c + k) * h + i) * w + j]
  return out
}

function tfjs(backend: 'cpu' | 'wasm'): Contender {
  return {
    impl: `tfjs-backend-${backend}`,
    // measured here: about 0.011 GFLOP/s (S1 takes 21 s per run)
    slow: backend === 'cpu' ? { 'grad-weight': 0.011 } : undefined,
    dtype: 'f32',
    threads: 1,
    async prepare({ geometry: g, x, weight, gradOutput }) {
      const tf = await import('@tensorflow/tfjs-core')
      if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu')
      else await import('@tensorflow/tfjs-backend-wasm')
      await tf.setBackend(backend)
      await tf.ready()
      const xT = tf.tensor4d(nhwc(x), [g.batch, g.inH, g.inW, g.inChannels])
      const wT = tf.tensor4d(hwio(weight), [g.kernelH, g.kernelW, g.inChannelsPerGroup, g.outChannels])
      const dyT = tf.tensor4d(nhwc(gradOutput), [g.batch, g.outH, g.outW, g.outChannels])
      const pad = [
        [0, 0],
        [g.padTop, g.padBottom],
        [g.padLeft, g.padRight],
        [0, 0],
      ] as [[number, number], [number, number], [number, number], [number, number]]
      const strides: [number, number] = [g.strideH, g.strideW]
      const attrs = { strides, pad, dataFormat: 'NHWC', dilations: [g.dilationH, g.dilationW], dimRoundingMode: undefined }
      const has = (kernel: string) => tf.getKernel(kernel, backend) !== undefined
      const missing: Prepared['missing'] = {}
      if (!has('Conv2DBackpropInput')) missing['grad-input'] = `${backend} backend has no Conv2DBackpropInput kernel`
      if (!has('Conv2DBackpropFilter')) missing['grad-weight'] = `${backend} backend has no Conv2DBackpropFilter kernel`
      return {
        missing,
        async run(op) {
          let result
          if (op === 'forward') result = tf.conv2d(xT, wT, strides, pad, 'NHWC', [g.dilationH, g.dilationW])
          else if (op === 'grad-input')
            result = tf.engine().runKernel('Conv2DBackpropInput', { dy: dyT, filter: wT }, { ...attrs, inputShape: xT.shape } as never)
          else result = tf.engine().runKernel('Conv2DBackpropFilter', { x: xT, dy: dyT }, { ...attrs, filterShape: wT.shape } as never)
          const tensor = result as { data(): Promise<unknown>; dispose(): void }
          await tensor.data()
          tensor.dispose()
        },
        dispose() {
          tf.dispose([xT, wT, dyT])
        },
      }
    },
  }
}

const onnx: Contender = {
  impl: 'onnxruntime-web',
  dtype: 'f32',
  threads: 1,
  async prepare({ geometry: g, x, weight, bias }) {
    const ort = await import('onnxruntime-web')
    ort.env.wasm.numThreads = 1
    const session = await ort.InferenceSession.create(onnxConvModel(g, weight.data, bias.data), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    })
    const input = new ort.Tensor('float32', Float32Array.from(x.data), [g.batch, g.inChannels, g.inH, g.inW])
    return {
      missing: { 'grad-input': 'inference only (no training kernels)', 'grad-weight': 'inference only (no training kernels)' },
      async run() {
        const outputs = await session.run({ X: input })
        return outputs.Y.data
      },
      dispose: () => session.release(),
    }
  },
}

export const CONTENDERS: readonly Contender[] = [
  fast('convolab-wasm', 'relaxed-simd', 'f64'),
  ...threadRowCounts().map((threads) => parallel('f64', threads)),
  fast('convolab-wasm', 'relaxed-simd', 'f32'),
  ...threadRowCounts().map((threads) => parallel('f32', threads)),
  fast('convolab-wasm-simd', 'simd', 'f64'),
  scalar,
  tfjs('cpu'),
  tfjs('wasm'),
  onnx,
]
