// The load table: one row per step, and the verdict that decides the exit code.
import type { StoreCount } from './store-count.js';
import type { StepResult } from './step.js';
import { formatTable } from '../bench/table.js';

export interface StepReport {
  step: StepResult;
  store: StoreCount;
  /** Accepted ids the store does not list. */
  missing: string[];
  /** Distinct messages never accepted, even after the redeliveries. */
  lost: number;
  /** CPU cores the stack's process used on average during the step, when it could be read. */
  stackCores: number | undefined;
  ok: boolean;
}

export function judgeStep(step: StepResult, store: StoreCount, stackCores?: number): StepReport {
  const missing = [...step.ledger.ids()].filter((id) => !store.ids.has(id));
  const lost = step.distinct - step.accepted;
  const unknown = [...store.ids].filter((id) => !step.ledger.ids().has(id));
  const ok = store.stored === step.distinct && lost === 0 && !missing.length && !store.duplicates.length && !unknown.length;
  return { step, store, missing, lost, stackCores, ok };
}

export const COLUMNS = [
  'target req/s',
  'achieved req/s',
  'p50 ms',
  'p99 ms',
  'stack CPU',
  'non-2xx',
  'errors',
  'requests',
  'distinct sent',
  'redelivered after',
  'stored',
  'stored == sent',
] as const;

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(1) : v.toFixed(0)) : '-');

export function stepRow(r: StepReport): string[] {
  const s = r.step;
  return [
    String(s.rate),
    s.achievedRate.toFixed(1),
    ms(s.p50Ms),
    ms(s.p99Ms),
    r.stackCores === undefined ? '-' : `${r.stackCores.toFixed(2)} cores`,
    s.non2xx ? `${s.non2xx} (${s.failureCodes})` : '0',
    s.timeouts ? `${s.errors} (${s.timeouts} timeouts)` : String(s.errors),
    String(s.requests),
    String(s.distinct),
    String(s.redeliveries),
    String(r.store.stored),
    r.ok ? 'yes' : 'NO',
  ];
}

export function loadTable(reports: readonly StepReport[]): string {
  return formatTable(COLUMNS, reports.map(stepRow));
}

/** Why a step failed, in words, for the lines under the table. */
export function problems(r: StepReport): string[] {
  const out: string[] = [];
  const prefix = `${r.step.rate} req/s:`;
  if (r.lost) out.push(`${prefix} ${r.lost} message(s) never accepted after ${r.step.redeliveries} redeliveries`);
  if (r.store.stored !== r.step.distinct) out.push(`${prefix} stored ${r.store.stored}, distinct sent ${r.step.distinct}`);
  if (r.missing.length) out.push(`${prefix} not in the store: ${r.missing.slice(0, 5).join(', ')}${r.missing.length > 5 ? `, … (${r.missing.length})` : ''}`);
  if (r.store.duplicates.length) out.push(`${prefix} listed twice: ${r.store.duplicates.slice(0, 5).join(', ')}`);
  return out;
}
