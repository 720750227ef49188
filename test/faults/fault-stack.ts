// The parts every fault test runs on: a private dynalite, fauxqs queues, a Graph sandbox, the webhook handler
// as deployed (its clients built from the environment set here), and the sender handler with jitter pinned to 0
// and no wait after an unexpected failure, so a retry is visible again at once (the tests count receives, not
// seconds). Optionally every metric the handlers emit is recorded.
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { vi } from 'vitest';
import { startLocalQueues, type LocalQueues } from '../../lib/local/fauxqs-server.js';
import { startGraphSandbox, type GraphSandbox, type GraphSandboxOptions } from '../../lib/local/graph-sandbox.js';
import type { HttpHandler } from '../../lib/local/handlers.js';
import { localSqsClient } from '../../lib/local/queue-poller.js';
import { startTestDynamo, TEST_APP_SECRET, type TestDynamo } from '../support/dynalite.js';

export interface EmittedMetric {
  name: string;
  dims: unknown;
}

export interface FaultStack {
  db: TestDynamo;
  local: LocalQueues;
  sandbox: GraphSandbox;
  sqs: ReturnType<typeof localSqsClient>;
  webhook: HttpHandler;
  sender: (event: SQSEvent) => Promise<SQSBatchResponse>;
  /** What the handlers emitted since the last `emitted.length = 0` (only with `recordMetrics`). */
  emitted: EmittedMetric[];
  close(): Promise<void>;
}

export interface FaultStackOptions {
  /** Names the queues and the sandbox's token, so files running side by side never share them. */
  name: string;
  /** More environment for the handlers (set before they are imported). */
  env?: Record<string, string>;
  sandbox?: Partial<GraphSandboxOptions>;
  recordMetrics?: boolean;
}

/** Records every metric the handlers emit (still emitting it), until `vi.restoreAllMocks()`. */
export async function recordMetrics(): Promise<EmittedMetric[]> {
  const emitted: EmittedMetric[] = [];
  const { metricSink } = await import('../../lambdas/adapters/runtime/metrics.js');
  const emit = metricSink.emit.bind(metricSink);
  vi.spyOn(metricSink, 'emit').mockImplementation((name: string, value: number, ...dims: unknown[]) => {
    emitted.push({ name, dims: dims[0] });
    return (emit as (...a: unknown[]) => void)(name, value, ...dims);
  });
  return emitted;
}

export async function startFaultStack(options: FaultStackOptions): Promise<FaultStack> {
  const db = await startTestDynamo();
  const local = await startLocalQueues({ prefix: `faults-${options.name}` });
  const token = `faults-${options.name}-token`;
  // Status webhooks a minute out: none arrives during a test and muddles what it counts.
  const sandbox = await startGraphSandbox({ appSecret: TEST_APP_SECRET, accessToken: token, statusDelayMs: 60_000, ...options.sandbox });
  Object.assign(process.env, local.env, { WHATSAPP_ACCESS_TOKEN: token, GRAPH_BASE_URL: sandbox.url }, options.env);
  const emitted = options.recordMetrics ? await recordMetrics() : [];
  const webhook = (await import('../../lambdas/handlers/webhook.js')).handler;
  const mod = await import('../../lambdas/handlers/sender.js');
  const deps = mod.defaultSenderDeps();
  const sender = mod.createSenderHandler({ ...deps, jobs: { ...deps.jobs, retry: { random: () => 0 } }, unexpectedFailureDelaySeconds: 0 });
  const sqs = localSqsClient(local.endpoint);
  return {
    db,
    local,
    sandbox,
    sqs,
    webhook,
    sender,
    emitted,
    async close() {
      if (options.recordMetrics) vi.restoreAllMocks();
      sqs.destroy();
      await sandbox.close();
      await local.close();
      await db.close();
    },
  };
}
