// DynamoDB items are capped at 400 KB. A provider's raw JSON is kept as a string; the rare object that would
// not fit is cut to a bounded prefix and flagged, so the item is still stored (and the fact is visible).
export const RAW_LIMIT_BYTES = 300 * 1024;

export function boundedJson(value: unknown, limitBytes = RAW_LIMIT_BYTES): { raw: string; rawTruncated?: true } {
  const raw = JSON.stringify(value) ?? 'null';
  if (Buffer.byteLength(raw, 'utf8') <= limitBytes) return { raw };
  // Cut on bytes, then drop a possibly split trailing UTF-8 sequence.
  const cut = Buffer.from(raw, 'utf8').subarray(0, limitBytes).toString('utf8').replace(/\uFFFD+$/, '');
  return { raw: cut, rawTruncated: true };
}
