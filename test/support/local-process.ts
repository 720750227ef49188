// `npm start` in its own process for the e2e tests: bin/local.ts on a free port with a temporary DATA_DIR,
// ready once its banner is printed, stopped with Ctrl-C (SIGINT) like a user would, and cleaned up after.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { waitFor } from './wait-for.js';
import { freePort } from '../../lib/local/free-port.js';

export interface LocalProcessOptions {
  /** Prefix of the temporary DATA_DIR. */
  name: string;
  /** Set on top of this process's environment (with PORT, DATA_DIR and POWERTOOLS_LOG_LEVEL=WARN). */
  env: NodeJS.ProcessEnv;
  /** Taken out of the child's environment, e.g. a real token the shell may hold. */
  without?: string[];
  adminToken: string;
}

export class LocalProcess {
  readonly dataDir: string;
  /** Everything the current run printed, stdout and stderr. */
  output = '';
  private child: ChildProcess | undefined;

  private constructor(readonly port: number, private readonly options: LocalProcessOptions) {
    this.dataDir = mkdtempSync(join(tmpdir(), options.name));
  }

  /** Not started yet: keep it before calling start(), so that close() cleans up after a start that timed out. */
  static async open(options: LocalProcessOptions): Promise<LocalProcess> {
    return new LocalProcess(await freePort(), options);
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async start(): Promise<void> {
    this.output = '';
    const env: NodeJS.ProcessEnv = { ...process.env, POWERTOOLS_LOG_LEVEL: 'WARN', ...this.options.env, PORT: String(this.port), DATA_DIR: this.dataDir };
    for (const name of this.options.without ?? []) delete env[name];
    const proc = spawn(process.execPath, ['--import', 'tsx', 'bin/local.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = proc;
    proc.stdout.on('data', (d) => (this.output += d));
    proc.stderr.on('data', (d) => (this.output += d));
    await new Promise<void>((ok, fail) => {
      // The banner is one write that ends with this line, so all of it has been printed.
      const timer = setInterval(() => {
        if (this.output.includes('Ctrl-C stops.')) {
          clearInterval(timer);
          ok();
        }
      }, 50);
      proc.once('exit', (code) => {
        clearInterval(timer);
        fail(new Error(`local runner exited with ${code}:\n${this.output}`));
      });
    });
  }

  /** Ctrl-C; the exit code, or undefined when it was not running. */
  async stop(): Promise<number | null | undefined> {
    const proc = this.child;
    if (!proc || proc.exitCode !== null) return undefined;
    const exited = new Promise((ok) => proc.once('exit', ok));
    proc.kill('SIGINT');
    await exited;
    return proc.exitCode;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  adminFetch(path: string, init: RequestInit = {}): Promise<Response> {
    return fetch(this.url(path), { ...init, headers: { authorization: `Bearer ${this.options.adminToken}`, ...(init.headers as Record<string, string> | undefined) } });
  }

  /** An admin GET that must answer 200; the runner's output explains a failure. */
  async adminGet<T>(path: string): Promise<T> {
    const res = await this.adminFetch(path);
    expect(res.status, `${path}: ${this.output}`).toBe(200);
    return (await res.json()) as T;
  }

  /** Polls until the probe gives a value (not undefined, null, false, 0 or ''). */
  async waitFor<T>(probe: () => Promise<T>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
    try {
      return await waitFor(probe, what, timeoutMs, 200);
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${this.output}`);
    }
  }
}
