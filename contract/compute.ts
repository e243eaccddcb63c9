// The compute engine's methods and their payloads: inputs, forward and backward maps, exact
// values on demand, gradient checks and learning steps. Tensors travel as float64 NCHW.

import type { Conv2dOptions, ConvGeometry, GradcheckReport } from '../core'
import type { Notice } from '../core/errors'
import type { PlaneMaps } from '../core/fast/maps'
import type { ConvTranspose2dOptions } from '../core/conv-transpose2d-geometry'
import type { Pool2dOptions } from '../core/pool-geometry'
import type { Method } from './methods'

/**
 * The layer a learn step, a gradient check or a filtered target is about, when it is not the
 * Conv2d of `options`: a transposed layer (weight (C_in, C_out/groups, KH, KW)) or a pool (no
 * weight: the check covers dE/dx only; learning and targets refuse it with a message).
 */
export type FamilyLayerSpec =
  | { type: 'conv-transpose2d'; options: ConvTranspose2dOptions }
  | { type: 'max-pool2d'; options: Omit<Pool2dOptions, 'countIncludePad' | 'divisorOverride'> }
  | { type: 'avg-pool2d'; options: Omit<Pool2dOptions, 'dilation'> }

/** A tensor on the wire: shape plus float64 values, row-major NCHW. */
export interface TensorPayload {
  shape: number[]
  data: Float64Array
}

/** Upstream gradient dE/dy for the backward pass. */
export type GradOutputSpec =
  | { kind: 'ones' }
  | { kind: 'random'; seed: number }
  | { kind: 'tensor'; tensor: TensorPayload }
  /** E = mean((y - target)²): dE/dy = 2 (y - target) / size. target has the output's shape. */
  | { kind: 'mse'; target: TensorPayload }
  /** The same loss to a target the engine holds (from filteredTarget or setInput), so a photo's target never crosses again. */
  | { kind: 'mse-stored'; targetId: string }

/** How the renderer wants maps delivered: display precision, at most maxSide per side. */
export interface DisplaySpec {
  /** Longest side of each returned map; larger maps are box-downsampled. 0 = full size. */
  maxSide: number
}

/** A displayable stack of maps (N·C planes of H×W), float32 for the screen. */
export interface MapStack extends PlaneMaps {
  /** Shape of the exact tensor (N, C, H, W). */
  shape: [number, number, number, number]
}

export interface ComputeRequest {
  /**
   * Monotonic per sender. A newer compute supersedes an older one still running, which answers
   * the 'cancelled' error envelope with params.requestId naming it.
   */
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
  /** Which kernel path ran, e.g. "wasm relaxed-simd f64 ×1" or "scalar". */
  kernel: string
  timings: {
    computeMs: number
    /**
     * What this compute took from the one before instead of running the kernels: the sums
     * Σ w·x (only the bias changed: y = sums + b), and with them the gradients (dE/dy does not
     * depend on y: ones, N(0,1), a given tensor); or, on a weight change with such a dE/dy,
     * dE/dw and dE/db (they do not depend on w: dE/dx alone was computed).
     */
    reused?: 'sums' | 'sums and gradients' | 'weight gradients'
    /** Output channels whose sums were computed again when only their kernels changed (the others kept). */
    channels?: number
  }
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
  /** What the reader did that the user should know (16-bit values, dropped transparency, …). */
  notices?: Notice[]
}

export interface TensorFileRequest {
  bytes: Uint8Array
  /** File name; its extension picks the parser (.npy, .csv, .json). */
  name: string
}

/** Which exact tensor of the last compute result. */
export type ResultTensor = 'input' | 'output' | 'gradInput' | 'gradOutput'

/** A tensor read from a file, with notices of what the reader did (a skipped CSV header). */
export interface TensorFileResult extends TensorPayload {
  notices?: Notice[]
}

