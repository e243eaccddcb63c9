// Sends a session file to main in pieces (the contract's sessionChunk), written as it goes by
// core's sessionFileChunks: a 12-megapixel photo never becomes one giant message, and the page
// gets a turn between pieces. saveSession/autosave then name the upload.

import { SESSION_CHUNK_BYTES, type ErrorEnvelope, type Transport } from '../../../../contract'
import { sessionFileChunks } from '../../../../core/session-file'
import type { Session } from '../../../../core/session'
import type { Tensor } from '../../../../core/tensor'
import { concatBytes } from '../../../../core/bytes'

export interface SentSession {
  ok: true
  /** The upload's id, for saveSession({ upload }) or autosave({ upload }). */
  upload: string
  /** The file's bytes in order (a browser download is made of them). */
  pieces: Uint8Array[]
  size: number
}

function uploadId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  return Array.from({ length: 4 }, () =>
    Math.floor(Math.random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0'),
  ).join('-')
}

/** Tensors small enough to be edited in place (drawn grids, kernels) are copied: the file is written over several turns of the page. */
function snapshot(session: Session): Session {
  const copy = (t: Tensor): Tensor => (t.data.length <= 1 << 20 ? { shape: [...t.shape], data: t.data.slice() } : t)
  const gradOutput = session.gradOutput
  const learning = session.learning
  return {
    ...session,
    input: copy(session.input),
    weight: copy(session.weight),
    bias: session.bias && copy(session.bias),
    gradOutput:
      gradOutput.kind === 'tensor'
        ? { kind: 'tensor', tensor: copy(gradOutput.tensor) }
        : gradOutput.kind === 'mse'
          ? { kind: 'mse', target: copy(gradOutput.target) }
          : gradOutput,
    ...(learning
      ? { learning: { ...learning, target: learning.target.kind === 'tensor' ? { kind: 'tensor', tensor: copy(learning.target.tensor) } : learning.target } }
      : {}),
  }
}

/** Writes and sends the session; an error envelope when a piece is refused or the connection is lost. */
export async function sendSession(transport: Transport, document: Session): Promise<SentSession | ErrorEnvelope> {
  const session = snapshot(document)
  const upload = uploadId()
  const pieces: Uint8Array[] = []
  let size = 0
  let pending: Uint8Array[] = []
  let pendingBytes = 0
  const flush = async (): Promise<ErrorEnvelope | null> => {
    if (pendingBytes === 0) return null
    const piece = concatBytes(pending)
    pending = []
    pendingBytes = 0
    const sent = await transport.invoke('sessionChunk', { upload, index: pieces.length, bytes: piece })
    if (!sent.ok) return sent
    pieces.push(piece)
    size += piece.length
    return null
  }
  try {
    for (let chunk of sessionFileChunks(session)) {
      // Pieces of at most SESSION_CHUNK_BYTES: a large chunk is cut, small ones are gathered.
      while (pendingBytes + chunk.length > SESSION_CHUNK_BYTES) {
        const room = SESSION_CHUNK_BYTES - pendingBytes
        pending.push(chunk.subarray(0, room))
        pendingBytes += room
        chunk = chunk.subarray(room)
        const refused = await flush()
        if (refused) return refused
      }
      if (chunk.length) {
        // A copy: the piece is sent after later chunks are made.
        pending.push(chunk.slice())
        pendingBytes += chunk.length
      }
    }
    const refused = await flush()
    if (refused) return refused
  } catch (error) {
    const e = error as { code?: string; params?: Record<string, string | number>; message?: string }
    return { ok: false, code: e.code ?? 'bad-request', params: e.params ?? { detail: String(error) }, message: e.message ?? String(error) }
  }
  return { ok: true, upload, pieces, size }
}
