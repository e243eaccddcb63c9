// The one typed contract between the renderer and the compute engine.
// Imported by the preload, by src-main (Electron IPC and the browser-mode socket) and by
// src-renderer. Dependencies point one way: renderer → contract ← main → core.
// Every payload that crosses is validated in main with the zod schemas in ./schemas.ts.

import type { Conv2dOptions, ConvGeometry, GradcheckReport } from '../core'
import type { Notice } from '../core/errors'
import type { Session } from '../core/session'
import type { ContextMenuRequest, PageErrorReport } from './page-reports'
export type { ContextMenuRequest, PageErrorReport } from './page-reports'

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
  /** What the reader did that the user should know (16-bit values, dropped transparency, …). */
  notices?: Notice[]
}

export interface TensorFileRequest {
  bytes: Uint8Array
  /** File name; its extension picks the parser (.npy, .csv, .json). */
  name: string
}

/** A tensor read from a file, with notices of what the reader did (a skipped CSV header). */
export interface TensorFileResult extends TensorPayload {
  notices?: Notice[]
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

export interface LearnStepRequest {
  /** Ids from setInput: the input x and the target (the output's shape). */
  inputId: string
  targetId: string
  weight: TensorPayload
  bias: TensorPayload | null
  options: Conv2dOptions
  learningRate: number
  steps: number
}

export interface LearnStepResult {
  weight: TensorPayload
  bias: TensorPayload | null
  /** E before each step, in order. */
  losses: number[]
}

/** Every request the renderer can make, by method name. */
export interface EngineMethods {
  setInput(tensor: TensorPayload): { inputId: string }
  decodeImage(request: ImageDecodeRequest): DecodedInput
  readTensorFile(request: TensorFileRequest): TensorFileResult
  compute(request: ComputeRequest): ComputeResult
  probe(request: ProbeRequest): Float64Array
  gradcheck(request: GradcheckRequest): GradcheckReport
  encodeTensor(request: ExportRequest): Uint8Array
  /**
   * Steps of gradient descent on the kernel (and bias) toward a target, as core's learnStep does
   * them: w ← w − rate·dE/dw, b ← b − rate·dE/db with E = mean((x ⋆ w + b − target)²). Input and
   * target are tensors stored with setInput. Runs in the compute worker in turn with computes,
   * which do not supersede it; ask for few steps at a time so the maps stay live.
   */
  learnStep(request: LearnStepRequest): LearnStepResult
  cancel(what: 'gradcheck' | 'compute'): void
  about(): AboutInfo

  // Sessions, autosave and settings (the data folder; see "Documents and the data folder" below).
  // Methods without a parameter take `undefined` and refuse anything else.

