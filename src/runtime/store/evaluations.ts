// Evaluations: `nnc evaluate` scores a run's model on a split or a file and
// keeps the result with the run (a run can have several). One row each; the
// per-head reports (confusion matrices, per-class scores, ROC curves, worst
// samples) as JSON beside the scalar metrics.
import type Database from 'better-sqlite3';

export interface NewEvaluation {
  readonly runId: string;
  /** 'validation', 'test' or 'train', or 'file' for an external data file */
  readonly split: string;
  /** the external data file as given, or null */
  readonly data: string | null;
  /** which of the run's checkpoints was scored */
  readonly checkpoint: 'best' | 'last';
  /** the plan the scored model was trained on */
  readonly planHash: string;
  /** samples scored, over every head */
  readonly count: number;
  /** head -> metric -> value, e.g. {"spam": {"loss": 0.1, "f1": 0.97}} */
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** head -> its report (runtime/metrics/report.ts HeadReport) with its worst samples */
  readonly heads: Readonly<Record<string, unknown>>;
}

export interface EvaluationRecord extends NewEvaluation {
  readonly id: number;
  /** ms since epoch */
  readonly createdAt: number;
}

/** An evaluations row as SQLite and PostgreSQL return it. */
export interface EvaluationRow {
  id: number;
  run_id: string;
  created_at: number;
  split: string;
  data: string | null;
  checkpoint: string;
  plan_hash: string;
  count: number;
  metrics: string;
  heads: string;
}

export function writeEvaluation(db: Database.Database, evaluation: NewEvaluation): EvaluationRecord {
  const createdAt = Date.now();
  const result = db
    .prepare('INSERT INTO evaluations (run_id, created_at, split, data, checkpoint, plan_hash, count, metrics, heads) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
    .run(evaluation.runId, createdAt, evaluation.split, evaluation.data, evaluation.checkpoint, evaluation.planHash, evaluation.count, JSON.stringify(evaluation.metrics), JSON.stringify(evaluation.heads));
  return { ...evaluation, id: Number(result.lastInsertRowid), createdAt };
}

/** A run's evaluations, oldest first; every run's when runId is absent. */
export function readEvaluations(db: Database.Database, runId?: string): EvaluationRecord[] {
  const rows = runId === undefined
    ? db.prepare<[], EvaluationRow>('SELECT * FROM evaluations ORDER BY id').all()
    : db.prepare<[string], EvaluationRow>('SELECT * FROM evaluations WHERE run_id = ? ORDER BY id').all(runId);
  return rows.map(toEvaluationRecord);
}

export function toEvaluationRecord(r: EvaluationRow): EvaluationRecord {
  return {
    id: Number(r.id),
    runId: r.run_id,
    createdAt: r.created_at,
    split: r.split,
    data: r.data,
    checkpoint: r.checkpoint === 'last' ? 'last' : 'best',
    planHash: r.plan_hash,
    count: r.count,
    metrics: JSON.parse(r.metrics) as EvaluationRecord['metrics'],
    heads: JSON.parse(r.heads) as EvaluationRecord['heads'],
  };
}
