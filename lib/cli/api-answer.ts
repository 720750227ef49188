// What every admin-API command does with an answer: the body as an object, and a one-line reason for a refusal.
import type { AdminResponse } from './admin-request.js';

export function bodyOf(res: AdminResponse): Record<string, unknown> {
  return typeof res.body === 'object' && res.body !== null && !Array.isArray(res.body) ? (res.body as Record<string, unknown>) : { error: String(res.body ?? '') };
}

/** `PUT /users/79991234567 answered 400: role must be one of … (field role)`. */
export function refusal(what: string, res: AdminResponse): string {
  const b = bodyOf(res);
  const field = typeof b['field'] === 'string' && b['field'] ? ` (field ${b['field']})` : '';
  return `${what} answered ${res.status}: ${String(b['error'] ?? JSON.stringify(b))}${field}`;
}

/** Fixed-width columns, the header first; trailing blanks trimmed. */
export function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd()).join('\n');
}
