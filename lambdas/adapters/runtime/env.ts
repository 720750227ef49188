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

/** The physical name of a table of resources.ts, from the variable the stack (or local runner) sets. */
export function tableNameFromEnv(table: TableName, env: NodeJS.ProcessEnv = process.env): string {
  return requireEnv(tables[table].envVar, env);
}
