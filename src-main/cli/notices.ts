// A reader's notice (a skipped CSV header, 16-bit image values, dropped transparency) as one CLI line.

import type { Language, Notice } from '../../core'
import { formatMessage } from '../../messages'

export function noticeLine(notice: Notice, language: Language): string {
  return `${language === 'es' ? 'nota' : 'note'}: ${formatMessage(notice.code, notice.params, language)}`
}
