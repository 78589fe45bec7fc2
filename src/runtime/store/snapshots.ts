// Weight and gradient statistics: one snapshots row per (run, step), one
// snapshot_tensors row per tensor. Few and small, so written at once.
import type Database from 'better-sqlite3';
import type { Snapshot, TensorStats } from './types.js';

/** A snapshot joined with its tensors, one row a tensor, as SQLite and PostgreSQL return it. */
export interface SnapshotRow {
  snapshot_id: number;
  step: number;
  epoch: number;
  time: number;
  name: string | null;
  layer: string;
  shape: string;
  mean: number | null;
  std: number | null;
  min: number | null;
  max: number | null;
  histogram: string;
  grad_norm: number | string | null;
}

/** SQLite has no NaN (it stores NULL); a statistic of a diverged model is NaN again when read. */
export const real = (v: number): number | null => (Number.isNaN(v) ? null : v);
const num = (v: number | null): number => v ?? Number.NaN;
// grad_norm is nullable (no gradient), so its NaN is kept as the text 'NaN'
const gradNorm = (v: number | null): number | string | null => (v === null ? null : Number.isNaN(v) ? 'NaN' : v);

export function writeSnapshot(db: Database.Database, runId: string, snapshot: Snapshot): void {
  const insertSnapshot = db.prepare('INSERT INTO snapshots (run_id, step, epoch, time) VALUES (?, ?, ?, ?)');
  const insertTensor = db.prepare(
    `INSERT INTO snapshot_tensors (snapshot_id, name, layer, shape, mean, std, min, max, histogram, grad_norm)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    const id = Number(insertSnapshot.run(runId, snapshot.step, snapshot.epoch, snapshot.time).lastInsertRowid);
    for (const t of snapshot.tensors) {
      insertTensor.run(
        id, t.name, t.layer, JSON.stringify(t.shape), real(t.mean), real(t.std), real(t.min), real(t.max),
        JSON.stringify(t.histogram), gradNorm(t.gradNorm),
      );
    }
  }).immediate();
}

/** All snapshots of a run, oldest first; or only the newest (by step) when `latestOnly`. */
export function readSnapshots(db: Database.Database, runId: string, latestOnly: boolean): Snapshot[] {
  const which = latestOnly
    ? '(SELECT id FROM snapshots WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT 1)'
    : '(SELECT id FROM snapshots WHERE run_id = ?)';
  const rows = db
    .prepare<[string], SnapshotRow>(
      `SELECT s.id AS snapshot_id, s.step, s.epoch, s.time, t.name, t.layer, t.shape, t.mean, t.std, t.min, t.max, t.histogram, t.grad_norm
       FROM snapshots s LEFT JOIN snapshot_tensors t ON t.snapshot_id = s.id
       WHERE s.id IN ${which}
       ORDER BY s.step, s.id, t.rowid`,
    )
    .all(runId);
  return snapshotsFromRows(rows);
}

/** Snapshot rows (ordered by step, snapshot, tensor) grouped into snapshots; NULL statistics are NaN again. */
export function snapshotsFromRows(rows: readonly SnapshotRow[]): Snapshot[] {
  const snapshots: Array<{ step: number; epoch: number; time: number; tensors: TensorStats[] }> = [];
  let current: (typeof snapshots)[number] | null = null;
  let currentId = -1;
  for (const r of rows) {
    if (Number(r.snapshot_id) !== currentId) {
      current = { step: r.step, epoch: r.epoch, time: r.time, tensors: [] };
      currentId = Number(r.snapshot_id);
      snapshots.push(current);
    }
    if (r.name === null) continue; // a snapshot without tensors
    current!.tensors.push({
      name: r.name,
      layer: r.layer,
      shape: JSON.parse(r.shape) as number[],
      mean: num(r.mean),
      std: num(r.std),
      min: num(r.min),
      max: num(r.max),
      histogram: JSON.parse(r.histogram) as number[],
      gradNorm: r.grad_norm === null ? null : Number(r.grad_norm),
    });
  }
  return snapshots;
}
