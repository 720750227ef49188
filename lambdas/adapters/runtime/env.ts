// Environment is read once, at module load of the handler, so a misconfigured function fails on its first
// cold start with the variable's name instead of deep inside a request.
import { tables, type TableName } from '../../../lib/resources.js';

export class MissingEnvironment extends Error {
  override readonly name = 'MissingEnvironment';
}

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') {
    throw new MissingEnvironment(`environment variable ${name} is not set`);
  }
  return value;
}

export function optionalEnv(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** A whole number from 0 to `max` in `name`; 0 when unset. Anything else fails the cold start with the name. */
export function wholeNumberFromEnv(name: string, max: number, env: NodeJS.ProcessEnv = process.env): number {
  const text = env[name]?.trim();
  if (!text) return 0;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`${name} must be a whole number from 0 to ${max}, got "${text}"`);
  return n;
}

/** The physical name of a table of resources.ts, from the variable the stack (or local runner) sets. */
export function tableNameFromEnv(table: TableName, env: NodeJS.ProcessEnv = process.env): string {
  return requireEnv(tables[table].envVar, env);
}
