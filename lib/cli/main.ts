// `wa [command] [args]`: the command table's dispatcher. `wa`, `wa --help`, `wa -h` and `wa help` list the
// commands; `wa help <command>` is `wa <command> --help`; `wa --version` prints the package version.
import { readFile } from 'node:fs/promises';
import { commands } from './commands.js';
import { EXIT, EXIT_CODES_HELP } from './exit-codes.js';

export function overview(): string {
  const width = Math.max(...Object.keys(commands).map((n) => n.length)) + 2;
  return [
    'usage: wa <command> [options]        wa help <command>, or wa <command> --help, lists its options',
    '',
    'commands:',
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    '',
    'The local runner (npm start) is found at $WA_API or 127.0.0.1:$PORT (default 3000).',
    EXIT_CODES_HELP,
  ].join('\n');
}

async function version(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '--help' || first === '-h' || (first === 'help' && rest.length === 0)) {
    console.log(overview());
    return EXIT.done;
  }
  if (first === '--version' || first === '-v') {
    console.log(await version());
    return EXIT.done;
  }
  const [name, args] = first === 'help' ? [rest[0]!, ['--help']] : [first, rest];
  const entry = Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!entry) {
    console.error(`wa: unknown command "${name}"\n\n${overview()}`);
    return EXIT.usage;
  }
  return (await entry.load()).run(args);
}
