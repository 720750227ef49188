// The tree shows the capabilities: no folder under lambdas/ grows past 15 files, and nothing imports in a circle.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import madge from 'madge';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/stack.js';

function folders(dir: string): string[] {
  const subs = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory());
  return [dir, ...subs.flatMap((d) => folders(join(dir, d.name)))];
}

describe('layout', () => {
  it('no folder under lambdas/ holds more than 15 .ts files directly', () => {
    const crowded = folders(join(PROJECT_ROOT, 'lambdas'))
      .map((d) => ({ dir: relative(PROJECT_ROOT, d), files: readdirSync(d).filter((f) => f.endsWith('.ts')).length }))
      .filter((d) => d.files > 15);
    expect(crowded).toEqual([]);
  });

  it('lambdas/ and lib/ have no import cycle, type imports included', async () => {
    const graph = await madge([join(PROJECT_ROOT, 'lambdas'), join(PROJECT_ROOT, 'lib')], { fileExtensions: ['ts'] });
    expect(Object.keys(graph.obj()).length).toBeGreaterThan(100);
    expect(graph.circular()).toEqual([]);
  }, 30_000);

  it('domain code imports no package but pure ones (no AWS, HTTP, image or OCR library)', () => {
    const pure = new Set(['libphonenumber-js/max', 'libphonenumber-js/min', 'node:crypto', 'valibot']);
    const domain = join(PROJECT_ROOT, 'lambdas', 'domain');
    const outside = readdirSync(domain, { recursive: true, encoding: 'utf8' })
      .filter((f) => f.endsWith('.ts'))
      .flatMap((f) => [...readFileSync(join(domain, f), 'utf8').matchAll(/from '([^.'][^']*)'/g)].map((m) => `${f} -> ${m[1]}`))
      .filter((line) => !pure.has(line.split(' -> ')[1] ?? ''));
    expect(outside).toEqual([]);
  });
});
