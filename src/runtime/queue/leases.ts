// A lease per running run of a queued job: the worker training it renews it
// every few seconds (a heartbeat); a run whose lease ran out belongs to a
// worker that is gone (killed, crashed, cut off), so it is marked
// 'interrupted' by whoever sees it first: a worker taking a job, or the
// command waiting for a sweep. SQLite stores check a run's pid instead
// (store/interrupted.ts); machines do not share pids. Times are the
// database's clock, so machines with skewed clocks agree.
import type { Queryable } from './sql.js';

export const LEASE_TABLE = 'nnc.queue_leases';

export const CREATE_LEASE_TABLE = `CREATE TABLE IF NOT EXISTS ${LEASE_TABLE} (
  run_id text PRIMARY KEY,
  trial_key text NOT NULL,
  job_id text NOT NULL,
  worker text NOT NULL,
  project text NOT NULL,
  heartbeat_at bigint NOT NULL,
  expires_at bigint NOT NULL
)`;

const NOW = '(extract(epoch from clock_timestamp()) * 1000)::bigint';

export interface Lease {
  readonly runId: string;
  readonly trialKey: string;
  readonly jobId: string;
  readonly worker: string;
  readonly project: string;
  readonly heartbeatAt: number;
  readonly expiresAt: number;
}

interface LeaseRow {
  run_id: string;
  trial_key: string;
  job_id: string;
  worker: string;
  project: string;
  heartbeat_at: number;
  expires_at: number;
}

const toLease = (r: LeaseRow): Lease => ({ runId: r.run_id, trialKey: r.trial_key, jobId: r.job_id, worker: r.worker, project: r.project, heartbeatAt: Number(r.heartbeat_at), expiresAt: Number(r.expires_at) });

export async function takeLease(db: Queryable, lease: Omit<Lease, 'heartbeatAt' | 'expiresAt'>, ttlMs: number): Promise<void> {
  await db.query(
    `INSERT INTO ${LEASE_TABLE} (run_id, trial_key, job_id, worker, project, heartbeat_at, expires_at) VALUES ($1, $2, $3, $4, $5, ${NOW}, ${NOW} + $6)
     ON CONFLICT (run_id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, expires_at = EXCLUDED.expires_at, worker = EXCLUDED.worker`,
    [lease.runId, lease.trialKey, lease.jobId, lease.worker, lease.project, ttlMs],
  );
}

/** Renews a lease; false when it is gone (another process found it expired and marked the run). */
export async function renewLease(db: Queryable, runId: string, ttlMs: number): Promise<boolean> {
  const result = await db.query(`UPDATE ${LEASE_TABLE} SET heartbeat_at = ${NOW}, expires_at = ${NOW} + $2 WHERE run_id = $1`, [runId, ttlMs]);
  return (result.rowCount ?? 0) > 0;
}

export async function releaseLease(db: Queryable, runId: string): Promise<void> {
  await db.query(`DELETE FROM ${LEASE_TABLE} WHERE run_id = $1`, [runId]);
}

/** The unexpired lease of a trial, if a worker still trains it. */
export async function liveLease(db: Queryable, trialKey: string): Promise<Lease | null> {
  const result = await db.query<LeaseRow>(`SELECT * FROM ${LEASE_TABLE} WHERE trial_key = $1 AND expires_at > ${NOW} ORDER BY heartbeat_at DESC LIMIT 1`, [trialKey]);
  return result.rows[0] ? toLease(result.rows[0]) : null;
}

/**
 * Takes every expired lease (each is taken by one caller only: the DELETE
 * decides) and hands it to `interrupt`, which marks its run.
 */
export async function reapExpiredLeases(db: Queryable, interrupt: (lease: Lease) => Promise<void> | void): Promise<Lease[]> {
  const result = await db.query<LeaseRow>(`DELETE FROM ${LEASE_TABLE} WHERE expires_at <= ${NOW} RETURNING *`);
  const leases = result.rows.map(toLease);
  for (const lease of leases) await interrupt(lease);
  return leases;
}
