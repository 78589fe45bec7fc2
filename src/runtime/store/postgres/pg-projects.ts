// The projects of a shared store (one row per Project name and git remote,
// project-identity.ts), and the runs of one that a dead process left running.
import { hostname } from 'node:os';
import { processAlive } from '../interrupted.js';
import { RUN_COLUMNS, type RunRow } from '../run-rows.js';
import type { ProjectIdentity } from './project-identity.js';
import type { SyncClient } from './sync-client.js';

export interface ProjectRecord {
  readonly id: number;
  readonly name: string;
  readonly remote: string;
  /** the folder (and host) it was last written from */
  readonly dir: string;
  readonly host: string;
  readonly createdAt: number;
  readonly runs: number;
  readonly lastRunAt: number | null;
}

/** The project's id, or -1 when the store has none by that name and remote (a reader then sees nothing). */
export function findProject(client: SyncClient, who: ProjectIdentity): number {
  return client.query<{ id: number }>('SELECT id FROM nnc.projects WHERE name = $1 AND remote = $2', [who.name, who.remote]).rows[0]?.id ?? -1;
}

/** The project's id, its row created or told the folder and host it is written from now. */
export function upsertProject(client: SyncClient, who: ProjectIdentity, dir: string): number {
  return client.query<{ id: number }>(
    `INSERT INTO nnc.projects (name, remote, dir, host, created_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (name, remote) DO UPDATE SET dir = EXCLUDED.dir, host = EXCLUDED.host RETURNING id`,
    [who.name, who.remote, dir, hostname(), Date.now()],
  ).rows[0]!.id;
}

export function listProjects(client: SyncClient): ProjectRecord[] {
  return client
    .query<{ id: number; name: string; remote: string; dir: string; host: string; created_at: number; runs: number; last_run_at: number | null }>(
      `SELECT p.id, p.name, p.remote, p.dir, p.host, p.created_at, count(r.id)::int AS runs, max(r.started_at) AS last_run_at
       FROM nnc.projects p LEFT JOIN nnc.runs r ON r.project_id = p.id
       GROUP BY p.id ORDER BY p.name, p.remote`,
    )
    .rows.map((r) => ({ id: r.id, name: r.name, remote: r.remote, dir: r.dir, host: r.host, createdAt: r.created_at, runs: r.runs, lastRunAt: r.last_run_at }));
}

/**
 * The project's runs of this machine still marked running whose process is
 * gone become 'interrupted', with a log line saying so. Other machines' runs
 * cannot be checked from here: they are left alone (a worker's lease ends them).
 */
export function markInterruptedRuns(client: SyncClient, projectId: number): void {
  const me = hostname();
  const running = client.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM nnc.runs WHERE project_id = $1 AND status = 'running' AND host = $2`, [projectId, me]).rows;
  const dead = running.filter((r) => r.pid !== null && r.pid !== process.pid && !processAlive(r.pid));
  for (const run of dead) {
    client.transaction(() => {
      // the run ended around its last log line or snapshot
      const last = client.query<{ t: number | null }>(
        'SELECT greatest((SELECT max(time) FROM nnc.logs WHERE run_id = $1), (SELECT max(time) FROM nnc.snapshots WHERE run_id = $1)) AS t',
        [run.id],
      ).rows[0]?.t;
      const marked = client.query("UPDATE nnc.runs SET status = 'interrupted', ended_at = $1 WHERE id = $2 AND status = 'running'", [Math.max(run.started_at, last ?? 0), run.id]);
      if (marked.rowCount === 0) return; // another process got there first
      client.query(
        "INSERT INTO nnc.logs (project_id, run_id, time, level, category, message, spam, count) VALUES ($1, $2, $3, 'warning', 'system', $4, 0, 1)",
        [projectId, run.id, Date.now(), `Run '${run.id}' was still marked running but its process (pid ${run.pid} on ${me}) is gone; it is now marked interrupted.`],
      );
    });
  }
}
