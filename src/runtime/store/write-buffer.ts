// Metrics and log lines arrive one batch at a time from the training loop; they
// are kept in memory and written in one transaction per flush (on a short
// unref'd timer, when 500 rows wait, and whenever the store asks). A log line
// identical to the previous line of its run is not written again: the earlier
// row's count goes up instead. Spam (per-batch) lines and the others are two
// streams: a per-batch line in between does not stop a repeated warning from
// collapsing, since the viewer shows the warning without the per-batch lines.
import type Database from 'better-sqlite3';
import type { LogEntry, MetricPoint } from './types.js';

export const FLUSH_INTERVAL_MS = 250;
export const FLUSH_ROWS = 500;

export interface WriteBuffer {
  addMetrics(runId: string, points: readonly MetricPoint[]): void;
  addLog(runId: string | null, entry: LogEntry): void;
  /** writes everything pending in one transaction; throws if the database does (the rows stay pending) */
  flush(): void;
  /** drops every pending row (they could not be written); returns how many */
  discard(): number;
  /** rows and count increments waiting to be written */
  readonly pending: number;
  /** after a run ended: forget its last lines (flush first), so memory does not grow with every run */
  forgetRun(runId: string): void;
  /** stops the timer; does not flush */
  dispose(): void;
}

/** The last line of a run: still pending, or already written with a row id. */
interface LastLine {
  readonly key: string;
  readonly pending: PendingLog | null;
  readonly id: number | null;
}

function lineKey(entry: Pick<LogEntry, 'level' | 'category' | 'spam' | 'message'>): string {
  return `${entry.level}\u0000${entry.category}\u0000${entry.spam ? 1 : 0}\u0000${entry.message}`;
}

/** A pending metric row: run id, step, epoch, name, value (NaN as null). */
export type MetricRow = [string, number, number, string, number | null];

/** A log line waiting to be written, with how many times it repeated. */
export interface PendingLog {
  readonly runId: string | null;
  readonly entry: LogEntry;
  count: number;
}

/** Where the buffer writes: SQLite (below) or PostgreSQL (postgres/pg-write-sink.ts). */
export interface WriteSink {
  /** the newest line of a run's stream (spam or not), to collapse with what an earlier process wrote */
  lastLog(runId: string | null, spam: boolean): { id: number; level: string; category: string; message: string; spam: number } | undefined;
  /** everything in one transaction; returns each new log line's row id */
  write(metrics: readonly MetricRow[], logs: readonly PendingLog[], bumps: ReadonlyMap<number, number>): Map<PendingLog, number>;
}

