// One `npm start` per DATA_DIR: two runners on one LevelDB directory fail deep inside dynalite, and two sets of
// pollers would share one set of queues' jobs. The lock is a file holding the runner's pid, created exclusively;
// a lock left by a runner that died (its pid no longer runs) is taken over.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StartupError } from './startup-error.js';

export const LOCK_FILE = 'npm-start.pid';

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the directory for this process; `release()` gives it back (only if it is still ours). */
export function lockDataDir(dataDir: string): { release(): Promise<void> } {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
      return {
        release: async () => {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const pid = Number(readFileSync(file, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && running(pid)) {
        throw new StartupError(`DATA_DIR ${dataDir} is in use by another npm start (pid ${pid}): stop that one, or set DATA_DIR to another directory`);
      }
      rmSync(file, { force: true });
    }
  }
  throw new StartupError(`cannot take DATA_DIR ${dataDir}: another npm start keeps creating ${file}`);
}
