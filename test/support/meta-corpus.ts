// The corpus of real Meta webhook bodies (test/fixtures/meta-webhooks, origins in SOURCES.md).
// `raw` is each file's exact bytes: sign those, never a re-serialisation.
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const META_CORPUS_DIR = fileURLToPath(new URL('../fixtures/meta-webhooks/', import.meta.url));

export interface CorpusFile {
  /** File name without `.json`, e.g. `pywa__message_text`. */
  name: string;
  raw: Buffer;
  json: unknown;
}

export function loadMetaCorpus(): CorpusFile[] {
  return readdirSync(META_CORPUS_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const raw = readFileSync(META_CORPUS_DIR + f);
      return { name: f.slice(0, -'.json'.length), raw, json: JSON.parse(raw.toString('utf8')) as unknown };
    });
}
