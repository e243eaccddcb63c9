// The one typed contract between the renderer and the compute engine.
// Imported by the preload, by src-main (Electron IPC and the browser-mode socket) and by
// src-renderer. Dependencies point one way: renderer → contract ← main → core.
// Every payload that crosses is validated in main with the zod schemas in ./schemas.ts.

import type { Conv2dOptions, ConvGeometry, GradcheckReport } from '../core'

/** A tensor on the wire: shape plus float64 values, row-major NCHW. */
export interface TensorPayload {
  shape: number[]
  data: Float64Array
}

/** An error a user caused, with the code and values so the renderer can say it in its language. */
export interface ErrorEnvelope {
  ok: false
  code: string
  params: Record<string, string | number>
  /** English message, for logs and for codes the renderer does not know. */
  message: string
}

export type Result<T> = { ok: true; value: T } | ErrorEnvelope

/** Upstream gradient dE/dy for the backward pass. */
export type GradOutputSpec =
  | { kind: 'ones' }
  | { kind: 'random'; seed: number }
  | { kind: 'tensor'; tensor: TensorPayload }
  /** E = mean((y - target)²): dE/dy = 2 (y - target) / size. target has the output's shape. */
  | { kind: 'mse'; target: TensorPayload }

/** How the renderer wants maps delivered: display precision, at most maxSide per side. */
export interface DisplaySpec {
  /** Longest side of each returned map; larger maps are box-downsampled. 0 = full size. */
  maxSide: number
}

/** A displayable stack of maps (N·C planes of H×W), float32 for the screen. */
export interface MapStack {
  /** Shape of the exact tensor (N, C, H, W). */
  shape: [number, number, number, number]
  /** Size of each plane in `data` after downsampling. */
  displayH: number
  displayW: number
  data: Float32Array
  /** Per plane (N·C entries): minimum and maximum of the exact values, and counts of NaN/±∞. */
  min: Float64Array
  max: Float64Array
  nonFinite: Uint32Array
}

export interface ComputeRequest {
  /** Monotonic per sender; a newer request supersedes an older one still running. */
  requestId: number
  /** Id of an input stored earlier with setInput. */
  inputId: string
  weight: TensorPayload
  bias: TensorPayload | null
  options: Conv2dOptions
  /** Omit for forward only. */
  gradOutput?: GradOutputSpec
  display: DisplaySpec
}

export interface ComputeResult {
  requestId: number
  geometry: ConvGeometry
  output: MapStack
  gradInput?: MapStack
  /** Small tensors travel exactly. */
  gradWeight?: TensorPayload
  gradBias?: TensorPayload | null
  /** dE/dy that was used (display precision), when a backward pass ran. */
  gradOutput?: MapStack
  /** Value of the loss for the 'mse' upstream gradient. */
  loss?: number
  /** Which kernel path ran, e.g. "wasm-simd f64 ×2" or "scalar". */
  kernel: string
  timings: { computeMs: number }
  /**
   * True when a newer request arrived before this one finished: the renderer drops it.
   * (The engine in src-main answers a superseded compute with the 'cancelled' error envelope,
   * params.requestId naming it, instead of a result.)
   */
  superseded?: boolean
}

export interface ImageDecodeRequest {
  bytes: Uint8Array
  name: string
  grayscale: boolean
  /** Longest side of the working size; 0 keeps the image's own size (refused above the limit). */
  maxSide: number
}

export interface DecodedInput {
  inputId: string
  tensor: TensorPayload
  /** The image's own size before any resize. */
  originalWidth: number
  originalHeight: number
  resized: boolean
}

export interface TensorFileRequest {
  bytes: Uint8Array
  /** File name; its extension picks the parser (.npy, .csv, .json). */
  name: string
}

/** Exact values of one tensor cell range, fetched on demand (hover, export). */
export interface ProbeRequest {
  requestId: number
  which: 'input' | 'output' | 'gradInput' | 'gradOutput'
  /** Flat NCHW index of the first value and how many values. */
  start: number
  count: number
}

export interface GradcheckRequest {
  inputShape: [number, number, number, number]
  outChannels: number
  kernelSize: [number, number]
  options: Conv2dOptions
  bias: boolean
  samples: number
  tolerance: number
  seed: number
}

export interface ExportRequest {
  name: string
  format: 'npy' | 'csv'
  tensor: TensorPayload
}

/** Every request the renderer can make, by method name. */
export interface EngineMethods {
  setInput(tensor: TensorPayload): { inputId: string }
  decodeImage(request: ImageDecodeRequest): DecodedInput
  readTensorFile(request: TensorFileRequest): TensorPayload
  compute(request: ComputeRequest): ComputeResult
  probe(request: ProbeRequest): Float64Array
  gradcheck(request: GradcheckRequest): GradcheckReport
  encodeTensor(request: ExportRequest): Uint8Array
  cancel(what: 'gradcheck' | 'compute'): void
  about(): AboutInfo
}

export type MethodName = keyof EngineMethods
export type RequestOf<M extends MethodName> = Parameters<EngineMethods[M]>[0]
export type ResponseOf<M extends MethodName> = ReturnType<EngineMethods[M]>

export interface AboutInfo {
  version: string
  host: 'electron' | 'browser'
  kernel: string
  versions: Record<string, string>
}

/** Events main pushes to the renderer (menus, progress, files opened from the OS). */
export type EngineEvent =
  | { type: 'menu'; command: MenuCommand }
  /** purpose: what the menu item asked for (an .npy may be an input or a kernel); absent for files from the OS. */
  | { type: 'open-file'; name: string; bytes: Uint8Array; purpose?: 'image' | 'kernel' | 'tensor' }
  | { type: 'progress'; task: 'gradcheck' | 'export' | 'image'; done: number; total: number }

export type MenuCommand =
  | 'open-image'
  | 'open-kernel'
  | 'open-tensor'
  | 'export'
  | 'undo'
  | 'redo'
  | 'zoom-in'
  | 'zoom-out'
  | 'zoom-reset'
  | 'language-en'
  | 'language-es'
  | 'theme-light'
  | 'theme-dark'
  | 'theme-system'
  | 'about'
  | 'shortcuts'

/** What the renderer sees, whichever host it runs in (Electron preload or browser socket). */
export interface Transport {
  readonly host: 'electron' | 'browser'
  invoke<M extends MethodName>(method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>>
  onEvent(listener: (event: EngineEvent) => void): () => void
}

/** What the Electron preload exposes as `window.convolab` (the only bridge to main). */
export interface ConvolabBridge {
  invoke(method: MethodName, request: unknown): Promise<Result<unknown>>
  onEvent(listener: (event: EngineEvent) => void): () => void
}

/** Electron IPC channel names. */
export const IPC_INVOKE = 'convolab:invoke'
export const IPC_EVENT = 'convolab:event'

/** Limits shared by validation in main and by the renderer's inputs. */
export const LIMITS = {
  /** Largest image side accepted at full size; larger images are refused unless resized. */
  maxImageSide: 4096,
  maxDrawSide: 128,
  maxKernelSide: 64,
  maxChannels: 512,
  maxBatch: 64,
  /** Largest tensor sent to the engine, in values. */
  maxTensorValues: 64 * 1024 * 1024,
  /** Largest file accepted, in bytes. */
  maxFileBytes: 256 * 1024 * 1024,
} as const
