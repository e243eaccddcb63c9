// The export dialog: the number of frames follows the animation and its step size, bad sizes
// and ranges are said before anything runs, focus goes in and Escape closes.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/svelte'
import ExportDialog from '../../src-renderer/src/components/export/ExportDialog.svelte'
import { checkFramesRequest } from '../../src-renderer/src/lib/animation/export-frames'
import { testState, until } from '../support/engine-transport'

let stops: (() => void)[] = []
beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null)
})
afterEach(() => {
  vi.restoreAllMocks()
  for (const stop of stops) stop()
  stops = []
})

/** The dialog open (as File ▸ Export opens it) once the stage has the engine's values. */
async function open() {
  const { state, context, stop } = testState()
  stops.push(stop)
  state.view.exporting = true
  await until(() => state.stage.source !== null && state.explorer.shown?.result.gradOutput !== undefined)
  const onclose = vi.fn()
  render(ExportDialog, { props: { onclose }, context })
  return { onclose, count: () => screen.getByTestId('export-count').textContent }
}

describe('export dialog', () => {
  it('counts one frame per step of the chosen animation and step size', async () => {
    const { count } = await open()
    // 7×7 drawing, 3×3 kernel: 25 output cells, 5 rows, 1 channel; the padded input 7×7; the kernel 3×3;
    // each with the empty start (step 0) first.
    expect(count()).toBe('26 frames')
    await fireEvent.change(screen.getByLabelText('One step is'), { target: { value: 'row' } })
    expect(count()).toBe('6 frames')
    await fireEvent.change(screen.getByLabelText('Animation'), { target: { value: 'backward-input' } })
    expect(count()).toBe('8 frames')
    await fireEvent.change(screen.getByLabelText('One step is'), { target: { value: 'cell' } })
    await fireEvent.change(screen.getByLabelText('Animation'), { target: { value: 'backward-weight' } })
    expect(count()).toBe('10 frames')
    await fireEvent.input(screen.getByLabelText('From step (0 = start)'), { target: { value: '4' } })
    expect(count()).toBe('6 frames')
  })

  it('says what is wrong with a size, a rate or a range, and offers no export', async () => {
    const { count } = await open()
    await fireEvent.input(screen.getByLabelText('Width (px)'), { target: { value: '8' } })
    expect(count()).toBe('The frame size must be whole pixels from 16 to 8192, the frame rate from 1 to 50, and the steps within 0 to 25.')
    expect((screen.getByRole('button', { name: 'Export the frames' }) as HTMLButtonElement).disabled).toBe(true)
    expect(checkFramesRequest({ size: { width: 640, height: 360 }, fps: 4, from: 3, to: 2 }, 25)).toBe(false)
    expect(checkFramesRequest({ size: { width: 640, height: 360 }, fps: 51, from: 1, to: 2 }, 25)).toBe(false)
    expect(checkFramesRequest({ size: { width: 640, height: 360 }, fps: 4, from: 0, to: 25 }, 25)).toBe(true)
    expect(checkFramesRequest({ size: { width: 640, height: 360 }, fps: 4, from: -1, to: 25 }, 25)).toBe(false)
  })

  it('starts on "GIF for slides": a GIF at 960×540; a preset sets format and size, and other values read "Custom"', async () => {
    await open()
    const preset = screen.getByTestId('export-preset') as HTMLSelectElement
    const format = screen.getByTestId('export-format') as HTMLSelectElement
    expect([preset.value, format.value]).toEqual(['slides', 'gif'])
    expect([(screen.getByLabelText('Width (px)') as HTMLInputElement).value, (screen.getByLabelText('Height (px)') as HTMLInputElement).value]).toEqual([
      '960',
      '540',
    ])
    await fireEvent.change(format, { target: { value: 'png' } })
    expect(preset.value).toBe('custom')
    await fireEvent.change(preset, { target: { value: 'slides' } })
    expect([preset.value, format.value]).toEqual(['slides', 'gif'])
    // No WebCodecs in this test's DOM: the video formats are offered as not encoded here.
    expect((format.querySelector('option[value="webm"]') as HTMLOptionElement).disabled).toBe(true)
    expect(format.querySelector('option[value="mp4"]')?.textContent).toBe('MP4 video (H.264) (not encoded here)')
  })

  it('takes the focus and closes with Escape', async () => {
    const { onclose } = await open()
    const dialog = screen.getByRole('dialog', { name: 'Export' })
    expect(document.activeElement).toBe(dialog)
    await fireEvent.keyDown(dialog, { key: 'Escape' })
    expect(onclose).toHaveBeenCalledOnce()
  })
})
