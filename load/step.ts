// One step of the load run: autocannon at a fixed overall rate for a fixed number of requests (rate x seconds),
// each request a signed delivery built when it is sent; every answer recorded against its message id; then the
// redelivery of whatever was not accepted.
import autocannon from 'autocannon';
import { percentile } from '../bench/table.js';
import { DeliveryFactory, type DeliveryOptions } from './deliveries.js';
import { Ledger } from './ledger.js';
import { redeliverNotAccepted } from './redeliver.js';

export const WEBHOOK_PATH = '/webhooks/whatsapp';

export interface StepOptions extends DeliveryOptions {
  baseUrl: string;
  /** Requests per second over all connections. */
  rate: number;
  seconds: number;
  /** Upper bound on concurrent connections (see connectionsFor). */
  maxConnections: number;
  /** Seconds autocannon waits for an answer before it counts a timeout. */
  timeoutSeconds?: number;
}

export interface StepResult {
  rate: number;
  connections: number;
  /** Seconds from the first request to the last answer. */
  duration: number;
  /** CPU this process (autocannon, building and signing bodies) used, in cores, averaged over the step. */
  generatorCpu: number;
  requests: number;
  responses: number;
  achievedRate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  non2xx: number;
  /** Socket errors and timeouts (autocannon counts a timeout as an error too). */
  errors: number;
  timeouts: number;
  /** The step's non-2xx answers by status, e.g. `500x3` (before the redeliveries). */
  failureCodes: string;
  distinct: number;
  /** Bodies sent again after the step because they were not accepted. */
  redeliveries: number;
  /** Distinct messages answered 2xx, after the redeliveries. */
  accepted: number;
  ledger: Ledger;
}

/**
 * Each connection sends rate/connections requests a second; autocannon's rate is a whole number per second, so
 * take the largest divisor of the rate (a prime rate above the cap gets one connection).
 */
export function connectionsFor(rate: number, maxConnections: number): number {
  for (let c = Math.min(rate, maxConnections); c > 1; c--) if (rate % c === 0) return c;
  return 1;
}

export async function runStep(options: StepOptions): Promise<StepResult> {
  const { rate, seconds } = options;
  if (!Number.isInteger(rate) || rate < 1) throw new Error(`rate must be a positive integer, got ${rate}`);
  if (!(seconds > 0)) throw new Error(`seconds must be positive, got ${seconds}`);
  const factory = new DeliveryFactory(options);
  const ledger = new Ledger();
  const latencies: number[] = [];
  const connections = connectionsFor(rate, options.maxConnections);
  const webhookUrl = `${options.baseUrl}${WEBHOOK_PATH}`;

  // One autocannon instance per connection, each at its share of the rate and started 1/connections of a second
  // after the previous one: a single instance releases every connection's quota at the same instant each second,
  // so its latencies would measure the queue behind that burst rather than the stack.
  const perConnection = rate / connections;
  const amount = Math.max(1, Math.round(perConnection * seconds));
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const clock = { lastAnswer: started };
  const results = await Promise.all(
    Array.from({ length: connections }, async (_, i) => {
      await new Promise((r) => setTimeout(r, (i * 1000) / connections));
      return runInstance({ webhookUrl, rate: perConnection, amount, timeoutSeconds: options.timeoutSeconds ?? 10, factory, ledger, latencies, clock });
    }),
  );
  // Up to the last answer: an instance notices it is done only at its next one-second sampling tick.
  const duration = (clock.lastAnswer - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const generatorCpu = (cpu.user + cpu.system) / 1000 / (performance.now() - started);
  const sum = (pick: (r: autocannon.Result) => number) => results.reduce((n, r) => n + pick(r), 0);

  const answeredInStep = ledger.responses;
  const failureCodes = ledger.failureCodes();
  const redeliveries = await redeliverNotAccepted(ledger, { webhookUrl });
  return {
    rate,
    connections,
    duration,
    generatorCpu,
    requests: ledger.requests - redeliveries,
    responses: answeredInStep,
    achievedRate: answeredInStep / duration,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.length ? Math.max(...latencies) : Number.NaN,
    non2xx: sum((r) => r.non2xx),
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    failureCodes,
    distinct: ledger.distinct,
    redeliveries,
    accepted: ledger.accepted,
    ledger,
  };
}

interface InstanceOptions {
  webhookUrl: string;
  rate: number;
  amount: number;
  timeoutSeconds: number;
  factory: DeliveryFactory;
  ledger: Ledger;
  latencies: number[];
  clock: { lastAnswer: number };
}

/** autocannon with one connection: `rate` requests a second until `amount` were answered or timed out. */
function runInstance(o: InstanceOptions): Promise<autocannon.Result> {
  return new Promise((ok, fail) => {
    const instance = autocannon(
      {
        url: o.webhookUrl,
        method: 'POST',
        connections: 1,
        amount: o.amount,
        overallRate: o.rate,
        timeout: o.timeoutSeconds,
        // autocannon's correction assumes an interval of ceil(1/rate) ms and would fill the histogram with
        // invented samples; latencies are taken per answered request instead (the achieved rate shows a backlog).
        ignoreCoordinatedOmission: true,
        requests: [
          {
            // Called right before the connection writes the request (one in flight), with a context that lives
            // until its answer: the id in it ties the answer to the message.
            setupRequest(request, context) {
              const delivery = o.factory.next();
              o.ledger.sent(delivery);
              (context as { id?: string }).id = delivery.id;
              return { ...request, method: 'POST', path: WEBHOOK_PATH, body: delivery.body, headers: { ...request.headers, ...delivery.headers } };
            },
            onResponse(status, _body, context) {
              o.ledger.answered((context as { id: string }).id, status);
            },
          },
        ],
      },
      (error, result) => (error || !result ? fail(new Error(`autocannon failed: ${error instanceof Error ? error.message : String(error)}`)) : ok(result)),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => {
      o.latencies.push(responseTime);
      o.clock.lastAnswer = performance.now();
    });
  });
}
