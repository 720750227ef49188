// The command table is the one source of `wa --help`: every registered command has a one-line summary, answers
// --help (and `wa help <command>`) on stdout with exit 0 and a line per flag, and answers a flag it does not
// know with exit 2 on stderr. A command added to lib/cli/commands.ts is checked here without a line more.
import { describe, expect, it } from 'vitest';
import { captureConsole } from '../support/console-capture.js';
import { helpText } from '../../lib/cli/args.js';
import { commands } from '../../lib/cli/commands.js';
import { main, overview } from '../../lib/cli/main.js';

const { out, err } = captureConsole();

const names = Object.keys(commands);

describe('the command table', () => {
  it.each(names)('%s has a one-line summary in the overview', (name) => {
    const summary = commands[name]!.summary;
    expect(summary.trim().length).toBeGreaterThan(10);
    expect(summary).not.toContain('\n');
    expect(overview()).toContain(`  ${name}`);
  });

  it.each(names)('%s --help prints its usage, a described line per flag and the exit codes; wa help <name> is the same', async (name) => {
    expect(await main([name, '--help'])).toBe(0);
    const help = out.join('\n');
    expect(help).toMatch(/^usage:/);
    const options = help.slice(help.indexOf('\noptions:\n') + 10, help.indexOf('\n\nexit codes:'));
    const lines = options.split('\n');
    expect(lines.length).toBeGreaterThan(1);
    // Every flag line has its description after the flag (two spaces at least), and -h, --help is last.
    for (const line of lines) expect(line, name).toMatch(/^ {2}(-\w, | {4})--[a-z-]+( \S+)?( \.\.\.)? {2,}\S/);
    expect(lines.at(-1)).toMatch(/^ {2}-h, --help +print this help$/);
    expect(help).toMatch(/\n\nexit codes: 0 done, 1 the operation failed \(refused, a check failed\), 2 usage or configuration error$/);
    expect(err).toEqual([]);
    out.length = 0;
    expect(await main(['help', name])).toBe(0);
    expect(out.join('\n')).toBe(help);
  });

  it.each(names)('%s refuses an unknown flag with exit 2 and the usage on stderr, nothing on stdout', async (name) => {
    expect(await main([name, '--no-such-flag'])).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/no-such-flag[\s\S]*usage:/);
  });

  it('simulate wazzup-text has its own help', async () => {
    expect(await main(['simulate', 'wazzup-text', '--help'])).toBe(0);
    expect(out.join('\n')).toMatch(/--chat <digits> +the customer's phone digits/);
  });

  it('unknown commands exit 2 on stderr; no command, --help, -h and help print the overview on stdout', async () => {
    expect(await main(['bogus'])).toBe(2);
    expect(err.join('\n')).toMatch(/^wa: unknown command "bogus"/);
    expect(out).toEqual([]);
    // Not a command though it is a property of every object.
    expect(await main(['constructor'])).toBe(2);
    for (const argv of [[], ['--help'], ['-h'], ['help']]) {
      out.length = 0;
      expect(await main(argv)).toBe(0);
      expect(out.join('\n')).toBe(overview());
    }
  });
});

describe('helpText', () => {
  it('lines up flags with their value placeholders and marks repeatable ones', () => {
    const text = helpText('usage: wa x', {
      to: { type: 'string', value: '<phone>', description: 'who' },
      param: { type: 'string', multiple: true, description: 'each value' },
      json: { type: 'boolean', short: 'j', description: 'JSON' },
    });
    expect(text.split('\n')).toEqual([
      'usage: wa x',
      '',
      'options:',
      '      --to <phone>         who',
      '      --param <value> ...  each value',
      '  -j, --json               JSON',
      '  -h, --help               print this help',
      '',
      'exit codes: 0 done, 1 the operation failed (refused, a check failed), 2 usage or configuration error',
    ]);
  });
});
