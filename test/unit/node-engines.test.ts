// The Node.js requirement is stated three times: package.json `engines`, the README, and every installed
// package's own `engines` in the lockfile. They must agree, or `npm ci` warns EBADENGINE (or a dependency
// breaks) on a Node the README calls supported. CI runs on the oldest supported line (Node 20).
import { readFileSync } from 'node:fs';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as {
  packages: Record<string, { engines?: { node?: string } | string[]; os?: string[]; cpu?: string[]; version?: string }>;
};
const required = pkg.engines.node;

/** A platform binary (sharp's, rolldown's) installs only where its os and cpu match. */
function installsHere(entry: { os?: string[]; cpu?: string[] }): boolean {
  const allows = (list: string[] | undefined, value: string) =>
    !list || (list.some((v) => !v.startsWith('!')) ? list.includes(value) : !list.includes(`!${value}`));
  return allows(entry.os, process.platform) && allows(entry.cpu, process.arch);
}

describe('the Node.js requirement', () => {
  it('is one every locked dependency accepts', () => {
    const refusing = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && installsHere(entry))
      .map(([path, entry]) => [path, Array.isArray(entry.engines) ? undefined : entry.engines?.node] as const)
      .filter(([, range]) => range !== undefined && !semver.subset(required, range!, { includePrerelease: false }))
      .map(([path, range]) => `${path.replace(/^node_modules\//, '')} wants node ${range}`);
    expect(refusing, `package.json engines.node is "${required}"`).toEqual([]);
  });

  it('is what the README states, and this Node satisfies it', () => {
    const readme = readFileSync('README.md', 'utf8');
    const oldest = semver.minVersion(required)!;
    expect(readme.split('\n').slice(0, 12).join('\n')).toContain(`Node.js ${oldest.major}.${oldest.minor} or newer`);
    expect(semver.satisfies(process.version, required), `${process.version} against ${required}`).toBe(true);
  });
});
