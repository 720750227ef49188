// Guards for walking untrusted JSON. Own properties only, so `__proto__`, `constructor`
// and friends in a hostile payload are plain data, never the prototype chain.

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function prop(o: unknown, key: string): unknown {
  return isObject(o) && Object.prototype.hasOwnProperty.call(o, key) ? o[key] : undefined;
}

export function str(o: unknown, key: string): string | undefined {
  const v = prop(o, key);
  return typeof v === 'string' ? v : undefined;
}

/** A non-empty string, or a finite number rendered as a string (ids are sometimes numbers). */
export function idOf(o: unknown, key: string): string | undefined {
  const v = prop(o, key);
  if (typeof v === 'string') return v.length > 0 ? v : undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

export function arr(o: unknown, key: string): unknown[] | undefined {
  const v = prop(o, key);
  return Array.isArray(v) ? v : undefined;
}

/** Unix seconds (Meta sends strings like "1739321024", sometimes numbers) to ISO 8601. */
export function unixToIso(v: unknown): string | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n)) return undefined;
  const ms = n * 1000;
  // Date's range is ±8.64e15 ms; beyond it toISOString throws.
  if (Math.abs(ms) > 8.64e15) return undefined;
  return new Date(ms).toISOString();
}

/** JSON with object keys sorted at every level, so equal values hash equally whatever the key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return 'null';
  const s = JSON.stringify(v);
  return s === undefined ? 'null' : s;
}
