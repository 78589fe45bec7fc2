// What the viewer server needs from one served project. `nnc watch` gives it
// a live project (the watcher's last good plan, the running run); `nnc view`
// gives it a stored one (stored-project.ts).
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Plan, Sample } from '../../compiler/plan.js';
import type { ServerMessage, TokenCountsView } from '../../shared/protocol.js';
import type { RunRecord, RunStore } from '../store/types.js';
import type { SweepReader } from '../sweep/sweep-store.js';

export interface ProjectSource {
  /** the id in ?project= and in messages: the folder name, made unique */
  readonly name: string;
  /** absolute project folder */
  readonly dir: string;
  /** true when the project trains (nnc watch) */
  readonly live: boolean;
  /** where its runs are stored, for people: a shared store's redacted URL; absent: the folder's .nnc/nnc.db */
  readonly storedIn?: string;
  /** the last plan that compiled, or null */
  plan(): Plan | null;
  /** diagnostics of the last compile */
  diagnostics(): readonly Diagnostic[];
  /** the run training now, or null */
  running(): RunRecord | null;
  /** the run store, or null when the project never trained */
  store(): RunStore | null;
  /** what a client that connects late gets first, after `connected` */
  currentState(): ServerMessage[];
  /** the first samples of a dataset of the last plan, as the compile normalized them (views.ts samplePreviews) */
  samplePreview?(dataset: string): readonly Sample[] | undefined;
  /** occurrences per token id in the last plan's training data (token-counts.ts); undefined without its data */
  tokenCounts?(): TokenCountsView | undefined;
  /** the project's sweeps in a shared store; absent: read from the folder's SQLite file */
  sweeps?(): SweepReader | null;
}

/** Folder names as ids, suffixed (-2, -3) where two folders share a name. */
export function projectIds(dirs: readonly string[], basename: (dir: string) => string): string[] {
  const seen = new Map<string, number>();
  return dirs.map((dir) => {
    const base = basename(dir) || 'project';
    const n = (seen.get(base) ?? 0) + 1;
    seen.set(base, n);
    return n === 1 ? base : `${base}-${n}`;
  });
}
