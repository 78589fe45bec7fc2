// The library API on a shared PostgreSQL store: train() stores the run there,
// evaluate() and loadPredictor() read it from a folder with no .nnc/ of its own,
// as `nnc train --store`, `nnc evaluate --store` and `nnc predict --store` do.
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../src/api/compiler.js';
import { evaluate, loadPredictor, train } from '../src/api/runtime.js';
import { openSharedStore } from '../src/runtime/store/open-store.js';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const started = await startPostgres();
if (started.skip) console.warn(`api-store tests skipped: ${started.skip}`);

describe.skipIf(!started.server)('library API with a shared store', () => {
  let server: TestPostgres;
  let url: string;
  let work: string;

  beforeAll(() => {
    server = started.server!;
    url = server.createDatabase('api_store');
    work = mkdtempSync(join(tmpdir(), 'nnc-api-store-'));
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    server?.stop();
  });

  it('trains into the store, then evaluates and predicts from a clone without .nnc/', async () => {
    const project = join(work, 'tiny');
    cpSync('test/fixtures/tiny', project, { recursive: true, filter: (src) => !src.includes('/.nnc') });
    const compiled = compile(project);
    expect(compiled.plan).not.toBeNull();
    const trained = await train(compiled, { store: url, epochs: 3, backend: 'cpu' });
    expect(trained.run.status).toBe('completed');
    // nothing in the folder's own store
    expect(existsSync(join(project, '.nnc', 'nnc.db'))).toBe(false);

    const store = openSharedStore(project, url, { readonly: true });
    try {
      expect(store.listRuns().map((r) => r.id)).toEqual([trained.run.id]);
      expect(Math.max(...store.metrics(trained.run.id, ['loss']).map((m) => m.epoch))).toBe(3);
    } finally {
      store.close();
    }

    // a clone: the same files, no .nnc/; the checkpoint comes from the store
    const clone = join(work, 'clone', 'tiny');
    cpSync(project, clone, { recursive: true, filter: (src) => !src.includes('/.nnc') });
    const evaluation = await evaluate(clone, { store: url, backend: 'cpu' });
    expect(evaluation.run).toBe(trained.run.id);
    const predictor = await loadPredictor(clone, { store: url, backend: 'cpu' });
    try {
      expect(predictor.source).toContain(`run ${trained.run.id}`);
      const [prediction] = await predictor.predict([compiled.plan!.project.input.type === 'text' ? 'a great movie' : [1, 2, 3]]);
      expect(prediction).toBeDefined();
    } finally {
      predictor.dispose();
    }
    // without the store the clone has no run
    await expect(loadPredictor(clone, { backend: 'cpu' })).rejects.toThrow(/nor a project with stored runs/);
  }, 90_000);
});
