// A runs row as SQLite returns it, and the RunRecord the store hands out.
import { randomBytes } from 'node:crypto';
import type { RunRecord, RunStatus } from './types.js';

export interface RunRow {
  id: string;
  project: string;
  plan_hash: string;
  model_hash: string;
  git_commit: string | null;
  git_dirty: number;
  backend: string;
  status: RunStatus;
  parent_id: string | null;
  started_at: number;
  ended_at: number | null;
  best: string;
  info: string;
  pid: number | null;
  host: string | null;
}

export const RUN_COLUMNS =
  'id, project, plan_hash, model_hash, git_commit, git_dirty, backend, status, parent_id, started_at, ended_at, best, info, pid, host';

export function toRunRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    project: row.project,
    planHash: row.plan_hash,
    modelHash: row.model_hash,
    gitCommit: row.git_commit,
    gitDirty: row.git_dirty === 1,
    backend: row.backend,
    status: row.status,
    parentId: row.parent_id,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    best: JSON.parse(row.best) as Record<string, number>,
    info: JSON.parse(row.info) as Record<string, unknown>,
  };
}

let lastIdTime = 0;
/** `r` + base36 milliseconds + 4 random base36 characters: sortable by creation, within a process strictly. */
export function newRunId(now = Date.now()): string {
  const time = Math.max(now, lastIdTime + 1);
  lastIdTime = time;
  const random = randomBytes(4).readUInt32BE(0).toString(36).padStart(7, '0').slice(-4);
  return `r${time.toString(36).padStart(9, '0')}${random}`;
}
