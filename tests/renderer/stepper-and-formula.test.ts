import { describe, expect, it } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import { flushSync } from 'svelte'
import Stepper from '../../src-renderer/src/components/controls/Stepper.svelte'
import SettingsPanel from '../../src-renderer/src/components/SettingsPanel.svelte'
import OutputSizeFormula from '../../src-renderer/src/components/present/OutputSizeFormula.svelte'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { convGeometry } from '../../core/geometry'
import { textOf, outputSizeTerms } from '../../src-renderer/src/lib/settings/formula-terms'

describe('stepper', () => {
  it('marks a number out of range on the field, with the valid range next to it, in both languages', async () => {
    const seen: number[] = []
    const { rerender } = render(Stepper, { props: { label: 'Stride', value: 1, min: 1, max: 8, language: 'en', onvalue: (v: number) => seen.push(v) } })
    const box = screen.getByLabelText('Stride')
    expect(box.getAttribute('aria-invalid')).toBeNull()
    await fireEvent.input(box, { target: { value: '0' } })
    expect(box.getAttribute('aria-invalid')).toBe('true')
    const message = screen.getByTestId('field-message')
    expect(message.textContent).toBe('a whole number from 1 to 8')
    expect(box.getAttribute('aria-describedby')).toBe(message.id)
    expect(seen).toEqual([0])
    await rerender({ language: 'es' })
    expect(screen.getByTestId('field-message').textContent).toBe('un número entero de 1 a 8')
  })

  it('steps with − and + inside the range and clears the mark', async () => {
    let value = 2
    const view = render(Stepper, { props: { label: 'Dilation', value, min: 1, max: 3, language: 'en', onvalue: (v: number) => (value = v) } })
    await fireEvent.click(screen.getByTitle('Dilation: one more'))
    expect(value).toBe(3)
    await view.rerender({ value })
    expect((screen.getByTitle('Dilation: one more') as HTMLButtonElement).disabled).toBe(true)
    await fireEvent.input(screen.getByLabelText('Dilation'), { target: { value: '2.5' } })
    expect(screen.getByTestId('field-message').textContent).toBe('a whole number from 1 to 3')
    // − from 2.5 steps from the nearest whole number (3) to 2, a valid value: the mark goes
    await fireEvent.click(screen.getByTitle('Dilation: one less'))
    expect(value).toBe(2)
    await view.rerender({ value })
    expect(screen.queryByTestId('field-message')).toBeNull()
    expect(screen.getByLabelText('Dilation').getAttribute('aria-invalid')).toBeNull()
  })

  it("shows the caller's reason and a slider when asked", () => {
    render(Stepper, { props: { label: 'Groups', value: 2, min: 1, max: 3, slider: true, error: 'groups ∈ {1, 3}', language: 'en', onvalue: () => {} } })
    expect(screen.getByLabelText('Groups').getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByTestId('field-message').textContent).toBe('groups ∈ {1, 3}')
    expect((screen.getByTitle('Groups (slider)') as HTMLInputElement).value).toBe('2')
  })
})

describe('settings validation next to the field', () => {
  it('says which groups are valid for an RGB input with 3 filters', async () => {
    const app = new Explorer(fakeTransport())
    app.resizeDrawing([1, 3, 7, 7])
    app.setWeight({ shape: [3, 3, 3, 3], data: new Float64Array(81) })
    render(SettingsPanel, { props: { app } })
    await fireEvent.input(screen.getByLabelText('Groups (grupos)'), { target: { value: '2' } })
    const groups = screen.getByLabelText('Groups (grupos)')
    expect(groups.getAttribute('aria-invalid')).toBe('true')
    expect(document.getElementById(groups.getAttribute('aria-describedby')!)?.textContent).toBe(
      'groups ∈ {1, 3}: must divide the input channels (3) and the output channels (3)',
    )
    app.language = 'es'
    flushSync()
    expect(screen.getByLabelText('Grupos (groups)').getAttribute('aria-invalid')).toBe('true')
    expect(screen.getAllByTestId('field-message').map((m) => m.textContent)).toContain(
      'grupos ∈ {1, 3}: debe dividir los canales de entrada (3) y los de salida (3)',
    )
  })

  it("puts 'same' padding's stride rule on the stride that is not 1", async () => {
    const app = new Explorer(fakeTransport())
    render(SettingsPanel, { props: { app } })
    await fireEvent.change(screen.getByLabelText('Padding kind'), { target: { value: 'same' } })
    await fireEvent.input(screen.getByLabelText('Stride (paso), columns (W)'), { target: { value: '2' } })
    expect(screen.getByLabelText('Stride (paso), columns (W)').getAttribute('aria-invalid')).toBe('true')
    expect(screen.getByLabelText('Stride (paso), rows (H)').getAttribute('aria-invalid')).toBeNull()
    expect(screen.getAllByTestId('field-message')[0].textContent).toContain("padding 'same' needs stride 1")
  })
})

