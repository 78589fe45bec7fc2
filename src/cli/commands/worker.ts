// nnc worker --store postgres://…: takes training jobs that `nnc train
// --queue` and `nnc sweep --queue` enqueued, trains each, and reports into
// the shared store. Needs no project folder.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineCommand, UserError } from '../command.js';
import { sharedStoreUrl, printableError } from '../queue-store.js';

const help = `Usage: nnc worker --store <url> [options]

Takes training jobs from the shared store's queue (pg-boss queues 'nnc-trial'
for 'nnc sweep --queue' and 'nnc-train' for 'nnc train --queue') and trains
them one at a time: the run, its metrics, logs and checkpoints go into the
store, tagged with the job, the worker and the sweep trial. It needs no
project folder: a job carries its plan, and its datasets' samples are fetched
from the store by their content hash. Start as many as you like, on any
machine that reaches the store.

While a run trains, its worker renews a lease on it; a run whose lease ran out
(the worker was killed or lost the network) is marked 'interrupted', and its
job is retried once it expires (after a time sized from the plan's epochs),
continuing from the run's last checkpoint. SIGTERM or Ctrl-C takes no further
job, stops the current run after its batch with its checkpoints, hands the job
back to the queue and exits 0; a second one quits at once.

Options:
  --store <url>        the PostgreSQL store (default: NNC_STORE); credentials
                       come from the URL or PGUSER / PGPASSWORD / ~/.pgpass
                       and are never printed
  --artifacts <dir>    checkpoint files in this folder (shared by every
                       machine) instead of the store; also NNC_ARTIFACTS
  --concurrency <n>    jobs trained at once, each in a worker process of its
                       own (default 1)
  --name <name>        this worker's name in runs and logs (default host:pid)
  --max-jobs <n>       exit after n jobs
  --backend <b>        TensorFlow.js backend: node, wasm or cpu (also NNC_BACKEND)
  -h, --help           show this help

Environment: NNC_QUEUE_LEASE_SECONDS (default 60) is how long a silent
worker's run stays 'running'; NNC_QUEUE_MAINTENANCE_SECONDS (default 30) how
often expired jobs are looked for; NNC_QUEUE_EXPIRE_SECONDS sets the expiry
of jobs enqueued (tests use seconds).

Exit code: 0 stopped by a signal (or after --max-jobs), 1 the store cannot be
used, 2 bad command line.`;

export default defineCommand({
  name: 'worker',
  help,
  options: { store: { type: 'string' }, concurrency: { type: 'string' }, name: { type: 'string' }, 'max-jobs': { type: 'string' }, backend: { type: 'string' } },
  async run({ values, positionals }) {
    if (positionals.length > 0) throw new UserError(`'nnc worker' takes no project folder (jobs carry their plans), got '${positionals[0]}'.`);
    const url = sharedStoreUrl(values.store, 'worker');
    const concurrency = wholeNumber(values.concurrency, '--concurrency', 1, 64) ?? 1;
    const maxJobs = wholeNumber(values['max-jobs'], '--max-jobs', 1, Number.MAX_SAFE_INTEGER);
    const name = (values.name as string | undefined) ?? `${hostname()}:${process.pid}`;
    if (concurrency > 1) return fleet(concurrency, name);

    const { redactUrl } = await import('../../runtime/store/open-store.js');
    const say = (line: string) => process.stdout.write(`[${new Date().toISOString().slice(11, 19)}] ${line}\n`);
    const { loadTf } = await import('../../runtime/backend/index.js');
    let loaded;
    try {
      loaded = await loadTf(values.backend as string | undefined);
    } catch (error) {
      throw new UserError((error as Error).message, values.backend === undefined ? 1 : 2);
    }
    const [{ openQueueDb }, { openJobQueue }, { sharedStores }, { runWorker }] = await Promise.all([
      import('../../runtime/queue/sql.js'),
      import('../../runtime/queue/jobs.js'),
      import('../../runtime/queue/shared-store.js'),
      import('../../runtime/queue/worker-loop.js'),
    ]);
    const workDir = mkdtempSync(join(tmpdir(), 'nnc-worker-'));
    let db;
    let queue;
    try {
      db = await openQueueDb(url, `nnc worker ${name}`);
      queue = await openJobQueue(url, { onError: (error) => say(`warning: the queue: ${printableError(error, url)}`) });
    } catch (error) {
      await db?.close().catch(() => {});
      rmSync(workDir, { recursive: true, force: true });
      throw new UserError(`Cannot use the store '${redactUrl(url)}' for jobs: ${printableError(error, url)}`, 1);
    }
    const stores = sharedStores({ url, db, workDir, cacheDir: join(workDir, 'runs') });
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => {
      if (controller.signal.aborted) process.exit(128 + (signal === 'SIGINT' ? 2 : 15));
      controller.abort();
      say(`${signal}: taking no further job; the current run stops after its batch with its checkpoints (${signal} again quits at once).`);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
    say(`nnc worker '${name}' on the TensorFlow.js '${loaded.backend}' backend: taking jobs from '${redactUrl(url)}' (queues nnc-trial, nnc-train).`);
    try {
      const summary = await runWorker({ name, tf: loaded.tf, backend: loaded.backend, queue, db, stores, signal: controller.signal, workDir, log: say, describeError: (error) => printableError(error, url), ...(maxJobs ? { maxJobs } : {}) });
      say(`nnc worker '${name}' stops: ${summary.jobs} job${summary.jobs === 1 ? '' : 's'} taken, ${summary.completed} completed, ${summary.failed} failed, ${summary.stopped} handed back.`);
    } finally {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      stores.close();
      await queue.stop().catch(() => {});
      await db.close().catch(() => {});
      rmSync(workDir, { recursive: true, force: true });
    }
    return 0;
  },
});

function wholeNumber(value: unknown, flag: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new UserError(`'${flag}' takes a whole number from ${min}${max < 1e6 ? ` to ${max}` : ' up'}, not '${String(value)}'.`);
  return n;
}

/** --concurrency n: n worker processes, each taking one job at a time; signals are passed on. */
async function fleet(n: number, name: string): Promise<number> {
  const args = process.argv.slice(1).filter((a, i, all) => a !== '--concurrency' && all[i - 1] !== '--concurrency' && !a.startsWith('--concurrency=') && a !== '--name' && all[i - 1] !== '--name' && !a.startsWith('--name='));
  const children = Array.from({ length: n }, (_, i) =>
    spawn(process.execPath, [...process.execArgv, ...args, '--name', `${name}/${i + 1}`], { stdio: 'inherit' }),
  );
  const forward = (signal: NodeJS.Signals) => {
    for (const child of children) if (child.exitCode === null) child.kill(signal);
  };
  // Ctrl-C reaches the children from the terminal itself; SIGTERM is sent to this process alone
  const ignore = () => {};
  process.on('SIGTERM', forward);
  process.on('SIGINT', ignore);
  const codes = await Promise.all(children.map((child) => new Promise<number>((resolve) => child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0))))));
  process.off('SIGTERM', forward);
  process.off('SIGINT', ignore);
  return Math.max(...codes);
}