export function sqliteWriteSink(db: Database.Database): WriteSink {
  const insertMetric = db.prepare('INSERT INTO metrics (run_id, step, epoch, name, value) VALUES (?, ?, ?, ?, ?)');
  const insertLog = db.prepare(
    'INSERT INTO logs (run_id, time, level, category, message, spam, count) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const bumpLog = db.prepare('UPDATE logs SET count = count + ? WHERE id = ?');
  const lastLogOfRun = db.prepare<[string | null, number], { id: number; level: string; category: string; message: string; spam: number }>(
    'SELECT id, level, category, message, spam FROM logs WHERE run_id IS ? AND spam = ? ORDER BY id DESC LIMIT 1',
  );
  const writeAll = db.transaction(
    (m: readonly MetricRow[], l: readonly PendingLog[], b: ReadonlyMap<number, number>): Map<PendingLog, number> => {
      for (const row of m) insertMetric.run(row);
      const ids = new Map<PendingLog, number>();
      for (const p of l) {
        const e = p.entry;
        const result = insertLog.run(p.runId, e.time, e.level, e.category, e.message, e.spam ? 1 : 0, p.count);
        ids.set(p, Number(result.lastInsertRowid));
      }
      for (const [id, n] of b) bumpLog.run(n, id);
      return ids;
    },
  );
  return {
    lastLog: (runId, spam) => lastLogOfRun.get(runId, spam ? 1 : 0),
    write: (m, l, b) => writeAll.immediate(m, l, b),
  };
}

export function createWriteBuffer(db: Database.Database, onTimerError: (error: Error) => void): WriteBuffer {
  return createBufferedWriter(sqliteWriteSink(db), onTimerError);
}

export function createBufferedWriter(sink: WriteSink, onTimerError: (error: Error) => void): WriteBuffer {
  let metrics: MetricRow[] = [];
  let logs: PendingLog[] = [];
  let bumps = new Map<number, number>();
  /** by stream: run id and spam flag */
  const lastLines = new Map<string, LastLine>();
  let timer: NodeJS.Timeout | null = null;
  /**
   * A flush on behalf of a writer (500 rows waiting) failed and the writer was
   * told (it threw, which stops a training loop). Until a flush succeeds, more
   * rows wait for the timer instead of throwing again at whoever logs the failure.
   */
  let told = false;

  const pendingCount = () => metrics.length + logs.length + bumps.size;

  function lastLine(stream: string, runId: string | null, spam: boolean): LastLine | null {
    const known = lastLines.get(stream);
    if (known) return known;
    // first line of this stream in this process: collapse with what an earlier process wrote
    const row = sink.lastLog(runId, spam);
    if (!row) return null;
    const line = { key: lineKey({ ...row, spam: row.spam === 1, level: row.level as LogEntry['level'] }), pending: null, id: row.id };
    lastLines.set(stream, line);
    return line;
  }

  function schedule(): void {
    if (pendingCount() >= FLUSH_ROWS && !told) {
      try {
        flush();
      } catch (error) {
        told = true;
        schedule();
        throw error;
      }
      return;
    }
    if (timer) return;
    timer = setTimeout(() => {
      timer = null;
      try {
        flush();
      } catch (error) {
        onTimerError(error as Error);
        if (pendingCount() > 0) schedule();
      }
    }, FLUSH_INTERVAL_MS);
    timer.unref();
  }

  function flush(): void {
    if (timer) {
      clearTimeout(timer);
      timer = null;
    }
    if (pendingCount() === 0) return;
    const ids = sink.write(metrics, logs, bumps);
    // only after the commit: a failed transaction leaves everything pending
    told = false;
    metrics = [];
    logs = [];
    bumps = new Map();
    for (const [stream, line] of lastLines) {
      if (line.pending) lastLines.set(stream, { key: line.key, pending: null, id: ids.get(line.pending) ?? null });
    }
  }

  return {
    addMetrics(runId, points) {
      for (const p of points) metrics.push([runId, p.step, p.epoch, p.name, Number.isNaN(p.value) ? null : p.value]);
      schedule();
    },
    addLog(runId, entry) {
      const key = lineKey(entry);
      const stream = `${entry.spam ? 1 : 0}${runId ?? ''}`;
      const last = lastLine(stream, runId, entry.spam);
      if (last && last.key === key && (last.pending || last.id !== null)) {
        if (last.pending) last.pending.count += 1;
        else bumps.set(last.id!, (bumps.get(last.id!) ?? 0) + 1);
        schedule();
        return;
      }
      const pending: PendingLog = { runId, entry: { ...entry }, count: 1 };
      logs.push(pending);
      lastLines.set(stream, { key, pending, id: null });
      schedule();
    },
    flush,
    discard() {
      const dropped = pendingCount();
      metrics = [];
      logs = [];
      bumps = new Map();
      // pending last lines are gone; written ones can still collapse
      for (const [stream, line] of lastLines) if (line.pending) lastLines.delete(stream);
      if (timer) clearTimeout(timer);
      timer = null;
      return dropped;
    },
    forgetRun(runId) {
      for (const spam of [0, 1]) {
        const line = lastLines.get(`${spam}${runId}`);
        if (line && !line.pending) lastLines.delete(`${spam}${runId}`);
      }
    },
    get pending() {
      return pendingCount();
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
