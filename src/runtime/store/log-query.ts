// The log filter of `nnc logs` and /api/logs as one SQL query.
import type Database from 'better-sqlite3';
import type { LogFilter, LogLevel, StoredLog } from './types.js';

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

/** A row of the logs table as SQLite and PostgreSQL return it. */
export interface LogRow {
  id: number;
  run_id: string | null;
  time: number;
  level: LogLevel;
  category: string;
  message: string;
  spam: number;
  count: number;
}

/** The newest `limit` lines (default 1000) matching the filter, oldest first. Spam only when filter.spam is true. */
export function queryLogs(db: Database.Database, filter: LogFilter): StoredLog[] {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.runId !== undefined) {
    where.push('run_id = ?');
    params.push(filter.runId);
  }
  if (filter.level !== undefined) {
    const levels = LEVELS.slice(Math.max(0, LEVELS.indexOf(filter.level)));
    where.push(`level IN (${levels.map(() => '?').join(', ')})`);
    params.push(...levels);
  }
  if (filter.q) {
    // a literal substring: % and _ are escaped; LIKE ignores ASCII case
    where.push("(message LIKE ? ESCAPE '\\' OR category LIKE ? ESCAPE '\\')");
    const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    params.push(pattern, pattern);
  }
  if (filter.category !== undefined) {
    where.push('category = ?');
    params.push(filter.category);
  }
  if (filter.spam !== true) where.push('spam = 0');
  if (filter.afterId !== undefined) {
    where.push('id > ?');
    params.push(filter.afterId);
  }
  const sql = `SELECT * FROM (
      SELECT id, run_id, time, level, category, message, spam, count FROM logs
      ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?
    ) ORDER BY id`;
  return db
    .prepare<unknown[], LogRow>(sql)
    .all(...params, filter.limit ?? 1000)
    .map(toStoredLog);
}

export function toStoredLog(r: LogRow): StoredLog {
  return {
    id: Number(r.id),
    runId: r.run_id,
    time: r.time,
    level: r.level,
    category: r.category,
    message: r.message,
    spam: r.spam === 1,
    count: r.count,
  };
}
