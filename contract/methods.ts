// Every method the renderer can call, by name, with what it takes and answers; the typed table
// of handlers a host implements, and the one typed way to call into it.

import type { ComputeMethods } from './compute'
import type { DocumentMethods } from './documents'
import type { StackMethods } from './layers'
import type { z } from 'zod'
import type { Result } from './envelope'

/** One method: the request it takes and the value it answers. */
export interface Method<Request, Response> {
  request: Request
  response: Response
}

/** Every request the renderer can make, by method name (one interface per concern). */
export interface EngineMethods extends ComputeMethods, DocumentMethods, StackMethods {}

export type MethodName = keyof EngineMethods
export type RequestOf<M extends MethodName> = EngineMethods[M]['request']
export type ResponseOf<M extends MethodName> = EngineMethods[M]['response']

/** A host's implementation: one handler per method, each answering a Result. */
export type Handlers = { [M in MethodName]: (request: RequestOf<M>) => Promise<Result<ResponseOf<M>>> }

/** Calls the handler of `method` with its (already validated) request. */
export function dispatch<M extends MethodName>(handlers: Handlers, method: M, request: RequestOf<M>): Promise<Result<ResponseOf<M>>> {
  const handler: Handlers[M] = handlers[method]
  return handler(request)
}

/** One zod schema per method of a group: what main checks a request against (output = the request). */
export type RequestSchemas<Group extends { [M in keyof Group]: Method<unknown, unknown> }> = {
  [M in keyof Group]: z.ZodType<Group[M]['request'], unknown>
}
