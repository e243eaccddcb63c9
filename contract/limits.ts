// Limits shared by validation in main and by the renderer's inputs.

import { MAX_STACK_LAYERS } from '../core/session'

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
  /** Most layers in a stack (core's, which session files are checked against). */
  maxStackLayers: MAX_STACK_LAYERS,
} as const
