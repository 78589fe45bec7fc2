// store.backups in nnc.yaml: while `nnc watch` runs, a backup of the project's
// store every `every` into .nnc/backups/nnc-<time>.db (the store's own online
// backup: consistent while training writes, checked with integrity_check),
// the newest `keep` kept. Follows the last plan that compiled: a changed
// setting takes effect at once, a removed one stops the backups.
import { join } from 'node:path';
import type { Plan } from '../../compiler/plan.js';
import { backupDir, backupName, prunePeriodic } from '../store/backups.js';
import type { RunStore } from '../store/types.js';

/** shorter intervals are raised to this, and the log says so */
export const MIN_BACKUP_INTERVAL_MS = 10_000;

export interface PeriodicBackup {
  /** the last plan that compiled */
  update(plan: Plan): void;
  close(): void;
}

export function createPeriodicBackup(store: RunStore, say: (level: 'info' | 'warning', message: string) => void, now = () => Date.now()): PeriodicBackup {
  let timer: NodeJS.Timeout | null = null;
  let setting = '';
  let running: Promise<void> | null = null;

  async function backUp(keep: number): Promise<void> {
    if (running) return;
    const target = join(backupDir(store.path), backupName('periodic', now()));
    running = (async () => {
      try {
        await store.backup(target);
        prunePeriodic(store.path, keep);
      } catch (error) {
        say('warning', `The periodic backup of the run store to '${target}' failed: ${(error as Error).message.replace(/\.$/, '')}. The next one is tried at the next interval.`);
      } finally {
        running = null;
      }
    })();
    await running;
  }

  function stop(): void {
    if (timer) clearInterval(timer);
    timer = null;
  }

  return {
    update(plan) {
      const backups = plan.project.store?.backups;
      const next = backups ? `${backups.everyMs}/${backups.keep}` : '';
      if (next === setting) return;
      setting = next;
      stop();
      if (!backups) return;
      // a shared PostgreSQL store (--store) is the team's: backed up as a whole with 'nnc backup --store', not from every laptop's watch
      if ((store as { kind?: string }).kind === 'postgres') return say('warning', `store.backups is not applied: the runs go to the shared store '${store.path}', which 'nnc backup --store <url> --out <file>' backs up (pg_dump); the setting applies to a project's own store.`);
      let every = backups.everyMs;
      if (!(every >= MIN_BACKUP_INTERVAL_MS)) {
        say('warning', `store.backups.every '${backups.every}' is shorter than 10s; backing the store up every 10s instead.`);
        every = MIN_BACKUP_INTERVAL_MS;
      }
      say('info', `Backing the run store up every ${backups.every} into '${backupDir(store.path)}', keeping the newest ${backups.keep} (store.backups).`);
      timer = setInterval(() => void backUp(backups.keep), every);
      timer.unref();
    },
    close() {
      stop();
      setting = '';
    },
  };
}
