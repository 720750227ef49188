// Webhook bodies for fuzzing: real payloads with structured mutations (a field dropped, a value of the wrong
// type, huge or deeply nested, odd unicode, duplicated arrays, numbers as strings), raw-byte edits of their
// serialisation, random JSON and random bytes. A `BodyPlan` is data only: the test tags its ids per case
// (`tagIds`) and serialises it (`renderBody`), so every case stores under ids of its own.
import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const WEIRD_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', '\udfff', 'x\ud83d', '😀👨‍👩‍👧', '\u202eevil', '\ufeff', '"', '\\', '\\u0000', '</script>',
  '%00', '%E0%A4%A', '\r\n', '1739321024', '-1', '1e309', 'NaN', 'null', '__proto__', 'constructor', 'Привет', '١٢٣', 'wamid.',
];

/** A replacement of the wrong type (or a right type with a hostile value). */
const wrongValue: fc.Arbitrary<(v: Json) => Json> = fc.oneof(
  fc.constantFrom<(v: Json) => Json>(
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1.5,
    () => 1e308,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => [],
    () => ({}),
    (v) => [v],
    (v) => ({ value: v }),
    // Numbers as strings and strings as numbers.
    (v) => (typeof v === 'number' ? String(v) : v),
    (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
  ),
  fc.constantFrom(...WEIRD_STRINGS).map((s) => () => s),
  fc.string({ unit: 'binary', maxLength: 40 }).map((s) => () => s),
  fc.jsonValue({ maxDepth: 3 }).map((j) => () => j as Json),
);

/** A string of up to ~600 KB: Meta's text limit is 4096 characters, a DynamoDB item 400 KB. */
const hugeString = fc
  .tuple(fc.constantFrom('x', 'é', '😀', '\\', '"', '\u0000', 'ab '), fc.constantFrom(5_000, 70_000, 200_000, 600_000))
  .map(([unit, n]) => unit.repeat(Math.ceil(n / unit.length)));

type Mutation =
  | { op: 'drop'; at: number }
  | { op: 'replace'; at: number; with: (v: Json) => Json }
  | { op: 'huge'; at: number; text: string }
  | { op: 'nest'; at: number; depth: number; kind: 'array' | 'object' }
  | { op: 'duplicate'; at: number }
  | { op: 'addKey'; at: number; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ op: fc.constant('replace' as const), at: fc.nat(), with: wrongValue }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('huge' as const), at: fc.nat(), text: hugeString }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('nest' as const), at: fc.nat(), depth: fc.constantFrom(10, 100, 1_000, 10_000), kind: fc.constantFrom('array' as const, 'object' as const) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('addKey' as const), at: fc.nat(), key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'messages', 'statuses', 'errors', 'id', 'type', 'test'), fc.string({ maxLength: 8 })), value: fc.jsonValue({ maxDepth: 2 }).map((j) => j as Json) }) },
);

type RawEdit = { op: 'truncate'; at: number } | { op: 'flip'; at: number; byte: number } | { op: 'prefix' | 'suffix'; text: string } | { op: 'dupKey'; at: number };
const rawEdit: fc.Arbitrary<RawEdit> = fc.oneof(
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constantFrom('prefix' as const, 'suffix' as const), text: fc.constantFrom('\ufeff', ' \n\t', '\u0000', 'garbage', ',', ']', '}{', '\r\n') }),
  // A key repeated in one object (JSON.parse keeps the last): `{"id":"a","id":"b"}`.
  fc.record({ op: fc.constant('dupKey' as const), at: fc.nat() }),
);

export type BodyPlan =
  | { kind: 'json'; json: unknown; raw: RawEdit[] }
  | { kind: 'bytes'; bytes: Uint8Array };

/** Every path (keys and indexes) inside a JSON value, the root included; iterative, as values may nest 10,000 deep. */
function paths(root: unknown): (string | number)[][] {
  const out: (string | number)[][] = [];
  const todo: [unknown, (string | number)[]][] = [[root, []]];
  while (todo.length && out.length < 5_000) {
    const [v, at] = todo.pop()!;
    out.push(at);
    if (Array.isArray(v)) v.forEach((x, i) => todo.push([x, [...at, i]]));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) todo.push([(v as Record<string, unknown>)[k], [...at, k]]);
  }
  return out;
}

function getAt(root: Json, path: (string | number)[]): Json {
  let v: Json = root;
  for (const k of path) v = (v as Record<string | number, Json>)[k] as Json;
  return v;
}

/** Sets (or with `undefined`, deletes) the value at `path`; the root itself is replaced through the return. */
function setAt(root: Json, path: (string | number)[], value: Json | undefined): Json {
  if (!path.length) return value === undefined ? null : value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, Json> | Json[];
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (value === undefined) parent.splice(key as number, 1);
    else parent[key as number] = value;
  } else if (value === undefined) delete parent[key];
  else Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

function nest(v: Json, depth: number, kind: 'array' | 'object'): Json {
  let out = v;
  for (let i = 0; i < depth; i++) out = kind === 'array' ? [out] : { n: out };
  return out;
}

