// The type of every exported Lambda handler. Lambda passes a context; the local runner and tests call handlers
// with the event alone, as they always have.
import type { MiddyfiedHandler } from '@middy/core';
import type { Context } from 'aws-lambda';

export type LambdaEntry<E, R> = (event: E, context?: Context) => Promise<R>;

/**
 * A middy chain, typed as it behaves: middy defaults a missing context to `{}` (so a line logged then has no
 * function name or request id), while its declared type insists on a context and an options object.
 */
export function lambdaEntry<E, R>(chain: MiddyfiedHandler<E, R, Error, any, any>): LambdaEntry<E, R> {
  return chain as unknown as LambdaEntry<E, R>;
}
