// The part of the WebAssembly JavaScript API this project uses, present in Node and browsers.
// Declared here because Node's types leave it to the DOM library, which the layers that run in
// Node (core, contract, frames, src-main) do not load.

type BufferSource = ArrayBufferView | ArrayBuffer

declare namespace WebAssembly {
  type ImportValue = Memory | ((...args: never[]) => unknown) | number
  type Imports = Record<string, Record<string, ImportValue>>
  type Exports = Record<string, unknown>

  class Module {
    constructor(bytes: BufferSource)
  }
  class Instance {
    constructor(module: Module, imports?: Imports)
    readonly exports: Exports
  }
  class Memory {
    constructor(descriptor: { initial: number; maximum?: number; shared?: boolean })
    readonly buffer: ArrayBuffer
    grow(delta: number): number
  }
  function compile(bytes: BufferSource): Promise<Module>
  function instantiate(module: Module, imports?: Imports): Promise<Instance>
  function validate(bytes: BufferSource): boolean
}
