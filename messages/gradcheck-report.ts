// The seed's one-line report of a gradient check (SUCCESS or FAILURE, the count, the worst
// element), in English or Spanish, for the CLI; core's checks return the numbers only.

import type { Language } from '../core/errors'
import type { GradcheckReport } from '../core/gradcheck'
import type { StackGradcheckReport } from '../core/stack-gradcheck'

/** The seed's one-line report. */
export function formatGradcheck(report: GradcheckReport, language: Language = 'en'): string {
  if (report.passed) {
    return language === 'es'
      ? `SUCCESS ${report.checked} derivadas parciales comprobadas (${report.samples} muestras aleatorias de entrada)`
      : `SUCCESS ${report.checked} partial derivatives checked (${report.samples} random input samples)`
  }
  const w = report.worst
  const where = w ? `${w.parameter}[${w.index.join(',')}]` : '?'
  const detail = w ? `numeric ${w.numeric.toPrecision(8)}, analytic ${w.analytic.toPrecision(8)}, relative error ${w.relativeError.toExponential(2)}` : ''
  if (language === 'es') {
    return `ERROR ${report.failures} de ${report.checked} derivadas parciales superan la tolerancia ${report.tolerance}; la peor: ${where} (${detail.replace('numeric', 'numérica').replace('analytic', 'analítica').replace('relative error', 'error relativo')})`
  }
  return `FAILURE ${report.failures} of ${report.checked} partial derivatives exceed the tolerance ${report.tolerance}; worst: ${where} (${detail})`
}

/** Why the max-pool check draws inputs without ties, in the report's language. */
export const MAX_POOL_TIES_NOTE = {
  en:
    'Inputs were drawn without ties (each window’s largest value more than 2h above the next): at a tie the maximum has no ' +
    'derivative; a central difference would split the gradient between the tied cells, while PyTorch and Convolab send it ' +
    'all to the first maximum.',
  es:
    'Las entradas se sortearon sin empates (el mayor valor de cada ventana supera al siguiente en más de 2h): en un empate ' +
    'el máximo no tiene derivada; una diferencia central repartiría el gradiente entre las celdas empatadas, mientras que ' +
    'PyTorch y Convolab lo envían entero al primer máximo.',
}

/** The seed's one-line report, with the max-pool's note on ties on a second line. */
export function formatLayerGradcheck(report: GradcheckReport, layer: string, language: Language = 'en'): string {
  const line = formatGradcheck(report, language)
  return layer === 'max-pool2d' ? `${line}\n${MAX_POOL_TIES_NOTE[language]}` : line
}

/** The seed's one-line report; a failure names the layer of the worst element. */
export function formatStackGradcheck(report: StackGradcheckReport, language: Language = 'en'): string {
  const text = formatGradcheck(report, language)
  if (report.passed || report.worstLayer === null || !report.worst) return text
  const where = `${report.worst.parameter}[${report.worst.index.join(',')}]`
  const layer = language === 'es' ? `capa ${report.worstLayer} ${where}` : `layer ${report.worstLayer} ${where}`
  return text.replace(where, layer)
}
