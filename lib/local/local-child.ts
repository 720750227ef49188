// `npm start` (bin/local.ts) in a child process, for `npm run load` (the server's CPU not shared with autocannon)
// and the e2e tests: a free port, a temporary DATA_DIR unless one is given, ready once the banner is printed,
// stopped with SIGINT like Ctrl-C.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.js';

/** The banner is one write that ends with this line (lib/local/banner.ts), so the stack is fully up. */
const READY_LINE = 'Ctrl-C stops.';
/** By default only the tail of the child's output is kept: under load it can print a line per request. */
const OUTPUT_TAIL_CHARS = 64 * 1024;

export interface LocalStackOptions {
  /** Set on top of this process's environment (PORT, DATA_DIR and POWERTOOLS_LOG_LEVEL=WARN are set here). */
  env?: NodeJS.ProcessEnv;
  /** Removed from the child's environment: a real token in the shell must not turn the sandbox off. */
  without?: string[];
  /** Extra node flags for the child, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  startTimeoutMs?: number;
  /** Defaults to a free one. */
  port?: number;
  /** The caller's DATA_DIR, kept on close (a restart finds its data); default a temporary one, removed on close. */
  dataDir?: string;
  /** Keep everything the child prints instead of the last 64 KB (tests that search the whole output). */
  keepAllOutput?: boolean;
}

export interface RunningStack {
  url: string;
  port: number;
  dataDir: string;
  pid: number | undefined;
  /** CPU seconds (user + system) the stack has used so far; undefined where /proc is not available. */
  cpuSeconds(): number | undefined;
  /** What the child printed (stdout and stderr): the last 64 KB, or all of it with `keepAllOutput`. */
  output(): string;
  /** SIGINT (SIGKILL after 15 s), wait for the exit; its exit code, undefined when it had already exited. */
  stop(): Promise<number | null | undefined>;
  /** stop(), then remove a temporary DATA_DIR. Safe to call twice. */
  close(): Promise<void>;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<RunningStack> {
  const port = options.port ?? (await freePort());
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'wa-local-'));
  const removeDataDir = () => ownsDataDir && rmSync(dataDir, { recursive: true, force: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    POWERTOOLS_LOG_LEVEL: 'WARN',
    ...options.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
  };
  for (const name of options.without ?? []) delete env[name];
  let output = '';
  const child: ChildProcess = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', 'bin/local.ts'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const append = (d: Buffer) => {
    output += d.toString('utf8');
    if (!options.keepAllOutput && output.length > 2 * OUTPUT_TAIL_CHARS) output = output.slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  // If this process dies without close(), the child must not keep the port and the directory.
  const killOnExit = () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    removeDataDir();
  };
  process.once('exit', killOnExit);

  const stop = async (): Promise<number | null | undefined> => {
    if (child.exitCode !== null || child.signalCode !== null) return undefined;
    const exited = new Promise((ok) => child.once('exit', ok));
    child.kill('SIGINT');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
    return child.exitCode;
  };
  let closed: Promise<void> | undefined;
  const close = () =>
    (closed ??= (async () => {
      await stop();
      process.off('exit', killOnExit);
      removeDataDir();
    })());

  try {
    await new Promise<void>((ok, fail) => {
      const deadline = setTimeout(() => done(new Error(`local stack not ready within ${options.startTimeoutMs ?? 90_000} ms:\n${output}`)), options.startTimeoutMs ?? 90_000);
      const poll = setInterval(() => output.includes(READY_LINE) && done(), 50);
      const onExit = (code: number | null) => done(new Error(`local stack exited with ${code} before it was ready:\n${output}`));
      child.once('exit', onExit);
      function done(error?: Error) {
        clearTimeout(deadline);
        clearInterval(poll);
        child.off('exit', onExit);
        if (error) fail(error);
        else ok();
      }
    });
  } catch (error) {
    await close();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    dataDir,
    pid: child.pid,
    cpuSeconds: () => (child.pid ? procCpuSeconds(child.pid) : undefined),
    output: () => (options.keepAllOutput ? output : output.slice(-OUTPUT_TAIL_CHARS)),
    stop,
    close,
  };
}

let clockTicks: number | undefined;

/** utime + stime of a process from /proc/<pid>/stat (Linux), in seconds. */
function procCpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces: state is field 3, utime 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    clockTicks ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    return (Number(fields[11]) + Number(fields[12])) / clockTicks;
  } catch {
    return undefined;
  }
}
