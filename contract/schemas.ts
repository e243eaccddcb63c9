// zod schemas for every request of the contract: main validates each payload with these
// before anything touches it (shapes, sizes, ranges), so a bad payload is an error result.

import { ConvolabError } from '../core/errors'
import { computeSchemas } from './compute-schemas'
import { documentSchemas } from './document-schemas'
import { stackSchemas } from './layer-schemas'
import type { EngineMethods, MethodName, RequestOf, RequestSchemas } from './methods'

export { absolutePathSchema, settingSchemas } from './document-schemas'

/** One schema per method, gathered from each concern's table. */
export const requestSchemas: RequestSchemas<EngineMethods> = { ...computeSchemas, ...documentSchemas, ...stackSchemas }

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value)
}

/** The validated request, or a ConvolabError 'bad-request' naming the first problem. */
export function parseRequest<M extends MethodName>(method: M, payload: unknown): RequestOf<M> {
  const schema: RequestSchemas<EngineMethods>[M] = requestSchemas[method]
  const parsed = schema.safeParse(payload)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue.path.length ? issue.path.join('.') : 'payload'
    throw new ConvolabError('bad-request', { detail: `${method}: ${where}: ${issue.message}` })
  }
  return parsed.data
}

/** A method name from the outside, or a ConvolabError 'bad-request'. */
export function methodName(method: unknown): MethodName {
  if (!isMethodName(method)) {
    throw new ConvolabError('bad-request', { detail: `unknown method ${JSON.stringify(String(method)).slice(0, 80)}` })
  }
  return method
}
