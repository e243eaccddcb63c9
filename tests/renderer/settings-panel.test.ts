import { describe, expect, it } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import { flushSync } from 'svelte'
import SettingsPanel from '../../src-renderer/src/components/SettingsPanel.svelte'
import ErrorMessage from '../../src-renderer/src/components/ErrorMessage.svelte'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'

describe('settings panel', () => {
  it('shows the output shape with the numbers in the formula', () => {
    const app = new Explorer(fakeTransport())
    render(SettingsPanel, { props: { app } })
    expect(screen.getByTestId('output-shape').textContent).toBe('Output shape y: (1, 1, 5, 5)')
    expect(screen.getByText('H_out = ⌊(7 + 2·0 − 1·(3−1) − 1) / 1⌋ + 1 = 5')).toBeTruthy()
  })

  it('updates the shape live for stride 2 and padding 1', async () => {
    const app = new Explorer(fakeTransport())
    render(SettingsPanel, { props: { app } })
    await fireEvent.input(screen.getByLabelText('Stride (paso), rows (H)'), { target: { value: '2' } })
    await fireEvent.input(screen.getByLabelText('Stride (paso), columns (W)'), { target: { value: '2' } })
    await fireEvent.input(screen.getByLabelText('Padding (relleno), rows (H)'), { target: { value: '1' } })
    await fireEvent.input(screen.getByLabelText('Padding (relleno), columns (W)'), { target: { value: '1' } })
    expect(screen.getByTestId('output-shape').textContent).toBe('Output shape y: (1, 1, 4, 4)')
    expect(screen.getByText('W_out = ⌊(7 + 2·1 − 1·(3−1) − 1) / 2⌋ + 1 = 4')).toBeTruthy()
  })

  it("explains an invalid combination with the core's message in Spanish instead of a shape", async () => {
    const app = new Explorer(fakeTransport())
    app.language = 'es'
    render(SettingsPanel, { props: { app } })
    await fireEvent.change(screen.getByLabelText('Tipo de relleno'), { target: { value: 'same' } })
    await fireEvent.input(screen.getByLabelText('Paso (stride), filas (H)'), { target: { value: '2' } })
    expect(screen.queryByTestId('output-shape')).toBeNull()
    expect(screen.getByRole('alert').textContent).toContain("el relleno 'same' necesita paso 1 (se recibió paso 2)")
    app.language = 'en'
    flushSync()
    expect(screen.getByRole('alert').textContent).toContain("padding 'same' needs stride 1 (got stride 2)")
  })

  it('explains a kernel larger than the padded input', async () => {
    const app = new Explorer(fakeTransport())
    render(SettingsPanel, { props: { app } })
    await fireEvent.input(screen.getByLabelText('Dilation (dilatación), rows (H)'), { target: { value: '4' } })
    expect(screen.getByRole('alert').textContent).toContain('the dilated kernel (9×3) is larger than the padded input (7×7)')
  })
})

describe('error display', () => {
  it('translates a core code with its values', () => {
    render(ErrorMessage, { props: { code: 'image-decode', params: { name: 'bad.png', detail: 'truncated' }, language: 'es' } })
    expect(screen.getByRole('alert').textContent).toContain('bad.png no es una imagen legible (PNG, JPEG, WebP, GIF, BMP): truncated')
  })

  it("falls back to the engine's English text for a code it does not know", () => {
    render(ErrorMessage, { props: { code: 'brand-new', params: {}, message: 'something new happened', language: 'es' } })
    expect(screen.getByRole('alert').textContent).toContain('Algo salió mal: something new happened')
  })

  it("says in the user's language when a loaded kernel's shape does not fit", () => {
    render(ErrorMessage, { props: { code: 'kernel-shape', params: { shape: '(5,)' }, language: 'en' } })
    expect(screen.getByRole('alert').textContent).toContain('A kernel of shape (5,) does not fit')
  })
})
