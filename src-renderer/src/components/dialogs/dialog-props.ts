// The props every help dialog takes: whether it is open (bindable) and the user's language.
import type { Language } from '../../../../core/errors'

export interface DialogProps {
  open: boolean
  language: Language
}
