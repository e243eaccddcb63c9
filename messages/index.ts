// The words of core's codes in English and Spanish, shared by the UI (src-renderer) and the
// CLI, engine logs and browser-mode server (src-main). core, contract and frames never import it.

export { formatMessage, hasMessage, messageOf } from './format'
export { ERROR_TEMPLATES, type Template } from './error-templates'
export { STACK_PRESETS, type StackPreset } from './stack-presets'
export { MAX_POOL_TIES_NOTE, formatGradcheck, formatLayerGradcheck, formatStackGradcheck } from './gradcheck-report'
