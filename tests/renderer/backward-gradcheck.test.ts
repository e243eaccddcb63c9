// The gradient check panel: what it asks the engine for, progress and cancel while it runs, and
// the seed-style report for a success, a failure and a cancel.

import { describe, expect, it } from 'vitest'
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import GradcheckPanel from '../../src-renderer/src/components/backward/GradcheckPanel.svelte'
import { AppState } from '../../src-renderer/src/lib/state/app-state.svelte'
import { appStateContext } from '../../src-renderer/src/lib/state/context'
import { fakeTransport, type FakeTransport } from '../../src-renderer/src/lib/dev/fake-transport'
import type { GradcheckReport } from '../../core/gradcheck'
import { gradcheck } from '../../core/gradcheck'
import type { GradcheckRequest } from '../../contract'

/** The in-page transport with a gradcheck that waits until `finish` is called. */
function checking(report: (request: GradcheckRequest) => GradcheckReport) {
  const transport: FakeTransport = fakeTransport()
  const requests: unknown[] = []
  let finish: () => void = () => {}
  const invoke = transport.invoke.bind(transport)
  transport.invoke = (async (method: string, request: unknown) => {
    requests.push({ method, request })
    if (method === 'gradcheck') {
      await new Promise<void>((resolve) => (finish = resolve))
      return { ok: true, value: report(request as GradcheckRequest) }
    }
    if (method === 'cancel') return { ok: true, value: undefined }
    return invoke(method as never, request as never)
  }) as FakeTransport['invoke']
  return { transport, requests, finish: () => finish() }
}

describe('gradient check panel', () => {
  it("asks for the current setting and shows the seed's SUCCESS line from core's check", async () => {
    const { transport, requests, finish } = checking((request) => gradcheck(request))
    const state = new AppState(transport)
    const app = state.explorer
    render(GradcheckPanel, { context: appStateContext(state) })
    await fireEvent.input(screen.getByLabelText('Samples'), { target: { value: '3' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Check gradients' }))
    transport.emit({ type: 'progress', task: 'gradcheck', done: 2, total: 3 })
    await waitFor(() => expect(screen.getByText('sample 2 of 3')).toBeTruthy())
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeTruthy()
    finish()
    // x (1,1,7,7) and w (1,1,3,3) with a bias: 49 + 9 + 1 = 59 per sample.
    await waitFor(() => expect(screen.getByTestId('gradcheck-report').textContent).toContain('SUCCESS 177 partial derivatives checked (3 random input samples)'))
    expect(requests.find((r) => (r as { method: string }).method === 'gradcheck')).toEqual({
      method: 'gradcheck',
      request: { inputShape: [1, 1, 7, 7], outChannels: 1, kernelSize: [3, 3], options: app.options, bias: true, samples: 3, tolerance: 1e-5, seed: 123 },
    })
  })

  it('shows a failure with the worst element and its relative error', async () => {
    const failed: GradcheckReport = {
      passed: false,
      checked: 590,
      samples: 10,
      failures: 4,
      tolerance: 1e-5,
      worst: { sample: 3, parameter: 'weight', index: [0, 0, 1, 2], numeric: 1.5, analytic: 0.5, relativeError: 0.5 },
      cancelled: false,
    }
    const { transport, finish } = checking(() => failed)
    render(GradcheckPanel, { context: appStateContext(new AppState(transport)) })
    await fireEvent.click(screen.getByRole('button', { name: 'Check gradients' }))
    finish()
    await waitFor(() => expect(screen.getByTestId('gradcheck-report')).toBeTruthy())
    const text = screen.getByTestId('gradcheck-report').textContent
    expect(text).toContain('FAILED: 4 of 590 partial derivatives are off by more than 0.00001')
    expect(text).toContain('worst element: dw[0, 0, 1, 2] of sample 3: numeric 1.5, analytic 0.5, relative error 5.00e-1')
  })

  it('cancels through the engine and says how far it got', async () => {
    const { transport, requests, finish } = checking(() => ({ passed: true, checked: 118, samples: 2, failures: 0, tolerance: 1e-5, worst: null, cancelled: true }))
    const state = new AppState(transport, { language: 'es' })
    render(GradcheckPanel, { context: appStateContext(state) })
    await fireEvent.click(screen.getByRole('button', { name: 'Comprobar gradientes' }))
    await fireEvent.click(screen.getByRole('button', { name: 'Cancelar' }))
    expect(requests).toContainEqual({ method: 'cancel', request: 'gradcheck' })
    finish()
    await waitFor(() => expect(screen.getByTestId('gradcheck-report').textContent).toContain('Cancelado: 118 derivadas parciales comprobadas antes de cancelar'))
  })
})
