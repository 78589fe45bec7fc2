// A small file of reserved space beside the store (.nnc/space-reserve). When the
// disk fills up during a run, the store deletes it so that the few pages that
// mark the run 'failed' can still be written; it is written again the next
// time a run starts with space to spare. Without it a full disk would leave the
// run 'running' until the next nnc marks it 'interrupted'.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const RESERVE_BYTES = 256 * 1024;

export interface SpaceReserve {
  /** writes the reserve if it is missing; quietly does nothing on a full disk */
  ensure(): void;
  /** deletes the reserve; true if there was one to free */
  release(): boolean;
}

export function createSpaceReserve(storeFile: string): SpaceReserve {
  const file = join(dirname(storeFile), 'space-reserve');
  return {
    ensure() {
      if (existsSync(file)) return;
      try {
        writeFileSync(file, Buffer.alloc(RESERVE_BYTES));
      } catch {
        rmSync(file, { force: true }); // a partial reserve frees too little to count on
      }
    },
    release() {
      if (!existsSync(file)) return false;
      rmSync(file, { force: true });
      return true;
    },
  };
}
