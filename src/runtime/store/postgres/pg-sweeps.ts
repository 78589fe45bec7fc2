// Sweeps in the PostgreSQL store: the sweeps and sweep_trials tables of
// SQLite's migration 4, per project, behind sweep-store.ts's SweepWriter and
// SweepReader, so `nnc sweep` (and its queued trials) record the same rows.
import type { NewSweep, SweepReader, SweepRecord, SweepWriter, TrialRecord } from '../../sweep/sweep-store.js';
import { RUN_COLUMNS, toRunRecord, type RunRow } from '../run-rows.js';
import type { SyncClient } from './sync-client.js';

interface SweepRow {
  id: string;
  name: string;
  status: SweepRecord['status'];
  created_at: number;
  ended_at: number | null;
  method: string;
  metric: string;
  mode: 'min' | 'max';
  parallel: number;
  spec: string;
  info: string;
}

interface TrialRow {
  sweep_id: string;
  trial: number;
  params: string;
  status: TrialRecord['status'];
  plan_hash: string;
  run_id: string | null;
  value: number | null;
  epochs: number;
  stopped_at: number | null;
}

const toSweep = (r: SweepRow): SweepRecord => ({
  id: r.id,
  name: r.name,
  status: r.status,
  createdAt: r.created_at,
  endedAt: r.ended_at,
  method: r.method,
  metric: r.metric,
  mode: r.mode,
  parallel: r.parallel,
  spec: JSON.parse(r.spec) as Record<string, unknown>,
  info: JSON.parse(r.info) as Record<string, unknown>,
});

const toTrial = (r: TrialRow): TrialRecord => ({
  sweepId: r.sweep_id,
  trial: r.trial,
  params: JSON.parse(r.params) as Record<string, unknown>,
  status: r.status,
  planHash: r.plan_hash,
  runId: r.run_id,
  value: r.value,
  epochs: r.epochs,
  stoppedAt: r.stopped_at,
});

export function postgresSweepWriter(client: SyncClient, projectId: () => number, newSweepId: () => string): SweepWriter {
  return {
    createSweep(sweep: NewSweep) {
      const id = newSweepId();
      const createdAt = Date.now();
      client.batch([
        {
          sql: 'INSERT INTO nnc.sweeps (id, project_id, name, status, created_at, method, metric, mode, parallel, spec, info) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)',
          params: [id, projectId(), sweep.name, 'running', createdAt, sweep.method, sweep.metric, sweep.mode, sweep.parallel, JSON.stringify(sweep.spec), JSON.stringify(sweep.info)],
        },
        {
          sql: `INSERT INTO nnc.sweep_trials (sweep_id, trial, params, status, plan_hash)
                SELECT $1, u.trial, u.params, 'pending', u.plan_hash FROM unnest($2::int[], $3::text[], $4::text[]) AS u(trial, params, plan_hash)`,
          params: [id, sweep.trials.map((t) => t.trial), sweep.trials.map((t) => JSON.stringify(t.params)), sweep.trials.map((t) => t.planHash)],
        },
      ]);
      return { id, name: sweep.name, status: 'running', createdAt, endedAt: null, method: sweep.method, metric: sweep.metric, mode: sweep.mode, parallel: sweep.parallel, spec: sweep.spec as Record<string, unknown>, info: sweep.info };
    },
    updateTrial(sweepId, trial, patch) {
      const columns: Record<string, unknown> = {};
      if (patch.status !== undefined) columns.status = patch.status;
      if (patch.runId !== undefined) columns.run_id = patch.runId;
      if (patch.value !== undefined) columns.value = patch.value !== null && Number.isFinite(patch.value) ? patch.value : null;
      if (patch.epochs !== undefined) columns.epochs = patch.epochs;
      if (patch.stoppedAt !== undefined) columns.stopped_at = patch.stoppedAt;
      const names = Object.keys(columns);
      if (names.length === 0) return;
      const values = Object.values(columns);
      client.query(
        `UPDATE nnc.sweep_trials SET ${names.map((n, i) => `${n} = $${i + 1}`).join(', ')} WHERE sweep_id = $${names.length + 1} AND trial = $${names.length + 2}`,
        [...values, sweepId, trial],
      );
    },
    tagRun(runId, sweepId, trial) {
      client.query('UPDATE nnc.runs SET sweep_id = $1, sweep_trial = $2 WHERE id = $3', [sweepId, trial, runId]);
    },
    endSweep(id, status, info = {}) {
      client.transaction(() => {
        const row = client.query<{ info: string }>('SELECT info FROM nnc.sweeps WHERE id = $1 FOR UPDATE', [id]).rows[0];
        const merged = { ...(row ? (JSON.parse(row.info) as Record<string, unknown>) : {}), ...info };
        client.query('UPDATE nnc.sweeps SET status = $1, ended_at = $2, info = $3 WHERE id = $4', [status, Date.now(), JSON.stringify(merged), id]);
      });
    },
    close() {
      // the store's connection: closed with the store
    },
  };
}

export function postgresSweepReader(client: SyncClient, projectId: () => number): SweepReader {
  const list = () => client.query<SweepRow>('SELECT * FROM nnc.sweeps WHERE project_id = $1 ORDER BY created_at DESC', [projectId()]).rows.map(toSweep);
  return {
    listSweeps: list,
    findSweep(id) {
      const all = list();
      const exact = all.find((s) => s.id === id);
      if (exact) return exact;
      const matches = all.filter((s) => s.id.startsWith(id));
      if (matches.length === 1) return matches[0]!;
      if (matches.length === 0 && all.some((s) => s.name === id)) return all.find((s) => s.name === id)!;
      if (matches.length > 1) return `'${id}' names ${matches.length} sweeps: ${matches.slice(0, 10).map((s) => `${s.id} (${s.name})`).join(', ')}. Give more of the id.`;
      return `There is no sweep '${id}' in this project. 'nnc sweep --list' lists the sweeps.`;
    },
    trials: (sweepId) => client.query<TrialRow>('SELECT * FROM nnc.sweep_trials WHERE sweep_id = $1 ORDER BY trial', [sweepId]).rows.map(toTrial),
    runs(sweepId) {
      const sweep = list().find((s) => s.id === sweepId);
      const params = new Map(client.query<TrialRow>('SELECT * FROM nnc.sweep_trials WHERE sweep_id = $1', [sweepId]).rows.map((t) => [t.trial, JSON.parse(t.params) as unknown]));
      return client
        .query<RunRow & { sweep_trial: number }>(`SELECT ${RUN_COLUMNS}, sweep_trial FROM nnc.runs WHERE sweep_id = $1 ORDER BY started_at DESC`, [sweepId])
        .rows.map((row) => {
          const run = toRunRecord(row);
          return { ...run, info: { ...run.info, sweep: { id: sweepId, name: sweep?.name ?? null, trial: row.sweep_trial, params: params.get(row.sweep_trial) ?? {} } } };
        });
    },
  };
}
