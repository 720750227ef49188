// The load run against a stack that is already up: the steps in order, each followed by the store count, then
// the table. Used by `npm run load` (load/run.ts) and its smoke test.
import { customerPool, stepIdPrefix, newRunId } from './deliveries.js';
import { describeMachine } from './machine.js';
import { judgeStep, loadTable, problems, type StepReport } from './report.js';
import { runStep } from './step.js';
import { countStored } from './store-count.js';

export interface LoadOptions {
  baseUrl: string;
  adminToken: string;
  appSecret: string;
  phoneNumberId: string;
  rates: readonly number[];
  seconds: number;
  customers: number;
  redeliveryRatio: number;
  maxConnections: number;
  /** One line about what is under test, printed with the machine. */
  stack: string;
  print?: (text: string) => void;
  /** CPU seconds the stack has used so far (its own process), to show how busy it was in each step. */
  stackCpuSeconds?: () => number | undefined;
  /** Source of the customer and redelivery draws (tests pass a seeded one); default Math.random. */
  random?: () => number;
}

export interface LoadResult {
  reports: StepReport[];
  ok: boolean;
  /** Everything printed after the steps: machine, stack, table, problems. */
  summary: string;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const print = options.print ?? ((t: string) => console.log(t));
  const machine = describeMachine();
  const runId = newRunId();
  const customers = customerPool(options.customers);
  const reports: StepReport[] = [];
  for (const [index, rate] of options.rates.entries()) {
    const idPrefix = stepIdPrefix(runId, index + 1);
    print(`step ${index + 1}/${options.rates.length}: ${rate} req/s for ${options.seconds} s …`);
    const cpuBefore = options.stackCpuSeconds?.();
    const wallBefore = performance.now();
    const step = await runStep({
      baseUrl: options.baseUrl,
      appSecret: options.appSecret,
      phoneNumberId: options.phoneNumberId,
      customers,
      idPrefix,
      rate,
      seconds: options.seconds,
      maxConnections: options.maxConnections,
      redeliveryRatio: options.redeliveryRatio,
      ...(options.random ? { random: options.random } : {}),
    });
    const cpuAfter = options.stackCpuSeconds?.();
    // Over the whole step, the redeliveries included: they are little work next to the step itself.
    const stackCores = cpuBefore !== undefined && cpuAfter !== undefined ? (cpuAfter - cpuBefore) / ((performance.now() - wallBefore) / 1000) : undefined;
    const store = await countStored({ baseUrl: options.baseUrl, adminToken: options.adminToken, customers, idPrefix });
    const report = judgeStep(step, store, stackCores);
    reports.push(report);
    print(
      `  ${step.achievedRate.toFixed(1)} req/s over ${step.duration.toFixed(1)} s (${step.connections} connections, load generator ${step.generatorCpu.toFixed(2)} cores, stack ${stackCores?.toFixed(2) ?? '?'} cores), p50 ${step.p50Ms.toFixed(1)} ms, p99 ${step.p99Ms.toFixed(1)} ms, max ${step.maxMs.toFixed(0)} ms, ` +
        `${step.distinct} distinct, ${store.stored} stored${report.ok ? '' : '  <- MISMATCH'}`,
    );
  }
  const ok = reports.every((r) => r.ok);
  const lines = [
    '',
    `## Load: signed Meta deliveries against the local stack (${options.seconds} s per step)`,
    '',
    `machine: ${machine}`,
    `stack:   ${options.stack}`,
    `load:    autocannon at a fixed overall rate, up to ${options.maxConnections} connections; text messages from ${options.customers} customers; ` +
      `${Math.round(options.redeliveryRatio * 100)}% redeliveries of bodies already sent in the step; every body not answered 2xx sent again after the step`,
    '',
    loadTable(reports),
    '',
    ok ? 'stored == distinct sent at every step; nothing lost.' : 'FAILED:',
    ...reports.flatMap(problems),
  ];
  const summary = lines.join('\n');
  print(summary);
  return { reports, ok, summary };
}
