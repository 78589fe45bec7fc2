// A shared store's checkpoints, content-addressed: each file of a run's
// checkpoint folder is stored once per sha256, in PostgreSQL's blobs table
// (bytea) or as a file under --artifacts <dir>; checkpoint_files maps a run's
// paths to hashes. tfjs keeps saving to and loading from a local folder (the
// cache): after a checkpoint is written its files are uploaded (only hashes
// the store lacks), before one is read they are fetched into the cache.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import type { SyncClient } from './sync-client.js';

export interface BlobStore {
  /** which of these hashes the store lacks */
  missing(hashes: readonly string[]): Set<string>;
  put(hash: string, data: Uint8Array): void;
  get(hash: string): Uint8Array | null;
  /** where, for messages */
  readonly where: string;
}

export function postgresBlobs(client: SyncClient): BlobStore {
  return {
    where: 'the blobs table',
    missing(hashes) {
      if (hashes.length === 0) return new Set();
      const found = client.query<{ hash: string }>('SELECT hash FROM nnc.blobs WHERE hash = ANY($1::text[]) AND data IS NOT NULL', [hashes]).rows;
      const have = new Set(found.map((r) => r.hash));
      return new Set(hashes.filter((h) => !have.has(h)));
    },
    put(hash, data) {
      client.query(
        'INSERT INTO nnc.blobs (hash, size, data, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (hash) DO UPDATE SET data = EXCLUDED.data WHERE nnc.blobs.data IS NULL',
        [hash, data.byteLength, data, Date.now()],
      );
    },
    get(hash) {
      const row = client.query<{ data: Uint8Array | null }>('SELECT data FROM nnc.blobs WHERE hash = $1', [hash]).rows[0];
      return row?.data ?? null;
    },
  };
}

/** Files under `dir`/<2 hex>/<hash>; the blobs table records their size only. */
export function directoryBlobs(dir: string, client: SyncClient): BlobStore {
  const fileOf = (hash: string) => join(dir, hash.slice(0, 2), hash);
  return {
    where: `'${dir}'`,
    missing: (hashes) => new Set(hashes.filter((h) => !existsSync(fileOf(h)))),
    put(hash, data) {
      const file = fileOf(hash);
      mkdirSync(dirname(file), { recursive: true });
      writeAtomically(file, data);
      client.query('INSERT INTO nnc.blobs (hash, size, data, created_at) VALUES ($1, $2, NULL, $3) ON CONFLICT (hash) DO NOTHING', [hash, data.byteLength, Date.now()]);
    },
    get(hash) {
      const file = fileOf(hash);
      return existsSync(file) ? readFileSync(file) : null;
    },
  };
}

function writeAtomically(file: string, data: Uint8Array): void {
  const temp = `${file}.${process.pid}.${randomBytes(3).toString('hex')}.tmp`;
  writeFileSync(temp, data);
  renameSync(temp, file);
}

const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** Every file of a checkpoint folder (relative, '/'-separated), without a save in progress (.staging). */
function checkpointFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.name === '.staging' || entry.name.endsWith('.tmp')) continue;
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

export interface CheckpointSync {
  /** uploads the files of the run's folder the store lacks; returns how many blobs were new */
  upload(runId: string, dir: string): number;
  /** writes the run's stored files into its folder where they are missing or differ; returns how many */
  fetch(runId: string, dir: string): number;
}

export function createCheckpointSync(client: SyncClient, blobs: BlobStore): CheckpointSync {
  return {
    upload(runId, dir) {
      const files = checkpointFiles(dir).map((path) => {
        const data = readFileSync(join(dir, path));
        return { path, data, hash: sha256(data) };
      });
      const known = new Map(
        client.query<{ path: string; hash: string }>('SELECT path, hash FROM nnc.checkpoint_files WHERE run_id = $1', [runId]).rows.map((r) => [r.path, r.hash]),
      );
      const changed = files.filter((f) => known.get(f.path) !== f.hash);
      if (changed.length === 0) return 0;
      const missing = blobs.missing([...new Set(changed.map((f) => f.hash))]);
      let added = 0;
      client.transaction(() => {
        for (const f of changed) {
          if (missing.has(f.hash)) {
            blobs.put(f.hash, f.data);
            missing.delete(f.hash);
            added += 1;
          }
        }
        client.query(
          `INSERT INTO nnc.checkpoint_files (run_id, path, hash, size)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::bigint[])
           ON CONFLICT (run_id, path) DO UPDATE SET hash = EXCLUDED.hash, size = EXCLUDED.size`,
          [runId, changed.map((f) => f.path), changed.map((f) => f.hash), changed.map((f) => f.data.byteLength)],
        );
      });
      return added;
    },
    fetch(runId, dir) {
      const rows = client.query<{ path: string; hash: string }>('SELECT path, hash FROM nnc.checkpoint_files WHERE run_id = $1 ORDER BY path', [runId]).rows;
      let written = 0;
      // model.json last: a loader that finds it finds its weights
      rows.sort((a, b) => Number(a.path.endsWith('model.json')) - Number(b.path.endsWith('model.json')));
      for (const row of rows) {
        if (row.path.split('/').some((part) => part === '..' || part === '')) continue;
        const file = join(dir, row.path);
        if (existsSync(file) && statSync(file).isFile() && sha256(readFileSync(file)) === row.hash) continue;
        const data = blobs.get(row.hash);
        if (!data) throw new Error(`The checkpoint file '${row.path}' of run '${runId}' (sha256 ${row.hash.slice(0, 12)}) is missing from ${blobs.where}.`);
        mkdirSync(dirname(file), { recursive: true });
        writeAtomically(file, data);
        written += 1;
      }
      return written;
    },
  };
}
