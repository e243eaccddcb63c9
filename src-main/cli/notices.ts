// A reader's notice (a skipped CSV header, 16-bit image values, dropped transparency) as one CLI line.

import { formatMessage, type Language, type Notice } from '../../core'

export function noticeLine(notice: Notice, language: Language): string {
  return `${language === 'es' ? 'nota' : 'note'}: ${formatMessage(notice.code, notice.params, language)}`
}
