// `nnc backup --store postgres://…`: the whole shared store (every project in
// the nnc schema) with pg_dump in its custom format where pg_dump is installed
// and can dump this server, else a logical export: JSON lines, a header line
// then one line per row ({"table", "row"}; bytea as base64). The password goes
// to pg_dump through PGPASSWORD, never on its command line.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { pgMigrations } from './pg-migrations.js';
import type { SyncClient } from './sync-client.js';

export interface PostgresBackup {
  readonly method: 'pg_dump' | 'json';
  /** why pg_dump was not used, when it was not */
  readonly reason?: string;
}

/** The tables of the export, parents first (a restore inserts in this order). */
export const EXPORTED_TABLES = [
  'projects', 'runs', 'metrics', 'logs', 'snapshots', 'snapshot_tensors', 'diagnostics', 'evaluations', 'sweeps', 'sweep_trials', 'blobs', 'checkpoint_files',
] as const;

const PAGE = 2000;

function pgDump(url: string, out: string): { ok: true } | { ok: false; reason: string } {
  const u = new URL(url);
  // the password travels in pg_dump's environment, never on its command line (ps shows that)
  const password = decodeURIComponent(u.password) || u.searchParams.get('password') || '';
  u.password = '';
  u.searchParams.delete('password');
  const env = { ...process.env, ...(password ? { PGPASSWORD: password } : {}) };
  const result = spawnSync('pg_dump', ['--format=custom', '--schema=nnc', `--file=${out}`, `--dbname=${u.toString()}`], { env, encoding: 'utf8', timeout: 600_000 });
  if (result.error) return { ok: false, reason: (result.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'pg_dump is not installed' : result.error.message };
  if (result.status !== 0) {
    const line = (result.stderr || '').split('\n').find((l) => l.trim() !== '') ?? `exit code ${result.status}`;
    return { ok: false, reason: `pg_dump failed: ${line.replace(/^pg_dump: (error: )?/, '').split(password || '\u0000').join('***')}` };
  }
  return { ok: true };
}

function logicalExport(client: SyncClient, out: string): void {
  const fd = openSync(out, 'w');
  try {
    writeSync(fd, `${JSON.stringify({ nnc: 'store-export', schema: pgMigrations.length, createdAt: Date.now(), tables: EXPORTED_TABLES })}\n`);
    // one snapshot of the whole store: every page read in one repeatable-read transaction
    client.transaction(() => {
      client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      for (const table of EXPORTED_TABLES) {
        const key = table === 'checkpoint_files' ? 'run_id, path' : table === 'sweep_trials' ? 'sweep_id, trial' : table === 'blobs' ? 'hash' : table === 'metrics' ? 'run_id, name, step' : 'id';
        for (let offset = 0; ; offset += PAGE) {
          const rows = client.query(`SELECT * FROM nnc.${table} ORDER BY ${key} LIMIT ${PAGE} OFFSET ${offset}`).rows;
          for (const row of rows) {
            const plain = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v instanceof Uint8Array ? { base64: Buffer.from(v).toString('base64') } : v]));
            writeSync(fd, `${JSON.stringify({ table, row: plain })}\n`);
          }
          if (rows.length < PAGE) break;
        }
      }
    });
  } finally {
    closeSync(fd);
  }
}

/** Writes the backup to a temporary file beside `out` and renames it into place once complete. */
export async function backupPostgres(client: SyncClient, url: string, out: string): Promise<PostgresBackup> {
  mkdirSync(dirname(out), { recursive: true });
  const temp = `${out}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  try {
    const dumped = pgDump(url, temp);
    if (dumped.ok) {
      renameSync(temp, out);
      return { method: 'pg_dump' };
    }
    rmSync(temp, { force: true });
    logicalExport(client, temp);
    renameSync(temp, out);
    return { method: 'json', reason: dumped.reason };
  } finally {
    rmSync(temp, { force: true });
  }
}