export function mutate(base: unknown, mutations: Mutation[]): unknown {
  let root = structuredClone(base) as Json;
  for (const m of mutations) {
    const all = paths(root);
    const path = all[m.at % all.length]!;
    const current = getAt(root, path);
    switch (m.op) {
      case 'drop':
        root = setAt(root, path, undefined);
        break;
      case 'replace':
        root = setAt(root, path, m.with(current));
        break;
      case 'huge':
        root = setAt(root, path, m.text);
        break;
      case 'nest':
        root = setAt(root, path, nest(current, m.depth, m.kind));
        break;
      case 'duplicate':
        // The nearest array at or above the path, with its elements twice.
        for (let p = path; ; p = p.slice(0, -1)) {
          const v = getAt(root, p);
          if (Array.isArray(v)) {
            root = setAt(root, p, [...v, ...v]);
            break;
          }
          if (!p.length) break;
        }
        break;
      case 'addKey':
        if (current && typeof current === 'object' && !Array.isArray(current)) {
          Object.defineProperty(current, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
        }
        break;
    }
  }
  return root;
}

/** Bodies built from `corpus` (parsed real payloads): mostly mutated ones, some intact, some random. */
export function bodyPlans(corpus: unknown[]): fc.Arbitrary<BodyPlan> {
  const real = fc.constantFrom(...corpus);
  return fc.oneof(
    { weight: 2, arbitrary: real.map((json): BodyPlan => ({ kind: 'json', json, raw: [] })) },
    {
      weight: 10,
      arbitrary: fc
        .tuple(real, fc.array(mutation, { minLength: 1, maxLength: 6 }))
        .map(([json, ms]): BodyPlan => ({ kind: 'json', json: mutate(json, ms), raw: [] })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(real, fc.array(mutation, { maxLength: 2 }), fc.array(rawEdit, { minLength: 1, maxLength: 3 }))
        .map(([json, ms, raw]): BodyPlan => ({ kind: 'json', json: mutate(json, ms), raw })),
    },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((json): BodyPlan => ({ kind: 'json', json, raw: [] })) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2_000 }).map((bytes): BodyPlan => ({ kind: 'bytes', bytes })) },
  );
}

const ID_KEYS = new Set(['id', 'messageId', 'wa_id', 'from', 'user_id', 'from_user_id', 'recipient_id', 'recipient_user_id', 'chatId']);

/** Appends `tag` to every id-like string, so ids (and the contacts they imply) are new in each case. */
export function tagIds(v: unknown, tag: string, depth = 0): unknown {
  if (depth > 200) return v;
  if (Array.isArray(v)) return v.map((x) => tagIds(x, tag, depth + 1));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      const value = ID_KEYS.has(k) && typeof x === 'string' && x !== '' ? `${x}${tag}` : tagIds(x, tag, depth + 1);
      Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return v;
}

/** The bytes to post for a plan. */
export function renderBody(plan: BodyPlan, tag: string): Buffer {
  if (plan.kind === 'bytes') return Buffer.from(plan.bytes);
  let text = stringifyDeep(tagIds(plan.json, tag));
  for (const e of plan.raw) {
    switch (e.op) {
      case 'truncate':
        text = text.slice(0, e.at % (text.length + 1));
        break;
      case 'flip': {
        const bytes = Buffer.from(text, 'utf8');
        if (bytes.length) bytes[e.at % bytes.length] = e.byte;
        return bytes;
      }
      case 'prefix':
        text = e.text + text;
        break;
      case 'suffix':
        text += e.text;
        break;
      case 'dupKey': {
        const keys = [...text.matchAll(/"([a-z_]+)":("[^"\\]*"|-?\d+|true|false|null)/gi)];
        const m = keys.length ? keys[e.at % keys.length]! : undefined;
        if (m) text = text.slice(0, m.index) + `${m[0]},"${m[1]}":"dup"` + text.slice(m.index! + m[0].length);
        break;
      }
    }
  }
  return Buffer.from(text, 'utf8');
}

class Raw {
  constructor(readonly text: string) {}
}

/** JSON.stringify without recursion: a value nested 10,000 deep is beyond JSON.stringify's stack. */
function stringifyDeep(root: unknown): string {
  const out: string[] = [];
  const todo: unknown[] = [root];
  while (todo.length) {
    const v = todo.pop();
    if (v instanceof Raw) {
      out.push(v.text);
      continue;
    }
    const items: unknown[] = [];
    if (Array.isArray(v)) {
      items.push(new Raw('['));
      v.forEach((x, i) => items.push(...(i ? [new Raw(',')] : []), x === undefined ? null : x));
      items.push(new Raw(']'));
    } else if (v && typeof v === 'object') {
      items.push(new Raw('{'));
      Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .forEach(([k, x], i) => items.push(new Raw(`${i ? ',' : ''}${JSON.stringify(k)}:`), x));
      items.push(new Raw('}'));
    } else {
      out.push(JSON.stringify(v) ?? 'null');
      continue;
    }
    for (let i = items.length - 1; i >= 0; i--) todo.push(items[i]);
  }
  return out.join('');
}
