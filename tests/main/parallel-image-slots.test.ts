// A stack's padded inputs kept in their image slots on the kernel-thread runner: a backward pass
// that finds its forward's image there gives the numbers of one that packs it, and any run that
// writes over the slots (a plain run, a new forward into the slot) makes the next one pack again.
import { afterAll, describe, expect, it } from 'vitest'
import { convGeometry, normalTensor, seededSource } from '../../core'
import { stackImageSlots } from '../../core/fast'
import { createParallelRunner, enableRelaxedSimd } from '../../src-main/engine/parallel'

enableRelaxedSimd()
const runner = await createParallelRunner({ threads: 2 })
afterAll(() => runner.close())

const options = { stride: 1, padding: 1, dilation: 1, groups: 1, paddingMode: 'zeros' as const }
const random = (shape: number[], seed: number) => normalTensor(shape, seededSource(seed)).data
const first = convGeometry([1, 3, 40, 36], [8, 3, 3, 3], options, 8)
const second = convGeometry([1, 8, 40, 36], [8, 8, 3, 3], options, 8)
const [slotA, slotB] = stackImageSlots([first, second], 'f64') as [
  NonNullable<ReturnType<typeof stackImageSlots>[number]>,
  NonNullable<ReturnType<typeof stackImageSlots>[number]>,
]
const w1 = random([8, 3, 3, 3], 1)
const w2 = random([8, 8, 3, 3], 2)
const gradOutput = random([1, 8, 40, 36], 3)

/** dE/dx and dE/dw of the first layer, packed afresh (no slot). */
async function packed(x: Float64Array) {
  return runner.backward(x, w1, gradOutput, first, 'f64', {}, {})
}

describe('image slots on the kernel-thread runner', () => {
  it('places each slot after the one before, scratch after the last', () => {
    expect(slotA.at).toBeGreaterThan(0)
    expect(slotB.at).toBeGreaterThan(slotA.at)
    expect(slotA.scratchFrom).toBe(slotB.scratchFrom)
    expect(slotB.scratchFrom).toBeGreaterThan(slotB.at)
  })

  it('gives the numbers of a fresh pack when the backward pass finds its forward image', async () => {
    const x = random([1, 3, 40, 36], 4)
    const y = random([1, 8, 40, 36], 5)
    await runner.forward(x, w1, null, first, 'f64', { imageSlot: slotA })
    await runner.forward(y, w2, null, second, 'f64', { imageSlot: slotB })
    const kept = await runner.backward(x, w1, gradOutput, first, 'f64', {}, { imageSlot: slotA })
    expect(kept).toEqual(await packed(x))
  })

  it('packs again after a plain run wrote over the slots, even for the same array with new values', async () => {
    const x = random([1, 3, 40, 36], 6)
    await runner.forward(x, w1, null, first, 'f64', { imageSlot: slotA })
    x.set(random([1, 3, 40, 36], 7))
    // a plain run between: the slots are gone, the backward pass packs the changed x
    await runner.forward(random([1, 3, 80, 80], 8), w1, null, convGeometry([1, 3, 80, 80], [8, 3, 3, 3], options, 8), 'f64')
    const after = await runner.backward(x, w1, gradOutput, first, 'f64', {}, { imageSlot: slotA })
    expect(after).toEqual(await packed(x))
  })

  it('packs again after a forward pass put another x in the slot', async () => {
    const x = random([1, 3, 40, 36], 9)
    const other = random([1, 3, 40, 36], 10)
    await runner.forward(x, w1, null, first, 'f64', { imageSlot: slotA })
    await runner.forward(other, w1, null, first, 'f64', { imageSlot: slotA })
    const after = await runner.backward(x, w1, gradOutput, first, 'f64', {}, { imageSlot: slotA })
    expect(after).toEqual(await packed(x))
  })
})