/** Exact values of one tensor cell range, fetched on demand (hover, export). */
export interface ProbeRequest {
  requestId: number
  which: ResultTensor
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

export interface LearnStepRequest {
  /** Ids from setInput: the input x and the target (the output's shape). */
  inputId: string
  targetId: string
  weight: TensorPayload
  bias: TensorPayload | null
  options: Conv2dOptions
  learningRate: number
  steps: number
  /** Absent: the Conv2d of `options`. */
  layer?: FamilyLayerSpec
}

export interface LearnStepResult {
  weight: TensorPayload
  bias: TensorPayload | null
  /** E before each step, in order. */
  losses: number[]
}

/** y_target = x ⋆ weight (no bias) with the options: the MSE target "the input filtered by a preset". */
export interface FilteredTargetRequest {
  inputId: string
  weight: TensorPayload
  options: Conv2dOptions
  /** Absent: the Conv2d of `options`. */
  layer?: FamilyLayerSpec
}

export interface FilteredTarget {
  /** Id of the target in the engine (for learnStep and the 'mse-stored' upstream gradient). */
  targetId: string
  shape: number[]
  /** Its exact values when small (at most FILTERED_TARGET_VALUES), else null: it stays in the engine. */
  values: Float64Array | null
}

/** Filtered targets up to this many values also come back whole. */
export const FILTERED_TARGET_VALUES = 1 << 16

/** A rectangle of one plane: rows top..top+height−1, columns left..left+width−1. */
export interface PlaneRect {
  top: number
  left: number
  height: number
  width: number
}

/** Exact values of an output region of a compute result, for the region animation. */
export interface RegionValuesRequest {
  /** The compute whose tensors to read (the last one the engine answered). */
  requestId: number
  batch: number
  /** Output rows and columns (at most 64×64 cells). */
  region: PlaneRect
}

export interface RegionValues {
  batch: number
  region: PlaneRect
  /** The padded input rectangle the region reads, in padded coordinates (row 0 = first padding row). */
  window: PlaneRect
  /**
   * x[batch, :, window] with the padding applied as the convolution sees it, shape (1, C_in, h, w):
   * with the weight, stride and dilation (padding 0) it gives `output` exactly.
   */
  paddedInput: TensorPayload
  /** y[batch, :, region], shape (1, C_out, height, width). */
  output: TensorPayload
  /** dE/dy[batch, :, region], when the compute ran a backward pass. */
  gradOutput?: TensorPayload
  /** dE/dx[batch, :, rect] where the window lies inside the input (input coordinates), when the compute ran a backward pass. */
  gradInput?: { rect: PlaneRect; tensor: TensorPayload }
}

/**
 * A finite-difference check of the engine's gradients on the user's own tensors (any size):
 * L = Σ y·g with g the stated upstream gradient (for 'mse' the one at the current output, held
 * fixed); each checked element's central difference (L(v+h) − L(v−h)) / 2h against dE/dv.
 */
export interface GradientCheckRequest {
  inputId: string
  weight: TensorPayload
  bias: TensorPayload | null
  options: Conv2dOptions
  gradOutput: GradOutputSpec
  /** Elements of x and of w to check: a tensor with at most this many is checked whole, a larger one at this many random elements. */
  elements: number
  tolerance: number
  /** Picks the random elements. */
  seed: number
  /** Absent: the Conv2d of `options`. */
  layer?: FamilyLayerSpec
}

export interface CheckedCount {
  checked: number
  total: number
}

export interface GradientCheckReport {
  passed: boolean
  cancelled: boolean
  tolerance: number
  /** Partial derivatives checked in all, and how many exceed the tolerance. */
  checked: number
  failures: number
  /** How many elements of each tensor were checked, out of how many it has. */
  counts: { input: CheckedCount; weight: CheckedCount; bias: CheckedCount }
  /**
   * Elements of x left out of a MaxPool2d check, and why: 'max-pool-tie' = within 2h of another
   * value of a window it is in (or in a window with NaN or ±∞), where the maximum has no
   * derivative and a central difference would not measure the routed gradient. The reason is
   * also a notice code: messages/' formatMessage(reason, { count: input }, language) says it in en/es.
   */
  excluded?: { input: number; reason: 'max-pool-tie' }
  worst: {
    parameter: 'input' | 'weight' | 'bias'
    /** Index of the element (NCHW for x, (C_out, C_in/groups, KH, KW) for w). */
    index: number[]
    numeric: number
    analytic: number
    relativeError: number
  } | null
}

export interface AboutInfo {
  version: string
  host: 'electron' | 'browser'
  kernel: string
  versions: Record<string, string>
}

/** The compute engine's methods, by name: what each takes and answers. */
export interface ComputeMethods {
  setInput: Method<TensorPayload, { inputId: string }>
  decodeImage: Method<ImageDecodeRequest, DecodedInput>
  readTensorFile: Method<TensorFileRequest, TensorFileResult>
  compute: Method<ComputeRequest, ComputeResult>
  probe: Method<ProbeRequest, Float64Array>
  /** The seed's check on random tensors of a stated shape (small shapes; core's gradcheck). */
  gradcheck: Method<GradcheckRequest, GradcheckReport>
  /**
   * The check on the user's own input, kernel and upstream gradient at any size, with 'progress'
   * events (task 'gradcheck') and cancel('gradcheck'). Runs beside computes, never holding them up.
   */
  checkGradients: Method<GradientCheckRequest, GradientCheckReport>
  /** Exact values of an output region of the last compute (hover, region animation, export). */
  regionValues: Method<RegionValuesRequest, RegionValues>
  /**
   * Steps of gradient descent on the kernel (and bias) toward a target, as core's learnStep does
   * them: w ← w − rate·dE/dw, b ← b − rate·dE/db with E = mean((x ⋆ w + b − target)²). Input and
   * target are tensors stored with setInput. Runs in the compute worker in turn with computes,
   * which do not supersede it; ask for few steps at a time so the maps stay live.
   */
  learnStep: Method<LearnStepRequest, LearnStepResult>
  /** Computes and keeps a preset-filtered target of a stored input (see FilteredTargetRequest). */
  filteredTarget: Method<FilteredTargetRequest, FilteredTarget>
  cancel: Method<'gradcheck' | 'compute', void>
  /** Takes nothing (anything passed is ignored). */
  about: Method<undefined, AboutInfo>
}
