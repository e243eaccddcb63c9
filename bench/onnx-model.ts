// A one-node ONNX model (Conv, float32, weights as initializers) written directly in the
// protobuf wire format, so the benchmark needs no model file and no protobuf library.

import type { ConvGeometry } from '../core'

class Writer {
  private bytes: number[] = []

  varint(field: number, value: number): this {
    this.tag(field, 0)
    this.raw(value)
    return this
  }

  bytesField(field: number, data: Uint8Array): this {
    this.tag(field, 2)
    this.raw(data.length)
    for (const byte of data) this.bytes.push(byte)
    return this
  }

  string(field: number, text: string): this {
    return this.bytesField(field, new TextEncoder().encode(text))
  }

  message(field: number, inner: Writer): this {
    return this.bytesField(field, inner.finish())
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }

  private tag(field: number, wire: number): void {
    this.raw(field * 8 + wire)
  }

  private raw(value: number): void {
    let rest = value
    while (rest >= 128) {
      this.bytes.push((rest % 128) | 128)
      rest = Math.floor(rest / 128)
    }
    this.bytes.push(rest)
  }
}

const FLOAT = 1
const INTS = 7
const INT = 2

function valueInfo(name: string, shape: readonly number[]): Writer {
  const dims = new Writer()
  for (const dim of shape) dims.message(1, new Writer().varint(1, dim))
  const tensorType = new Writer().varint(1, FLOAT).message(2, dims)
  return new Writer().string(1, name).message(2, new Writer().message(1, tensorType))
}

function initializer(name: string, shape: readonly number[], values: Float32Array): Writer {
  const tensor = new Writer()
  for (const dim of shape) tensor.varint(1, dim)
  return tensor
    .varint(2, FLOAT)
    .string(8, name)
    .bytesField(9, new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
}

function ints(name: string, values: number[]): Writer {
  const attribute = new Writer().string(1, name).varint(20, INTS)
  for (const value of values) attribute.varint(8, value)
  return attribute
}

/** Conv(X) with the geometry's explicit pads (zero padding), strides, dilations and groups. */
export function onnxConvModel(geometry: ConvGeometry, weight: Float64Array, bias: Float64Array | null): Uint8Array {
  const g = geometry
  const weightShape = [g.outChannels, g.inChannelsPerGroup, g.kernelH, g.kernelW]
  const node = new Writer().string(1, 'X').string(1, 'W')
  if (bias) node.string(1, 'B')
  node
    .string(2, 'Y')
    .string(3, 'conv')
    .string(4, 'Conv')
    .message(5, ints('pads', [g.padTop, g.padLeft, g.padBottom, g.padRight]))
    .message(5, ints('strides', [g.strideH, g.strideW]))
    .message(5, ints('dilations', [g.dilationH, g.dilationW]))
    .message(5, ints('kernel_shape', [g.kernelH, g.kernelW]))
    .message(5, new Writer().string(1, 'group').varint(20, INT).varint(3, g.groups))
  const graph = new Writer().message(1, node).string(2, 'convolab-bench')
  graph.message(5, initializer('W', weightShape, Float32Array.from(weight)))
  if (bias) graph.message(5, initializer('B', [g.outChannels], Float32Array.from(bias)))
  graph.message(11, valueInfo('X', [g.batch, g.inChannels, g.inH, g.inW])).message(12, valueInfo('Y', [g.batch, g.outChannels, g.outH, g.outW]))
  return new Writer().varint(1, 8).string(2, 'convolab').message(7, graph).message(8, new Writer().string(1, '').varint(2, 13)).finish()
}
