// CDK context parameters (`-c name=value`), read and checked in one way everywhere: an empty value is unset,
// and a value that cannot work fails synth with the parameter's name rather than deploying something wrong.
import type { IConstruct } from 'constructs';

/** The parameter as a trimmed string, or undefined when unset or empty. */
export function contextString(scope: IConstruct, name: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(name);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value).trim();
}

/** A whole number within [min, max], or `fallback` when unset. */
export function contextInt(scope: IConstruct, name: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  const text = contextString(scope, name);
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    const unbounded = max === Number.MAX_SAFE_INTEGER;
    const range = unbounded ? (min === 1 ? 'a positive integer' : `a whole number of at least ${min}`) : `a whole number from ${min} to ${max}`;
    throw new Error(`context ${name} must be ${range}, got "${text}"`);
  }
  return n;
}

/** One of `choices`, or `fallback` when unset. */
export function contextChoice<T extends string>(scope: IConstruct, name: string, choices: readonly T[], fallback: T): T {
  const text = contextString(scope, name);
  if (text === undefined) return fallback;
  if (!(choices as readonly string[]).includes(text)) throw new Error(`context ${name} must be one of ${choices.join(', ')}, got "${text}"`);
  return text as T;
}
