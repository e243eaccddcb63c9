// The gradient check panel: the engine checks its gradients on the current input, kernel, bias
// and dE/dy (every element of small tensors, a stated number of random ones of large tensors),
// with progress and cancel, and the report for a success (with the counts), a failure and a cancel.

import { afterEach, describe, expect, it } from 'vitest'
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte'
import GradcheckPanel from '../../src-renderer/src/components/backward/GradcheckPanel.svelte'
import type { GradientCheckReport, GradientCheckRequest } from '../../contract'
import { testState, until } from '../support/engine-transport'

let stops: (() => void)[] = []
afterEach(() => {
  for (const stop of stops) stop()
  stops = []
})

/** The app state on the engine; `hold` makes checkGradients wait for `finish` and answer `report`. */
function mounted(options: { language?: 'en' | 'es'; report?: (request: GradientCheckRequest) => GradientCheckReport } = {}) {
  const made = testState({ language: options.language ?? 'en' })
  stops.push(made.stop)
  const requests: { method: string; request: unknown }[] = []
  let finish: () => void = () => {}
  const invoke = made.transport.invoke.bind(made.transport)
  made.transport.invoke = (async (method: string, request: unknown) => {
    requests.push({ method, request })
    if (method === 'checkGradients' && options.report) {
      await new Promise<void>((resolve) => (finish = resolve))
      return { ok: true, value: options.report(request as GradientCheckRequest) }
    }
    return invoke(method as never, request as never)
  }) as typeof made.transport.invoke
  render(GradcheckPanel, { context: made.context })
  return { ...made, requests, finish: () => finish() }
}

describe('gradient check panel', () => {
  it('checks every element of a small setting in the engine and says SUCCESS with the counts', async () => {
    const { state, requests } = mounted()
    await until(() => state.explorer.shown !== null)
    await fireEvent.click(screen.getByRole('button', { name: 'Check gradients' }))
    // x (1,1,7,7), w (1,1,3,3) and a bias: 49 + 9 + 1 partial derivatives.
    await waitFor(() => expect(screen.getByTestId('gradcheck-report').textContent).toContain('SUCCESS 59 partial derivatives checked'), { timeout: 10_000 })
    expect(screen.getByTestId('gradcheck-counts').textContent).toBe('49 of 49 elements of x, 9 of 9 of w, 1 of 1 of b')
    const request = requests.find((r) => r.method === 'checkGradients')!.request as GradientCheckRequest
    expect([request.elements, request.tolerance, request.gradOutput]).toEqual([200, 1e-5, { kind: 'ones' }])
  })

  it('checks a stated number of random elements of a large input', async () => {
    const { state } = mounted()
    state.explorer.setInput({ shape: [1, 1, 64, 64], data: Float64Array.from({ length: 4096 }, (_, k) => Math.sin(k)) }, { kind: 'drawn' })
    await until(() => state.explorer.shown?.result.geometry.inH === 64)
    await fireEvent.input(screen.getByLabelText('Elements of x and of w'), { target: { value: '30' } })
    await fireEvent.click(screen.getByRole('button', { name: 'Check gradients' }))
    await waitFor(() => expect(screen.getByTestId('gradcheck-report').textContent).toContain('SUCCESS 40 partial derivatives checked'), { timeout: 10_000 })
    expect(screen.getByTestId('gradcheck-counts').textContent).toBe('30 of 4096 elements of x, 9 of 9 of w, 1 of 1 of b')
  })

  it('shows a failure with the worst element and its relative error', async () => {
    const failed: GradientCheckReport = {
      passed: false,
      cancelled: false,
      tolerance: 1e-5,
      checked: 59,
      failures: 4,
      counts: { input: { checked: 49, total: 49 }, weight: { checked: 9, total: 9 }, bias: { checked: 1, total: 1 } },
      worst: { parameter: 'weight', index: [0, 0, 1, 2], numeric: 1.5, analytic: 0.5, relativeError: 0.5 },
    }
    const { finish, requests } = mounted({ report: () => failed })
    await fireEvent.click(screen.getByRole('button', { name: 'Check gradients' }))
    await until(() => requests.some((r) => r.method === 'checkGradients'))
    finish()
    await waitFor(() => expect(screen.getByTestId('gradcheck-report')).toBeTruthy())
    const text = screen.getByTestId('gradcheck-report').textContent
    expect(text).toContain('FAILED: 4 of 59 partial derivatives are off by more than 0.00001')
    expect(text).toContain('worst element: dw[0, 0, 1, 2]: numeric 1.5, analytic 0.5, relative error 5.00e-1')
  })

  it('shows progress, cancels through the engine and says how far it got', async () => {
    const cancelled: GradientCheckReport = {
      passed: true,
      cancelled: true,
      tolerance: 1e-5,
      checked: 20,
      failures: 0,
      counts: { input: { checked: 20, total: 49 }, weight: { checked: 0, total: 9 }, bias: { checked: 0, total: 1 } },
      worst: null,
    }
    const { transport, requests, finish } = mounted({ language: 'es', report: () => cancelled })
    await fireEvent.click(screen.getByRole('button', { name: 'Comprobar gradientes' }))
    await until(() => requests.some((r) => r.method === 'checkGradients'))
    transport.emit({ type: 'progress', task: 'gradcheck', done: 20, total: 59 })
    await waitFor(() => expect(screen.getByText('elemento 20 de 59')).toBeTruthy())
    await fireEvent.click(screen.getByRole('button', { name: 'Cancelar' }))
    expect(requests).toContainEqual({ method: 'cancel', request: 'gradcheck' })
    finish()
    await waitFor(() => expect(screen.getByTestId('gradcheck-report').textContent).toContain('Cancelado: 20 derivadas parciales comprobadas antes de cancelar'))
  })
})
