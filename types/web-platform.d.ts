// The web-platform globals that Node (20+) and browsers both provide, declared for the layers
// that run in both (core, contract, frames), whose tsconfigs load neither DOM nor Node types:
// anything else (document, fs, Buffer, process) is a type error there. WebAssembly: ./wasm.d.ts.

declare class TextEncoder {
  encode(input?: string): Uint8Array
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean })
  decode(input?: ArrayBufferView | ArrayBuffer, options?: { stream?: boolean }): string
}

declare function atob(data: string): string
declare function btoa(data: string): string
