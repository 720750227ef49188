// A response body read into memory with a size cap, for downloads whose size the sender decides (media).

/**
 * The body's bytes; throws `tooLarge(...)` as soon as the declared Content-Length or the bytes read so far pass
 * `maxBytes` (no cap when it is undefined), cancelling the rest of the download.
 */
export async function readCappedBody(res: Response, maxBytes: number | undefined, tooLarge: (maxBytes: number, declaredBytes?: number) => Error): Promise<Uint8Array> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (maxBytes !== undefined && Number.isFinite(declared) && declared > maxBytes) {
    await res.body?.cancel();
    throw tooLarge(maxBytes, declared);
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (maxBytes !== undefined && total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}
