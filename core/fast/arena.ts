// Blocks of kernel memory that outlive one run: a stack's tensors that the kernels write in place
// (see mapped-plans.ts), so that no run copies them out. They lie at the bottom of the memory;
// every run's own buffers start past the last of them (`end`).

import { ALIGN, SLACK } from './memory-layout'

interface Block {
  at: number
  bytes: number
}

export class BlockArena {
  /** Free blocks below `end`, by address, never two touching. */
  private readonly free: Block[] = []
  private top = ALIGN

  /** The first byte past every block in use: where a run's buffers may start. */
  get end(): number {
    return this.top
  }

  /** The address of a block of at least `bytes`: the first free one it fits in, else a new one at the end. */
  take(bytes: number): number {
    const size = Math.ceil((bytes + SLACK) / ALIGN) * ALIGN
    const index = this.free.findIndex((block) => block.bytes >= size)
    if (index < 0) {
      const at = this.top
      this.top += size
      return at
    }
    const block = this.free[index]
    if (block.bytes === size) this.free.splice(index, 1)
    else this.free[index] = { at: block.at + size, bytes: block.bytes - size }
    return block.at
  }

  /** Gives back the block at `at` of `bytes` (as asked of take): joined with free neighbours, and the end lowered when it was the last. */
  release(at: number, bytes: number): void {
    const size = Math.ceil((bytes + SLACK) / ALIGN) * ALIGN
    let block: Block = { at, bytes: size }
    let index = this.free.findIndex((other) => other.at > at)
    if (index < 0) index = this.free.length
    const after = this.free[index]
    if (after && block.at + block.bytes === after.at) {
      block = { at: block.at, bytes: block.bytes + after.bytes }
      this.free.splice(index, 1)
    }
    const before = this.free[index - 1]
    if (before && before.at + before.bytes === block.at) {
      block = { at: before.at, bytes: before.bytes + block.bytes }
      this.free.splice(index - 1, 1)
      index--
    }
    if (block.at + block.bytes === this.top) this.top = block.at
    else this.free.splice(index, 0, block)
  }

  /** Bytes in blocks in use (diagnostics and tests). */
  get used(): number {
    return this.top - ALIGN - this.free.reduce((sum, block) => sum + block.bytes, 0)
  }
}
