// What every `wa` command does with its command line the same way: node:util parseArgs, a usage error
// (the reason, then the usage, on stderr: exit code 2), --help (the usage on stdout: exit code 0), and the
// admin API target flags (--local | --api <url> | --aws [--stack <name>]).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { DEFAULT_HOST, DEFAULT_PORT } from '../local/defaults.js';
import type { AdminOptions } from './admin-request.js';

/** A mistake in the command line: reported with the usage, exit code 2. */
export class UsageError extends Error {}

export function usageError(message: string, usage: string): 2 {
  console.error(`${message}\n\n${usage}`);
  return 2;
}

export type CommandArgs<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

/** The parsed command line, or the exit code when there is nothing more to do (a usage error, or --help). */
export function parseCommand<T extends ParseArgsConfig>(config: T, usage: string): CommandArgs<T> | number {
  let parsed: CommandArgs<T>;
  try {
    parsed = parseArgs(config);
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(usage);
    return 0;
  }
  return parsed;
}

/** The parseArgs options of the admin API target, for a command's option list. */
export const TARGET_OPTIONS = {
  local: { type: 'boolean' },
  api: { type: 'string' },
  aws: { type: 'boolean' },
  stack: { type: 'string' },
} as const;

export interface TargetFlags {
  local?: boolean;
  api?: string;
  aws?: boolean;
  stack?: string;
}

async function localRunnerAnswers(): Promise<boolean> {
  try {
    const res = await fetch(`http://${DEFAULT_HOST}:${DEFAULT_PORT}/health`, { signal: AbortSignal.timeout(500) });
    return res.ok;
  } catch {
    return false;
  }
}

/** The admin API the flags name; without one, the local runner if one answers, else the deployed stack. */
export async function adminTarget(v: TargetFlags, env: NodeJS.ProcessEnv): Promise<AdminOptions> {
  const chosen = [v.local, v.api !== undefined, v.aws].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('give at most one of --local, --api, --aws');
  const common: AdminOptions = { env, ...(v.stack ? { stackName: v.stack } : {}) };
  if (v.api) return { ...common, api: v.api };
  if (v.local) return { ...common, local: true };
  if (v.aws) return common;
  return (await localRunnerAnswers()) ? { ...common, local: true } : common;
}
