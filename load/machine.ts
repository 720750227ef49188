// The machine a load run measured, printed with its table: the numbers mean little without it.
import { cpus, loadavg, release, totalmem, type, arch } from 'node:os';

export function describeMachine(): string {
  const cores = cpus();
  const model = cores[0]?.model.trim() ?? 'unknown CPU';
  const gib = (totalmem() / 2 ** 30).toFixed(1);
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  return `${model}, ${cores.length} cores, ${gib} GiB RAM, Node ${process.version}, ${type()} ${release()} ${arch()} (load average at start ${load})`;
}