describe("Present mode's output-size formula", () => {
  it('writes H_out with symbols and with the numbers of the setting, each term coloured like its control', () => {
    // The example: H = 7, P = 1, D = 1, K = 3, S = 2 gives 4.
    const g = convGeometry([1, 1, 7, 7], [1, 1, 3, 3], { stride: 2, padding: 1 })
    render(OutputSizeFormula, { props: { geometry: g, axes: ['H'] } })
    const numbers = screen.getByTestId('formula-H-numbers')
    expect(numbers.textContent).toBe('⌊(7 + 2·1 − 1·2 − 1)/2⌋ + 1 = 4')
    expect(screen.getByTestId('formula-H').textContent).toContain('H_out = ⌊(H + 2P − D·(K−1) − 1)/S⌋ + 1')
    const coloured = (kind: string) => [...numbers.querySelectorAll(`.term.${kind}`)].map((e) => e.textContent)
    expect(coloured('input')).toEqual(['7'])
    expect(coloured('padding')).toEqual(['2·1'])
    expect(coloured('dilation')).toEqual(['1'])
    expect(coloured('kernel')).toEqual(['2'])
    expect(coloured('stride')).toEqual(['2'])
    expect(coloured('result')).toEqual(['4'])
  })

  it("agrees with the core's output size for uneven padding, dilation and both axes", () => {
    const g = convGeometry([1, 1, 9, 6], [1, 1, 3, 2], { stride: 1, padding: 'same', dilation: [2, 1] })
    // 'same' with an even kernel pads unevenly on W: written P₁+P₂.
    const w = outputSizeTerms(g, 'W')
    expect(textOf(w.symbols)).toBe('W_out = ⌊(W + P₁+P₂ − D·(K−1) − 1)/S⌋ + 1')
    for (const axis of ['H', 'W'] as const) {
      const text = textOf(outputSizeTerms(g, axis).numbers)
      const [, size, pads, d, k1, s, out] = /^⌊\((\d+) \+ (\S+) − (\d+)·(\d+) − 1\)\/(\d+)⌋ \+ 1 = (\d+)$/.exec(text)!
      const padSum = pads.startsWith('2·')
        ? 2 * Number(pads.slice(2))
        : pads
            .split('+')
            .map(Number)
            .reduce((a, b) => a + b)
      expect(Math.floor((Number(size) + padSum - Number(d) * Number(k1) - 1) / Number(s)) + 1).toBe(Number(out))
      expect(Number(out)).toBe(axis === 'H' ? g.outH : g.outW)
    }
  })
})

describe('kernel panel', () => {
  it('shows the active preset in the Preset menu, and "Your own kernel" once a cell is edited', async () => {
    const { default: KernelPanel } = await import('../../src-renderer/src/components/KernelPanel.svelte')
    const { setWeightCell } = await import('../../src-renderer/src/lib/kernels/weights')
    const app = new Explorer(fakeTransport())
    render(KernelPanel, { props: { app, onloadkernel: () => {} } })
    const menu = screen.getByLabelText('Preset') as HTMLSelectElement
    expect(menu.value).toBe('sobel-x')
    expect(menu.selectedOptions[0].textContent).toBe('Sobel x')
    app.setWeight(setWeightCell(app.weight, 0, 0, 1, 1, 5))
    flushSync()
    expect(menu.value).toBe('')
    expect(menu.selectedOptions[0].textContent).toBe('Your own kernel')
    await fireEvent.change(menu, { target: { value: 'laplacian' } })
    expect(menu.value).toBe('laplacian')
  })
})
