// `nnc sweep --store postgres://…` without --queue against a real PostgreSQL
// server: the trials train here on worker threads, and the sweep, its trials
// and their runs land in the shared store (the threads' own connections write
// there too), not in the folder's .nnc/nnc.db; `nnc sweep --show --store` and
// `nnc runs --store --sweep` list them.
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSharedStore } from '../src/runtime/store/open-store.js';
import { runCli } from './helpers/cli-process.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';
import { copyFixture, scratchDir } from './helpers/scratch-project.js';

const started = await startPostgres();
if (started.skip) console.warn(`sweep-shared-store tests skipped: ${started.skip}`);


describe.skipIf(!started.server)('nnc sweep --store without --queue', () => {
  let server: TestPostgres;
  let url: string;
  let work: string;
  let project: string;

  const nnc = (...args: string[]) => runCli(args, work, server.password);

  beforeAll(() => {
    server = started.server!;
    url = server.createDatabase('sweep_shared');
    work = scratchDir('sweep-shared-');
    project = copyFixture('tiny', join(work, 'tiny'));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    server?.stop();
  });

  it('trains the trials here and stores the sweep, its trials and runs in PostgreSQL only', { timeout: 180_000 }, () => {
    writeFileSync(join(project, 'sweep.yaml'), `apiVersion: nnc/v1
kind: Sweep
name: widths
parameters:
  layers.hidden.units: [4, 8]
  training.epochs: [2]
metric: verdict.val_loss
`);
    const r = nnc('sweep', project, '--store', url, '--parallel', '2', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('; the trials train here.');
    const out = JSON.parse(r.stdout) as { sweep: { id: string }; trials: Array<{ trial: number; status: string; runId: string; value: number | null }> };
    const id = out.sweep.id;
    expect(out.trials.map((t) => t.status)).toEqual(['completed', 'completed']);
    const runIds = out.trials.map((t) => t.runId).sort();

    // the sweep as the shared store keeps it
    const shown = nnc('sweep', project, '--show', id, '--store', url, '--format', 'json');
    expect(shown.status, shown.stderr).toBe(0);
    const detail = JSON.parse(shown.stdout) as { sweep: { id: string; status: string; parallel: number }; trials: Array<{ trial: number; status: string; runId: string; params: Record<string, unknown> }> };
    expect(detail.sweep).toMatchObject({ id, status: 'completed', parallel: 2 });
    expect(detail.trials.map((t) => [t.trial, t.status]).sort()).toEqual([[1, 'completed'], [2, 'completed']]);
    expect(detail.trials.map((t) => t.runId).sort()).toEqual(runIds);
    expect(detail.trials.map((t) => t.params['layers.hidden.units']).sort()).toEqual([4, 8]);

    // its runs, tagged with the sweep, written by the trial threads into PostgreSQL with their metrics and checkpoints
    const runs = nnc('runs', project, '--store', url, '--sweep', id, '--format', 'json');
    expect(runs.status, runs.stderr).toBe(0);
    const listed = JSON.parse(runs.stdout) as Array<{ id: string; status: string; info: { source?: string } }>;
    expect(listed.map((x) => x.id).sort()).toEqual(runIds);
    expect(listed.every((x) => x.status === 'completed' && x.info.source === 'sweep')).toBe(true);
    const store = openSharedStore(project, url, { readonly: true });
    try {
      for (const runId of runIds) {
        expect(store.metrics(runId, ['verdict.val_loss']).map((m) => m.epoch)).toEqual([1, 2]);
        const files = store.client.query<{ n: number }>('SELECT count(*)::int AS n FROM nnc.checkpoint_files WHERE run_id = $1', [runId]).rows[0]!.n;
        expect(files).toBeGreaterThan(0);
      }
    } finally {
      store.close();
    }

    // nothing in the folder's own store
    expect(existsSync(join(project, '.nnc', 'nnc.db'))).toBe(false);
    const local = nnc('sweep', project, '--list', '--format', 'json');
    expect(local.status, local.stderr).toBe(0);
    expect(local.stdout).not.toContain(id);
  });

  it('a halving sweep continues its kept trial from the checkpoint the shared store holds', { timeout: 180_000 }, () => {
    writeFileSync(join(project, 'sweep.yaml'), `apiVersion: nnc/v1
kind: Sweep
name: halves
parameters:
  layers.hidden.units: [4, 8]
  training.epochs: [3]
metric: verdict.val_loss
halving: {epochs: [1], keep: 0.5}
`);
    const r = nnc('sweep', project, '--store', url, '--parallel', '2', '--format', 'json');
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { sweep: { id: string }; trials: Array<{ status: string; runId: string; epochs: number; stoppedAt: number | null }> };
    expect(out.trials.map((t) => [t.status, t.epochs, t.stoppedAt])).toEqual([['completed', 3, null], ['pruned', 1, 1]]);
    const runs = nnc('runs', project, '--store', url, '--sweep', out.sweep.id, '--format', 'json');
    expect(runs.status, runs.stderr).toBe(0);
    const listed = JSON.parse(runs.stdout) as Array<{ id: string; parentId: string | null; status: string }>;
    // three runs: both trials to epoch 1, then the kept one resumed from its stored checkpoint to epoch 3
    expect(listed).toHaveLength(3);
    const resumed = listed.find((x) => x.id === out.trials[0]!.runId)!;
    expect(resumed.parentId).not.toBeNull();
    expect(listed.map((x) => x.id)).toContain(resumed.parentId);
    expect(existsSync(join(project, '.nnc', 'nnc.db'))).toBe(false);
  });
});
