// Which setting a failed check is about, and what to say next to that field: the valid values
// where there are few ("groups ∈ {1, 3}"), or the core's own reason. Fields that are simply not
// whole numbers in range are marked by the stepper itself.

import type { Language } from '../../../../core/errors'
import { formatMessage } from '../../../../messages'
import { translate } from '../i18n'

export type SettingField = 'stride' | 'padding' | 'dilation' | 'groups'

export interface CheckError {
  code: string
  params: Record<string, string | number>
}

/** The whole numbers from 1 to n that divide both a and b. */
export function commonDivisors(a: number, b: number): number[] {
  const found: number[] = []
  for (let d = 1; d <= Math.min(a, b); d++) if (a % d === 0 && b % d === 0) found.push(d)
  return found
}

/** The message for each field the error is about (empty when it is about none in particular). */
export function fieldErrors(error: CheckError | null, channels: { input: number; output: number }, language: Language): Partial<Record<SettingField, string>> {
  if (!error) return {}
  const core = () => formatMessage(error.code, error.params, language)
  switch (error.code) {
    case 'groups-divide-in':
    case 'groups-divide-out':
    case 'weight-channels': {
      const valid = commonDivisors(channels.input, channels.output)
      return { groups: translate(language, 'field.groupsValid', { values: valid.join(', '), input: channels.input, output: channels.output }) }
    }
    case 'same-stride':
      return { stride: core(), padding: core() }
    case 'kernel-too-large':
      return { dilation: core(), padding: core() }
    case 'reflect-padding':
    case 'circular-padding':
    case 'negative-padding':
      return { padding: core() }
    default:
      return {}
  }
}
