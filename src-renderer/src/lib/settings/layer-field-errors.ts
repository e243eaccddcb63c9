// Which control of a ConvTranspose2d or pool setting a failed check is about, and what to say
// next to it: core's own reason (English or Spanish), or the valid groups where there are few.

import type { Language } from '../../../../core/errors'
import { formatMessage } from '../../../../messages'
import { translate } from '../i18n'
import type { CheckError } from './field-errors'
import { commonDivisors } from './field-errors'

export type LayerField = 'kernelSize' | 'stride' | 'padding' | 'outputPadding' | 'outputSize' | 'dilation' | 'groups' | 'divisor'

/** Core's names of the options in its 'not-positive-int' and 'too-large' messages, to our fields. */
const NAMED: Record<string, LayerField> = {
  'kernel size': 'kernelSize',
  stride: 'stride',
  padding: 'padding',
  'output padding': 'outputPadding',
  'output height': 'outputSize',
  'output width': 'outputSize',
  dilation: 'dilation',
  groups: 'groups',
  'divisor override': 'divisor',
}

/** The message for each field the error is about (empty when it is about none in particular: the panel says it once). */
export function layerFieldErrors(error: CheckError | null, inputChannels: number, language: Language): Partial<Record<LayerField, string>> {
  if (!error) return {}
  const core = formatMessage(error.code, error.params, language)
  switch (error.code) {
    case 'output-padding-too-large':
      return { outputPadding: core }
    case 'output-size-range':
    case 'output-size-and-padding':
      return { outputSize: core }
    case 'transposed-output-too-small':
      return { padding: core }
    case 'pool-padding':
      return { padding: core }
    case 'pool-output-too-small':
      return { kernelSize: core }
    case 'divisor-zero':
      return { divisor: core }
    case 'groups-divide-in':
    case 'input-channels': {
      const valid = commonDivisors(inputChannels, inputChannels)
      return { groups: translate(language, 'family.groupsValid', { values: valid.join(', '), input: inputChannels }) }
    }
    case 'not-positive-int':
    case 'too-large': {
      const field = NAMED[String(error.params.name)]
      return field ? { [field]: core } : {}
    }
    default:
      return {}
  }
}
