// A reader's notice (a skipped CSV header, an image's dropped transparency) reaches the page: the
// file loads and the notice is listed, shown as a note (role status, "Note"/"Nota"), not an error.

import { render, screen } from '@testing-library/svelte'
import { describe, expect, it } from 'vitest'
import ErrorMessage from '../../src-renderer/src/components/ErrorMessage.svelte'
import { fakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import { Explorer } from '../../src-renderer/src/lib/state/explorer.svelte'
import { loadFile } from '../../src-renderer/src/lib/state/files'

describe("readers' notices in the page", () => {
  it('a kernel file read with a notice is placed and its notice listed', async () => {
    const transport = fakeTransport()
    const header = { code: 'csv-header', params: { name: 'k.csv', line: 1, header: 'a;b;c' } }
    const invoke = transport.invoke.bind(transport)
    transport.invoke = (async (method: string, request: unknown) =>
      method === 'readTensorFile'
        ? { ok: true, value: { shape: [3, 3], data: Float64Array.from({ length: 9 }, (_, k) => k), notices: [header] } }
        : invoke(method as never, request as never)) as typeof transport.invoke
    const app = new Explorer(transport)
    await loadFile(app, 'k.csv', new Uint8Array(1))
    expect(Array.from(app.weight.data.subarray(0, 9))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    expect(app.notices.map((notice) => notice.code)).toEqual(['csv-header'])
  })

  it('is shown as a note in English and Spanish, an error as an alert', () => {
    const params = { name: 'photo.png' }
    const { unmount } = render(ErrorMessage, { code: 'image-alpha', params, language: 'es' })
    expect(screen.getByRole('status').textContent).toMatch(/^Nota: photo\.png tiene transparencia/)
    unmount()
    render(ErrorMessage, { code: 'image-16bit', params, language: 'en' })
    expect(screen.getByRole('status').textContent).toMatch(/^Note: photo\.png has 16 bits per sample/)
    render(ErrorMessage, { code: 'csv-empty', params: { name: 'k.csv' }, language: 'en' })
    expect(screen.getByRole('alert').textContent).toMatch(/^Error: k\.csv holds no numbers/)
  })
})
