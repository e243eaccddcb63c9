import { describe, expect, it } from 'vitest'
import { BlockArena } from '../../core/fast'

describe('BlockArena: kernel memory that outlives a run', () => {
  it('hands out aligned blocks that never overlap, with room for a vector read past the end', () => {
    const arena = new BlockArena()
    const sizes = [8, 100, 4096, 1, 64 * 1024]
    const blocks = sizes.map((bytes) => ({ at: arena.take(bytes), bytes }))
    for (const block of blocks) expect(block.at % 64).toBe(0)
    const sorted = [...blocks].sort((a, b) => a.at - b.at)
    for (let k = 1; k < sorted.length; k++) expect(sorted[k].at).toBeGreaterThanOrEqual(sorted[k - 1].at + sorted[k - 1].bytes + 64)
    expect(sorted[0].at).toBeGreaterThan(0)
    expect(arena.end).toBeGreaterThanOrEqual(sorted.at(-1)!.at + sorted.at(-1)!.bytes + 64)
  })

  it('takes a freed block again before growing, and splits a larger one', () => {
    const arena = new BlockArena()
    const a = arena.take(1000)
    const b = arena.take(5000)
    const c = arena.take(1000)
    const end = arena.end
    arena.release(b, 5000)
    expect(arena.end).toBe(end)
    const d = arena.take(1000)
    expect(d).toBe(b)
    const e = arena.take(2000)
    expect(e).toBeGreaterThan(d)
    expect(e + 2000).toBeLessThanOrEqual(c)
    expect(arena.end).toBe(end)
    expect(a).toBeLessThan(b)
  })

  it('joins free neighbours and lowers the end when the last blocks are given back', () => {
    const arena = new BlockArena()
    const blocks = [300, 300, 300, 300].map((bytes) => arena.take(bytes))
    const start = arena.end
    // the middle two, in either order: one free block that fits both
    arena.release(blocks[2], 300)
    arena.release(blocks[1], 300)
    expect(arena.take(700)).toBe(blocks[1])
    arena.release(blocks[1], 700)
    // the last one: the end comes down past every free block below it
    arena.release(blocks[3], 300)
    expect(arena.end).toBe(blocks[1])
    expect(arena.end).toBeLessThan(start)
    arena.release(blocks[0], 300)
    expect(arena.end).toBe(64)
    expect(arena.used).toBe(0)
  })

  it('counts what is in use through many takes and releases in any order', () => {
    const arena = new BlockArena()
    let seed = 7
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31
    const live: Array<{ at: number; bytes: number }> = []
    for (let step = 0; step < 2000; step++) {
      if (live.length > 0 && random() < 0.45) {
        const [block] = live.splice(Math.floor(random() * live.length), 1)
        arena.release(block.at, block.bytes)
      } else {
        const bytes = 1 + Math.floor(random() * 10000)
        live.push({ at: arena.take(bytes), bytes })
      }
      const sorted = [...live].sort((a, b) => a.at - b.at)
      for (let k = 1; k < sorted.length; k++) expect(sorted[k].at).toBeGreaterThanOrEqual(sorted[k - 1].at + sorted[k - 1].bytes + 64)
      if (sorted.length) expect(arena.end).toBeGreaterThanOrEqual(sorted.at(-1)!.at + sorted.at(-1)!.bytes)
    }
    for (const block of live) arena.release(block.at, block.bytes)
    expect(arena.used).toBe(0)
    expect(arena.end).toBe(64)
  })
})
