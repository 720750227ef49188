// What every `wa` command does with its command line the same way: node:util parseArgs over a flag table that
// also writes the command's help (so the help lists exactly the flags that parse), a usage error (the reason,
// then the usage, on stderr: exit code 2), --help / -h (the help on stdout: exit code 0), and the admin API
// target flags (--local | --api <url> | --aws [--stack <name>]).
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { AdminOptions } from './admin-request.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';
import { localAddress, localRunnerAnswers } from './local-runner.js';

/** A mistake in the command line or the configuration: reported with the usage, exit code 2. */
export class UsageError extends Error {}

/** One flag: what parseArgs needs, and the line `wa <command> --help` prints for it. */
export interface Flag {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
  /** One line: what the flag does (and its default). */
  description: string;
  /** The placeholder of a string flag's value in the help, e.g. `<url>`. Default `<value>`. */
  value?: string;
}

export type Flags = Record<string, Flag>;

export function usageError(message: string, usage: string): 2 {
  console.error(`${message}\n\n${usage}\n(--help lists every option)`);
  return EXIT.usage;
}

export type CommandArgs<T extends ParseArgsConfig> = ReturnType<typeof parseArgs<T>>;

const HELP_FLAG = { help: { type: 'boolean', short: 'h', description: 'print this help' } } as const satisfies Flags;

/** A command's help: its usage text, one line per flag (from the same table parseArgs reads), the exit codes. */
export function helpText(usage: string, flags: Flags): string {
  const all: Flags = { ...flags, ...HELP_FLAG };
  const left = Object.entries(all).map(([name, f]) => `${f.short ? `-${f.short}, ` : '    '}--${name}${f.type === 'string' ? ` ${f.value ?? '<value>'}` : ''}${f.multiple ? ' ...' : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = Object.values(all).map((f, i) => `  ${left[i]!.padEnd(width)}${f.description}`);
  return `${usage}\n\noptions:\n${lines.join('\n')}\n\n${EXIT_CODES_HELP}`;
}

/** The parsed command line, or the exit code when there is nothing more to do (a usage error, or --help). */
export function parseCommand<T extends ParseArgsConfig & { options: Flags }>(config: T, usage: string): CommandArgs<T> | number {
  let parsed: CommandArgs<T>;
  try {
    parsed = parseArgs({ ...config, options: { ...config.options, ...HELP_FLAG } }) as CommandArgs<T>;
  } catch (error) {
    return usageError((error as Error).message, usage);
  }
  if ((parsed.values as { help?: boolean }).help) {
    console.log(helpText(usage, config.options));
    return EXIT.done;
  }
  return parsed;
}

/** The flags of the admin API target, for a command's flag table. */
export const TARGET_OPTIONS = {
  local: { type: 'boolean', description: 'the local runner (npm start) at $WA_API or 127.0.0.1:$PORT (default 3000), Bearer $ADMIN_TOKEN' },
  api: { type: 'string', value: '<url>', description: 'that API base URL (SigV4-signed; Bearer $ADMIN_TOKEN for 127.0.0.1/localhost); default $WA_API' },
  aws: { type: 'boolean', description: 'the deployed stack: its ApiUrl output (SigV4, the standard AWS credentials)' },
  stack: { type: 'string', value: '<name>', description: 'the stack whose ApiUrl output --aws reads (default WhatsAppBusiness)' },
} as const satisfies Flags;

/** `--api` of the commands that only talk to a local runner (simulate, sandbox). */
export const LOCAL_API_OPTION = {
  api: { type: 'string', value: '<url>', description: 'the runner\'s base URL (default $WA_API when on this machine, else http://127.0.0.1:$PORT, PORT 3000)' },
} as const satisfies Flags;

export interface TargetFlags {
  local?: boolean;
  api?: string;
  aws?: boolean;
  stack?: string;
}

/**
 * The admin API the flags name; without one: $WA_API when set, else the local runner if one answers (found
 * from $PORT), else the deployed stack (whose error then says which local address was tried).
 */
export async function adminTarget(v: TargetFlags, env: NodeJS.ProcessEnv): Promise<AdminOptions> {
  const chosen = [v.local, v.api !== undefined, v.aws].filter(Boolean).length;
  if (chosen > 1) throw new UsageError('give at most one of --local, --api, --aws');
  const common: AdminOptions = { env, ...(v.stack ? { stackName: v.stack } : {}) };
  if (v.api) return { ...common, api: v.api };
  if (v.local) return { ...common, local: true };
  if (v.aws) return common;
  const fromEnv = env['WA_API']?.trim();
  if (fromEnv) return { ...common, api: fromEnv };
  const local = localAddress(env);
  return (await localRunnerAnswers(local)) ? { ...common, local: true } : { ...common, triedLocal: local };
}