  /** Writes a session file, or (browser mode, no path) hands the text back for a download. */
  saveSession(request: SaveSessionRequest): SaveSessionResult
  /** Reads and checks a .convolab session; a newer or corrupt one is refused and nothing changes. */
  openSession(request: OpenSessionRequest): OpenedSession
  /** Keeps the current session in the data folder so a crash or a kill loses nothing. */
  autosave(request: AutosaveRequest): AutosaveResult
  /** The autosaved session of a run that did not end cleanly, or null. */
  recovery(): Recovery | null
  /** Forgets the recovered session (after restoring it or declining). */
  discardRecovery(): void
  getSettings(): Settings
  /** Merges a partial change (unknown keys dropped, bad values refused) and returns all settings. */
  setSettings(patch: SettingsPatch): Settings
  /** Most recent first; files that no longer exist are left out. */
  recentFiles(): RecentFile[]
  /** Adds a file this run opened or saved (a path main handed out) to the recent list. */
  addRecentFile(path: string): RecentFile[]
  /** The renderer says which document it shows and whether it has unsaved changes. */
  setDocumentState(state: DocumentState): { title: string }
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
  /**
   * purpose: what the menu item asked for (an .npy may be an input or a kernel); for files from
   * the OS or the command line it follows the extension (.convolab 'session', images 'image',
   * .npy 'tensor'). path: where the file is (Electron only); a 'session' passes it back to
   * openSession({ bytes, name, path }) so that Save writes to the same file.
   */
  | { type: 'open-file'; name: string; bytes: Uint8Array; purpose?: 'image' | 'kernel' | 'tensor' | 'session'; path?: string }
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
  /** Help ▸ Lessons: the lesson gallery. */
  | 'lessons'
  /** View ▸ Present (F5): the stage full-window. */
  | 'present'
  /** File ▸ Save: the renderer calls saveSession with its document's path (none for a new one). */
  | 'save'
  /** File ▸ Save As: the renderer calls saveSession without a path (a save dialog in Electron). */
  | 'save-as'

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
  /** The page's uncaught errors and unhandled rejections, for the log file (see page-reports.ts). */
  reportError(report: PageErrorReport): void
  /** A right-click on a value (a map cell): main shows the context menu with "Copy value". */
  showContextMenu(request: ContextMenuRequest): void
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

// ─── Documents and the data folder ──────────────────────────────────────────────────────────
//
// Both hosts keep a data folder (Electron's userData; browser mode computes the same folder:
// ~/Library/Application Support/Convolab, %APPDATA%\Convolab, $XDG_CONFIG_HOME/Convolab or
// ~/.config/Convolab; CONVOLAB_DATA_DIR overrides it). Every write there is atomic.
//
//   settings.json                  Settings, { "version": 1, ... }
//   recent.json                    { "version": 1, "files": RecentFile[] }
//   runs/<pid>/run.json            this process's run: pid, boot time, start, document name/path
//   runs/<pid>/autosave.convolab   the latest autosave of that run
//   recovery/run.json, recovery/autosave.convolab
//                                  the newest run that did not end cleanly (killed, crashed)
//
// A run's folder is removed when the process ends cleanly; one that is left behind by a process
// that no longer runs becomes recovery/ at the next start (in Electron, a crashed page's run
// autosave becomes recovery/ at once, and the page is reloaded). The renderer, at start:
// recovery(); if not null, offer to restore it, then discardRecovery() (restored or declined).
// While working: autosave({ text }) a few seconds after changes and at once after significant
// ones (loads, strokes ended); an unchanged text is neither parsed nor rewritten. Paths: main writes only to .convolab files the user chose in a save dialog, opened
// (dialog, command line, OS, recent list) or saved before; other paths are refused.

export interface SaveSessionRequest {
  /** The session as serializeSession writes it; checked with parseSession before anything is written. */
  text: string
  /** An absolute .convolab path main handed out (see above). Absent: "Save As". */
  path?: string
  /** File name offered in the save dialog or for the download; ".convolab" is added when missing. */
  suggestedName?: string
}

/**
 * 'saved': written to `path` (atomically), added to the recent files.
 * 'download' (browser mode, no path): nothing is written; offer `text` as a download named `name`.
 * 'cancelled': the user closed the save dialog.
 */
export type SaveSessionResult =
  | { kind: 'saved'; path: string; name: string }
  | { kind: 'download'; name: string; text: string }
  | { kind: 'cancelled' }

/**
 * A .convolab file by absolute path (read by main), or its bytes (a dropped file, an 'open-file'
 * event; pass the event's path so Save writes back to it).
 */
export type OpenSessionRequest = { path: string } | { bytes: Uint8Array; name: string; path?: string }

export interface OpenedSession {
  session: Session
  name: string
  /** Present when the session came from a file main knows; Save may write back to it. */
  path?: string
}

export interface AutosaveRequest {
  /**
   * The current session as serializeSession writes it. Main checks it with parseSession (about
   * 130 ms for a 1024×1024 input), so send it when it changed, not on a timer regardless.
   */
  text: string
  /** The document's name and path (as shown in the title), restored with it after a crash; a path main did not hand out is not kept. */
  name?: string
  path?: string
}

export interface AutosaveResult {
  /** False when the text was the same as the last autosave (nothing rewritten). */
  written: boolean
  /** When the autosave on disk was written, ms since 1970. */
  savedAt: number
}

export interface Recovery {
  session: Session
  savedAt: number
  name?: string
  path?: string
}

export type ThemeChoice = 'system' | 'light' | 'dark'
export type LanguageChoice = 'system' | 'en' | 'es'
export type FolderPurpose = 'session' | 'image' | 'kernel' | 'tensor' | 'export'

export interface WindowBounds {
  x: number
  y: number
  width: number
  height: number
  maximized: boolean
}

export interface Settings {
  /** 'system' follows the operating system's (or browser's) language. */
  language: LanguageChoice
  theme: ThemeChoice
  /** A colour map name of the renderer (lower case, e.g. 'auto', 'viridis'). */
  colourMap: string
  /** Decimals shown in numbers, 0-12. */
  decimals: number
  /** Animation speed as a multiple of the normal speed, 0.1-10. */
  animationSpeed: number
  /** The folder each kind of file was last opened from or saved to (absolute paths). */
  lastFolders: Partial<Record<FolderPurpose, string>>
  /** The main window's last size and position (Electron); null before the first close. */
  window: WindowBounds | null
}

export type SettingsPatch = Partial<Omit<Settings, 'lastFolders'>> & { lastFolders?: Partial<Record<FolderPurpose, string>> }

export interface RecentFile {
  path: string
  name: string
  /** ms since 1970. */
  openedAt: number
}

export interface DocumentState {
  /** The document's name as the title shows it (the renderer says "Untitled" in its language). */
  name: string
  /** Unsaved changes: marks the title, and closing the window asks first. */
  dirty: boolean
}
