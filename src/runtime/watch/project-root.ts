// Is a watched project folder still there? A folder renamed or removed while
// `nnc watch` runs must not be written to by path any more: the open store
// follows the folder (its file descriptors move with it), but anything
// opened by path (a checkpoint, a new store) would re-create the old path and
// split the project in two. A folder is identified by device and inode, so a
// new folder made at the old path is not taken for the old one.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainEvents } from '../train/types.js';

export interface RootIdentity {
  readonly dev: bigint;
  readonly ino: bigint;
}

/** The folder's identity now, or null when there is no folder at `dir`. */
export function rootIdentity(dir: string): RootIdentity | null {
  try {
    const s = statSync(dir, { bigint: true });
    return s.isDirectory() ? { dev: s.dev, ino: s.ino } : null;
  } catch {
    return null;
  }
}

/** A check that stays true while `dir` is the folder it was when the check was made. */
export function projectRootGuard(dir: string): () => boolean {
  const identity = rootIdentity(dir);
  return () => {
    if (!identity) return false;
    const now = rootIdentity(dir);
    return now !== null && now.dev === identity.dev && now.ino === identity.ino;
  };
}

export interface RootWatch {
  /** looks now (after a file event, say) instead of at the next tick */
  check(): void;
  close(): void;
}

/**
 * Calls `onGone` once when `dir` stops being the folder it is now: looked at
 * every `intervalMs` (a stat, default 250 ms) and whenever `check()` is
 * called. chokidar reports a moved root inconsistently across platforms (an
 * unlinkDir, an error, or nothing), so the stat is what decides.
 */
export function watchProjectRoot(dir: string, onGone: () => void, intervalMs = 250): RootWatch {
  const present = projectRootGuard(dir);
  let done = false;
  const check = () => {
    if (done || present()) return;
    done = true;
    clearInterval(timer);
    onGone();
  };
  const timer = setInterval(check, intervalMs);
  timer.unref();
  check();
  return {
    check,
    close() {
      done = true;
      clearInterval(timer);
    },
  };
}

/**
 * The training events with checkpoints kept out of a moved folder's old
 * path: none is written once the folder is gone, and a write the move caught
 * half-way neither fails the run (it ends as its stop asks, with the
 * checkpoint of its last epoch) nor leaves a re-created folder behind.
 */
export function guardCheckpoints(dir: string, events: TrainEvents): TrainEvents {
  const write = events.onCheckpoint;
  if (!write) return events;
  const present = projectRootGuard(dir);
  return {
    ...events,
    async onCheckpoint(checkpoint) {
      if (!present()) return;
      try {
        await write.call(events, checkpoint);
      } catch (error) {
        if (present()) throw error;
      }
      if (!present()) removeRecreated(dir);
    },
  };
}

/**
 * A checkpoint written by path while its folder moved re-creates the chain
 * <dir>/.nnc/runs/<run>/ at the old path. Removed when that chain is all
 * there is (a folder anyone else made there holds something else).
 */
function removeRecreated(dir: string): void {
  const list = (path: string) => {
    try {
      return readdirSync(path);
    } catch {
      return null;
    }
  };
  const top = list(dir);
  if (top === null || top.length !== 1 || top[0] !== '.nnc') return;
  const store = list(join(dir, '.nnc'));
  if (store?.length !== 1 || store[0] !== 'runs') return;
  if (list(join(dir, '.nnc', 'runs'))?.length !== 1) return;
  rmSync(dir, { recursive: true, force: true });
}
