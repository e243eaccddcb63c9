import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import KernelEditor from '../../src-renderer/src/components/KernelEditor.svelte'

function setup(paintValue: number | null = null) {
  const onchange = vi.fn()
  render(KernelEditor, {
    props: {
      values: [1, 2, 3, 4, 5, 6],
      height: 2,
      width: 3,
      label: 'kernel slice',
      cellLabel: (a: number, b: number) => `w[0, 0, ${a}, ${b}]`,
      invalidText: (text: string) => `"${text}" is not a number`,
      paintValue,
      onchange,
    },
  })
  const cell = (a: number, b: number) => screen.getByLabelText(`w[0, 0, ${a}, ${b}]`) as HTMLInputElement
  return { onchange, cell }
}

describe('kernel editor', () => {
  it('shows the slice row by row and commits a typed number at once', async () => {
    const { onchange, cell } = setup()
    expect(screen.getByRole('grid', { name: 'kernel slice' })).toBeTruthy()
    expect(cell(1, 2).value).toBe('6')
    await fireEvent.input(cell(0, 1), { target: { value: '-0,25' } })
    expect(onchange).toHaveBeenLastCalledWith(0, 1, -0.25)
  })

  it('refuses text that is not a number, says so, and changes nothing', async () => {
    const { onchange, cell } = setup()
    await fireEvent.input(cell(1, 0), { target: { value: 'abc' } })
    expect(onchange).not.toHaveBeenCalled()
    expect(screen.getByRole('alert').textContent).toContain('"abc" is not a number')
    expect(cell(1, 0).getAttribute('aria-invalid')).toBe('true')
  })

  it('moves with the arrow keys and goes down with Enter', async () => {
    const { cell } = setup()
    cell(0, 0).focus()
    await fireEvent.keyDown(cell(0, 0), { key: 'ArrowRight' })
    expect(document.activeElement).toBe(cell(0, 1))
    await fireEvent.keyDown(cell(0, 1), { key: 'Enter' })
    expect(document.activeElement).toBe(cell(1, 1))
    await fireEvent.keyDown(cell(1, 1), { key: 'ArrowDown' })
    expect(document.activeElement).toBe(cell(1, 1))
    await fireEvent.keyDown(cell(1, 1), { key: 'ArrowUp' })
    expect(document.activeElement).toBe(cell(0, 1))
  })

  it('paints one value into every cell the pointer crosses while pressed', async () => {
    const { onchange, cell } = setup(9)
    await fireEvent.pointerDown(cell(0, 0).parentElement!)
    await fireEvent.pointerEnter(cell(0, 1).parentElement!)
    await fireEvent.pointerUp(cell(0, 1).parentElement!)
    await fireEvent.pointerEnter(cell(0, 2).parentElement!)
    expect(onchange.mock.calls).toEqual([
      [0, 0, 9],
      [0, 1, 9],
    ])
  })
})
