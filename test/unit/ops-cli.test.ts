// The operations commands are in the `wa` command table, each with a one-line description, a --help that
// prints its usage (exit 0) and a usage error that exits 2.
import { describe, expect, it } from 'vitest';
import { captureConsole } from '../support/console-capture.js';
import { commands } from '../../lib/cli/commands.js';

const NEW = ['users', 'status', 'events', 'templates', 'subscribe', 'test'] as const;
const { out, err } = captureConsole();

describe.each(NEW)('wa %s', (name) => {
  it('is registered, describes itself in one line, and --help prints its usage with exit 0', async () => {
    const entry = commands[name];
    expect(entry?.summary).toMatch(/^[^\n]{10,110}$/);
    const command = (await entry!.load()) as { run(args: string[], env?: NodeJS.ProcessEnv): Promise<number> };
    expect(await command.run(['--help'], {})).toBe(0);
    expect(out.join('\n')).toMatch(new RegExp(`^usage: wa ${name}\\b`));
    expect(out.join('\n')).toMatch(/exit code: 0 .*1 .*2 usage/);
  });

  it('an unknown option is a usage error: exit 2, the reason and the usage on stderr, nothing on stdout', async () => {
    const command = await commands[name]!.load();
    expect(await command.run(['--no-such-option'])).toBe(2);
    expect(out).toEqual([]);
    expect(err.join('\n')).toMatch(/no-such-option[\s\S]*usage: wa/);
  });
});
