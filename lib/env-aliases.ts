// The names the seeds (the card bot and the Wazzup24 integration this project replaces) gave their settings,
// accepted beside ours by `npm start` and the `wa` CLI: each old name used prints one warning naming the preferred
// variable, and the two names set to different values are refused. Values are never printed: some are secrets.

/** Old name -> our name. Every other `WAZZUP24_<X>` is read as `WAZZUP_<X>`. */
export const ENV_ALIASES: Readonly<Record<string, string>> = {
  WHATSAPP_PHONE_ID: 'WHATSAPP_PHONE_NUMBER_ID',
  WHATSAPP_API_URL: 'GRAPH_BASE_URL',
  WHATSAPP_APP_ID: 'META_APP_ID',
  WAZZUP24_API_KEY: 'WAZZUP_API_KEY',
  WAZZUP24_API_URL: 'WAZZUP_BASE_URL',
};

const WAZZUP24_PREFIX = 'WAZZUP24_';

/** Our name for `name`, when it is an old one. */
export function preferredName(name: string): string | undefined {
  if (Object.hasOwn(ENV_ALIASES, name)) return ENV_ALIASES[name];
  if (name.startsWith(WAZZUP24_PREFIX) && name.length > WAZZUP24_PREFIX.length) return `WAZZUP_${name.slice(WAZZUP24_PREFIX.length)}`;
  return undefined;
}

/**
 * The value as our variable means it. The seeds' API URLs carried the version path (`https://graph.facebook.com/v19.0`,
 * `https://api.wazzup24.com/v3`); ours are the bare host (the version is GRAPH_API_VERSION, the client adds /v3).
 */
function asPreferred(preferred: string, value: string): { value: string; also?: [string, string] } {
  const trimmed = value.trim();
  if (!preferred.endsWith('_URL')) return { value: trimmed };
  const url = trimmed.replace(/\/+$/, '');
  if (preferred === 'GRAPH_BASE_URL') {
    const m = /^(.*?)\/(v\d+\.\d+)$/.exec(url);
    return m ? { value: m[1]!, also: ['GRAPH_API_VERSION', m[2]!] } : { value: url };
  }
  if (preferred === 'WAZZUP_BASE_URL') return { value: url.replace(/\/v3$/, '') };
  return { value: url };
}

export interface AliasResult {
  /** One line per old name in use. */
  warnings: string[];
  /** Set when an old and a new name disagree: nothing was changed. */
  error?: string;
}

/**
 * Copies each old name's value to our name in `env` (unless ours is set to the same), collecting one warning per
 * old name; refuses, changing nothing, when an old and a new name (or two old ones) give different values.
 */
export function applyEnvAliases(env: NodeJS.ProcessEnv): AliasResult {
  const warnings: string[] = [];
  const conflicts: string[] = [];
  const updates = new Map<string, { value: string; from: string }>();
  const set = (name: string, value: string, from: string) => {
    const given = env[name]?.trim();
    // A URL with or without its trailing slash is the same setting.
    const current = given ? (name.endsWith('_URL') ? given.replace(/\/+$/, '') : given) : undefined;
    const pending = updates.get(name);
    if (current !== undefined && current !== value) conflicts.push(`${from} and ${name} are both set, to different values: keep ${name} only`);
    else if (pending && pending.value !== value) conflicts.push(`${pending.from} and ${from} are both set, to different values: set ${name} only`);
    else if (current === undefined) updates.set(name, { value, from });
  };
  for (const name of Object.keys(env).sort()) {
    const preferred = preferredName(name);
    const raw = env[name];
    if (!preferred || raw === undefined || raw.trim() === '') continue;
    const read = asPreferred(preferred, raw);
    set(preferred, read.value, name);
    if (read.also) set(read.also[0], read.also[1], name);
    warnings.push(`warning: ${name} is an old name: use ${preferred}${read.also ? ` (and ${read.also[0]})` : ''} instead`);
  }
  if (conflicts.length) return { warnings, error: conflicts.join('\n') };
  for (const [name, { value }] of updates) env[name] = value;
  return { warnings };
}

/**
 * For the entry points (`npm start`, `wa`): apply the aliases to the process, print the warnings on stderr, and
 * answer the exit code to stop with (2, a configuration error) when they conflict.
 */
export function useEnvAliases(env: NodeJS.ProcessEnv = process.env, print: (line: string) => void = (l) => console.error(l)): number | undefined {
  const result = applyEnvAliases(env);
  for (const line of result.warnings) print(line);
  if (result.error === undefined) return undefined;
  print(`error: ${result.error}`);
  return 2;
}
