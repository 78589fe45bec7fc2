// Dataset contents for queued jobs: what the compiler's data stage produced
// (PlanData's DatasetSamples, typed arrays), stored once per content hash in
// PostgreSQL so a worker on another machine trains without a checkout. A
// dataset is serialized with v8's structured clone (typed arrays as they
// are), gzipped, and named by the sha256 of the serialized bytes: the same
// samples with the same split are one row however many trials use them.
import { createHash } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { DatasetSamples, PlanData } from '../../compiler/plan-data.js';
import type { Queryable } from './sql.js';

/** What a job carries per dataset: its name in the plan and where its samples are. */
export interface DatasetRef {
  readonly name: string;
  /** sha256 of the serialized samples */
  readonly hash: string;
  readonly count: number;
  /** serialized size before gzip */
  readonly bytes: number;
}

export const DATASET_TABLE = 'nnc.queue_datasets';

export const CREATE_DATASET_TABLE = `CREATE TABLE IF NOT EXISTS ${DATASET_TABLE} (
  hash text PRIMARY KEY,
  name text NOT NULL,
  count integer NOT NULL,
  bytes bigint NOT NULL,
  gz bytea NOT NULL,
  created_at bigint NOT NULL
)`;

export function encodeDataset(samples: DatasetSamples): { ref: DatasetRef; gz: Buffer } {
  // without the name: the same samples under another dataset name are the same row
  const raw = serialize({ ...samples, name: '' });
  const hash = createHash('sha256').update(raw).digest('hex');
  return { ref: { name: samples.name, hash, count: samples.count, bytes: raw.length }, gz: gzipSync(raw) };
}

export function decodeDataset(gz: Buffer, expected: DatasetRef): DatasetSamples {
  const raw = gunzipSync(gz);
  const hash = createHash('sha256').update(raw).digest('hex');
  if (hash !== expected.hash) throw new Error(`The stored samples of dataset '${expected.name}' do not match their hash ${expected.hash.slice(0, 12)} (got ${hash.slice(0, 12)}): the row is damaged. Enqueue the job again to store them anew.`);
  return deserialize(raw) as DatasetSamples;
}

/** Stores every dataset not stored yet; returns the references a job carries, in plan order. */
export async function putDatasets(db: Queryable, data: PlanData): Promise<{ refs: DatasetRef[]; added: number }> {
  const refs: DatasetRef[] = [];
  let added = 0;
  for (const samples of data.datasets) {
    const { ref, gz } = encodeDataset(samples);
    refs.push(ref);
    const result = await db.query(
      `INSERT INTO ${DATASET_TABLE} (hash, name, count, bytes, gz, created_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (hash) DO NOTHING`,
      [ref.hash, ref.name, ref.count, ref.bytes, gz, Date.now()],
    );
    added += result.rowCount ?? 0;
  }
  return { refs, added };
}

/** The samples a job names, fetched from the store (each hash once). */
export async function fetchDatasets(db: Queryable, refs: readonly DatasetRef[]): Promise<PlanData> {
  const hashes = [...new Set(refs.map((r) => r.hash))];
  const result = await db.query<{ hash: string; gz: Buffer }>(`SELECT hash, gz FROM ${DATASET_TABLE} WHERE hash = ANY($1::text[])`, [hashes]);
  const byHash = new Map(result.rows.map((r) => [r.hash, r.gz]));
  const datasets = refs.map((ref) => {
    const gz = byHash.get(ref.hash);
    if (!gz) throw new Error(`The samples of dataset '${ref.name}' (${ref.hash.slice(0, 12)}) are not in the store. Enqueue the job again from the project folder ('nnc train --queue' or 'nnc sweep --queue').`);
    // the name is the plan's: the same samples may serve datasets of another name
    return { ...decodeDataset(gz, ref), name: ref.name };
  });
  return { datasets };
}
