// Each handler call of npm start runs as its own Lambda invocation, in Lambda's invoke store: with
// AWS_LAMBDA_MAX_CONCURRENCY set (Lambda's multi-concurrency mode; bin/local.ts sets it), Powertools keeps a
// logger's appended keys, and their reset, per invocation there. Every function shares one process and one
// logger here; without it one invocation's correlation keys would land on another's lines, and its reset would
// strip them from the other.
import { randomUUID } from 'node:crypto';
import { InvokeStore } from '@aws/lambda-invoke-store';

export async function asInvocation<T>(fn: () => Promise<T>): Promise<T> {
  const store = await InvokeStore.getInstanceAsync(true);
  return store.run({ [Symbol.for('_AWS_LAMBDA_REQUEST_ID')]: randomUUID() }, fn);
}
