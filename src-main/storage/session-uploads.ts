// Session files arriving in pieces (sessionChunk): kept in order per upload id until saveSession
// or autosave takes them. One per connection; bounded in count and size, so a page that sends
// pieces and never finishes cannot fill the memory.

import { ConvolabError } from '../../core/errors'
import { LIMITS, MAX_OPEN_UPLOADS, type SessionChunkRequest } from '../../contract'
import { concatBytes } from '../../core/bytes'

interface Upload {
  pieces: Uint8Array[]
  received: number
}

export class SessionUploads {
  /** Insertion order is age: the first entry is the oldest. */
  private readonly open = new Map<string, Upload>()

  add(request: SessionChunkRequest): { received: number } {
    let upload = this.open.get(request.upload)
    if (request.index === 0) {
      // A new upload (or one started again from its first piece).
      this.open.delete(request.upload)
      while (this.open.size >= MAX_OPEN_UPLOADS) this.open.delete(this.open.keys().next().value!)
      upload = { pieces: [], received: 0 }
      this.open.set(request.upload, upload)
    }
    if (!upload || upload.pieces.length !== request.index) {
      this.open.delete(request.upload)
      throw new ConvolabError('bad-request', { detail: `sessionChunk: piece ${request.index} of upload ${request.upload} is out of order` })
    }
    if (upload.received + request.bytes.length > LIMITS.maxFileBytes) {
      this.open.delete(request.upload)
      throw new ConvolabError('file-too-large', { name: 'session', size: upload.received + request.bytes.length, limit: LIMITS.maxFileBytes })
    }
    // A copy: the decoded request may be a view into a network buffer that is reused.
    upload.pieces.push(request.bytes.slice())
    upload.received += request.bytes.length
    return { received: upload.received }
  }

  /** The whole file of a finished upload, which is forgotten here. */
  take(id: string): Uint8Array {
    const upload = this.open.get(id)
    this.open.delete(id)
    if (!upload) throw new ConvolabError('bad-request', { detail: `no session upload ${id} (it was never sent, already used, or dropped)` })
    return concatBytes(upload.pieces)
  }

  clear(): void {
    this.open.clear()
  }
}
