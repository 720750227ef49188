// `npm start` in its own process for the e2e tests (lib/local/local-child.ts): one port and one DATA_DIR across
// restarts, the whole output kept, admin requests with the bearer token, and cleaned up after.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { waitFor } from './wait-for.js';
import { freePort } from '../../lib/local/free-port.js';
import { startLocalStack, type RunningStack } from '../../lib/local/local-child.js';

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
  private running: RunningStack | undefined;

  private constructor(readonly port: number, private readonly options: LocalProcessOptions) {
    this.dataDir = mkdtempSync(join(tmpdir(), options.name));
  }

  /** Not started yet: keep it before calling start(), so that close() cleans up after a start that timed out. */
  static async open(options: LocalProcessOptions): Promise<LocalProcess> {
    return new LocalProcess(await freePort(), options);
  }

  /** Everything the current run printed, stdout and stderr. */
  get output(): string {
    return this.running?.output() ?? '';
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Starts (or restarts) on the same port and DATA_DIR. */
  async start(): Promise<void> {
    this.running = undefined;
    const { env, without } = this.options;
    this.running = await startLocalStack({ env, ...(without ? { without } : {}), port: this.port, dataDir: this.dataDir, keepAllOutput: true });
  }

  /** Ctrl-C; the exit code, or undefined when it was not running. */
  async stop(): Promise<number | null | undefined> {
    return this.running?.stop();
  }

  async close(): Promise<void> {
    await this.running?.close();
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
