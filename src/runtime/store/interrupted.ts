// A run still 'running' whose process is gone (killed, crashed, machine
// rebooted) is marked 'interrupted' when a store opens, with a log line saying so.
// A run of a live process on this machine is left alone, so `nnc runs` next to
// a running `nnc watch` changes nothing.
import type Database from 'better-sqlite3';
import { hostname } from 'node:os';
import { RUN_COLUMNS, type RunRow } from './run-rows.js';

/** Runs this process created. A run with our pid but not in here is from an earlier process that had the same pid (a restarted container). */
const ownRuns = new Set<string>();

export function claimRun(id: string): void {
  ownRuns.add(id);
}

/** Whether a process with this pid runs on this machine (one we may not signal counts as alive). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function markInterruptedRuns(db: Database.Database): void {
  const running = db.prepare<[], RunRow>(`SELECT ${RUN_COLUMNS} FROM runs WHERE status = 'running'`).all();
  const me = hostname();
  // a run of another host cannot be checked; SQLite is not meant to be shared over a network anyway
  const dead = running.filter(
    (r) => !(r.host === me && r.pid !== null && (r.pid === process.pid ? ownRuns.has(r.id) : processAlive(r.pid))),
  );
  if (dead.length === 0) return;
  // the run ended around its last log line or snapshot
  const lastActivity = db.prepare<[string, string], { t: number }>(
    `SELECT max(coalesce((SELECT max(time) FROM logs WHERE run_id = ?), 0),
                coalesce((SELECT max(time) FROM snapshots WHERE run_id = ?), 0)) AS t`,
  );
  const mark = db.prepare(`UPDATE runs SET status = 'interrupted', ended_at = ? WHERE id = ? AND status = 'running'`);
  const log = db.prepare(
    "INSERT INTO logs (run_id, time, level, category, message, spam, count) VALUES (?, ?, 'warning', 'system', ?, 0, 1)",
  );
  db.transaction(() => {
    const now = Date.now();
    for (const run of dead) {
      const endedAt = Math.max(run.started_at, lastActivity.get(run.id, run.id)?.t ?? 0);
      if (mark.run(endedAt, run.id).changes === 0) continue; // another process got there first
      const who = run.pid === null ? 'its process' : `its process (pid ${run.pid}${run.host && run.host !== me ? ` on ${run.host}` : ''})`;
      log.run(run.id, now, `Run '${run.id}' was still marked running but ${who} is gone; it is now marked interrupted.`);
    }
  }).immediate();
}
