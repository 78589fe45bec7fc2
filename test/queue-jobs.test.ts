// The queue's parts against a real PostgreSQL server: dataset samples stored
// once per content hash and read back exactly; a sweep trial enqueued twice
// is one job; a `train` job of the same plan while one waits is that job; an
// active job whose worker went silent expires and comes back as a retry; an
// expired lease is reaped once and hands its run over to be marked.
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { DATASET_TABLE, fetchDatasets, putDatasets } from '../src/runtime/queue/dataset-blobs.js';
import { expirySeconds, jobIdFor, openJobQueue, TRIAL_QUEUE, type JobQueue, type TrialJob } from '../src/runtime/queue/jobs.js';
import { liveLease, reapExpiredLeases, renewLease, takeLease } from '../src/runtime/queue/leases.js';
import { openQueueDb, type QueueDb } from '../src/runtime/queue/sql.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const started = await startPostgres();
if (started.skip) console.warn(`queue-jobs tests skipped: ${started.skip}`);

describe.skipIf(!started.server)('queue on PostgreSQL', () => {
  let server: TestPostgres;
  let url: string;
  let db: QueueDb;
  let queue: JobQueue;
  const compiled = compile(resolve('test/fixtures/tiny'));

  beforeAll(async () => {
    server = started.server!;
    url = server.createDatabase('queue_jobs');
    process.env.NNC_QUEUE_MAINTENANCE_SECONDS = '1';
    db = await openQueueDb(url);
    queue = await openJobQueue(url);
  }, 60_000);

  afterAll(async () => {
    delete process.env.NNC_QUEUE_MAINTENANCE_SECONDS;
    await queue?.stop();
    await db?.close();
    server?.stop();
  });

  const job = (trialKey: string, source: 'sweep' | 'train', datasets: TrialJob['datasets']): TrialJob => ({
    version: 1,
    trialKey,
    source,
    project: { name: 'tiny', remote: '', dir: '/somewhere/tiny' },
    plan: compiled.plan!,
    datasets,
    git: { commit: null, dirty: false },
    enqueuedAt: Date.now(),
  });

  it('stores dataset samples once per content hash and reads them back exactly', async () => {
    const data = compiled.data!;
    const first = await putDatasets(db, data);
    const second = await putDatasets(db, data);
    expect(first.added).toBe(data.datasets.length);
    expect(second.added).toBe(0);
    expect(second.refs).toEqual(first.refs);
    const rows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${DATASET_TABLE}`);
    expect(rows.rows[0]!.n).toBe(new Set(first.refs.map((r) => r.hash)).size);
    const back = await fetchDatasets(db, first.refs);
    expect(back.datasets.map((d) => d.name)).toEqual(data.datasets.map((d) => d.name));
    for (const [i, d] of back.datasets.entries()) {
      const original = data.datasets[i]!;
      expect(d.count).toBe(original.count);
      expect([...d.split]).toEqual([...original.split]);
      expect([...d.keys]).toEqual([...original.keys]);
      expect(d.labels && [...d.labels]).toEqual(original.labels && [...original.labels]);
      expect(d.tokens && [...d.tokens.ids]).toEqual(original.tokens && [...original.tokens.ids]);
      expect(d.split).toBeInstanceOf(Uint8Array);
    }
    // a damaged row is a clear error, not wrong samples
    await db.query(`UPDATE ${DATASET_TABLE} SET gz = $1 WHERE hash = $2`, [gzipSync(Buffer.from('x')), first.refs[0]!.hash]);
    await expect(fetchDatasets(db, first.refs)).rejects.toThrow(/do not match their hash/);
    await expect(fetchDatasets(db, [{ ...first.refs[0]!, hash: 'f'.repeat(64) }])).rejects.toThrow(/are not in the store\. Enqueue the job again/);
  });

  it('enqueues a trial once, and a train job of the same plan once while it waits', async () => {
    const { refs } = await putDatasets(db, compiled.data!);
    const a = await queue.enqueue(job('sweepA:1', 'sweep', refs), { retryLimit: 2, expireInSeconds: 60 });
    const again = await queue.enqueue(job('sweepA:1', 'sweep', refs), { retryLimit: 2, expireInSeconds: 60 });
    expect(a).toEqual({ id: jobIdFor('sweepA:1'), added: true });
    expect(again).toEqual({ id: a.id, added: false });
    const t1 = await queue.enqueue(job('train:abc:8', 'train', refs), { retryLimit: 2, expireInSeconds: 60 });
    const t2 = await queue.enqueue(job('train:abc:8', 'train', refs), { retryLimit: 2, expireInSeconds: 60 });
    expect(t1.added).toBe(true);
    expect(t2).toEqual({ id: t1.id, added: false });
    // drain both
    const taken = [await queue.fetch(), await queue.fetch(), await queue.fetch()];
    expect(taken.filter(Boolean).map((j) => j!.data.trialKey).sort()).toEqual(['sweepA:1', 'train:abc:8']);
    for (const j of taken) if (j) await queue.complete(j, { status: 'completed', runId: null, worker: 'test' });
  });

  it('expires an active job whose worker went silent and hands it out again as a retry', async () => {
    const { refs } = await putDatasets(db, compiled.data!);
    const sent = await queue.enqueue(job('sweepB:1', 'sweep', refs), { retryLimit: 1, expireInSeconds: 1 });
    const first = await queue.fetch();
    expect(first?.id).toBe(sent.id);
    expect(first?.retryCount).toBe(0);
    expect(first?.expireInSeconds).toBe(1);
    // the worker "dies": nothing completes the job; maintenance (every second here) expires it
    let retried = null;
    for (let i = 0; i < 40 && !retried; i++) {
      await new Promise((r) => setTimeout(r, 250));
      retried = await queue.fetch();
    }
    expect(retried?.id).toBe(sent.id);
    expect(retried?.retryCount).toBe(1);
    await queue.complete(retried!, { status: 'completed', runId: 'r1', worker: 'w2' });
    const [state] = await queue.states(TRIAL_QUEUE, [sent.id]);
    expect(state).toMatchObject({ id: sent.id, state: 'completed', retryCount: 1 });
  }, 30_000);

  it('reaps an expired lease exactly once, and keeps a renewed one', async () => {
    await takeLease(db, { runId: 'run-dead', trialKey: 'sweepC:1', jobId: 'j1', worker: 'w1', project: 'tiny' }, 200);
    await takeLease(db, { runId: 'run-alive', trialKey: 'sweepC:2', jobId: 'j2', worker: 'w2', project: 'tiny' }, 200);
    await new Promise((r) => setTimeout(r, 100));
    expect(await renewLease(db, 'run-alive', 60_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    const marked: string[] = [];
    const [a, b] = await Promise.all([reapExpiredLeases(db, (l) => void marked.push(l.runId)), reapExpiredLeases(db, (l) => void marked.push(l.runId))]);
    expect(marked).toEqual(['run-dead']);
    expect(a.length + b.length).toBe(1);
    expect(await liveLease(db, 'sweepC:2')).toMatchObject({ runId: 'run-alive', worker: 'w2' });
    expect(await liveLease(db, 'sweepC:1')).toBeNull();
    expect(await renewLease(db, 'run-dead', 1000)).toBe(false);
  });

  it('sizes expiry from the plan epochs and samples, or NNC_QUEUE_EXPIRE_SECONDS', () => {
    const plan = compiled.plan!;
    expect(expirySeconds(plan, 8, {})).toBe(600);
    expect(expirySeconds(plan, 200, {})).toBe(200 * 60);
    expect(expirySeconds(plan, 100_000, {})).toBe(23 * 3600);
    expect(expirySeconds(plan, 8, { NNC_QUEUE_EXPIRE_SECONDS: '3' })).toBe(3);
    expect(expirySeconds(plan, 8, { NNC_QUEUE_EXPIRE_SECONDS: 'soon' })).toBe(600);
  });
});
