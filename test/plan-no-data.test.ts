// Runs store no data: the plan holds dataset names, counts and content
// hashes, the samples travel beside it (CompileResult.data, compact typed
// arrays), and what predict needs stays in the plan. Old plans that still
// carry their samples keep loading and training.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { memoryHost } from '../src/compiler/host.js';
import type { Plan, Sample } from '../src/compiler/plan.js';
import { prepareData } from '../src/runtime/train/examples.js';
import { compileFiles } from './helpers/project.js';

const tmp = mkdtempSync(join(tmpdir(), 'nnc-plan-no-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const nnc = (args: string[]) => {
  const r = spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

/** the example's plan with its samples written into it, the way plans were stored before */
function withSamples(plan: Plan, data: NonNullable<ReturnType<typeof compile>['data']>): Plan {
  const texts = (runs: { ids: Int32Array; offsets: Uint32Array }, i: number) => Array.from(runs.ids.subarray(runs.offsets[i], runs.offsets[i + 1]), (id) => plan.vocabulary.tokens[id]).join(' ');
  return {
    ...plan,
    datasets: plan.datasets.map((d, k) => {
      const s = data.datasets[k];
      const samples: Sample[] = Array.from({ length: s.count }, (_, i) => (s.labels ? { input: texts(s.tokens!, i), label: s.labels[i] } : { prompt: texts(s.tokens!, i), target: texts(s.targetTokens!, i) }));
      return { ...d, samples };
    }),
  };
}

describe('the plan of projects/sentiment', () => {
  const result = compile('projects/sentiment');
  const plan = result.plan!;

  it('names, counts and hashes its datasets and holds no sample', () => {
    const text = JSON.stringify(plan, null, 2);
    expect(text.length).toBeLessThan(20_000);
    expect(text).not.toContain('"samples"');
    expect(text).not.toContain('the plot'); // no review text
    for (const d of plan.datasets) {
      expect(d).toEqual(expect.objectContaining({ name: expect.any(String), count: expect.any(Number), hash: expect.stringMatching(/^[0-9a-f]{16}$/) }));
      expect(d.split!.train + d.split!.validation + d.split!.test).toBe(d.count);
    }
    // beside it, the samples as typed arrays: one row per sample, no object per sample
    const data = result.data!;
    expect(data.datasets.map((d) => d.name)).toEqual(plan.datasets.map((d) => d.name));
    for (const d of data.datasets) {
      expect(d.tokens!.ids).toBeInstanceOf(Int32Array);
      expect(d.tokens!.offsets).toHaveLength(d.count + 1);
      expect(d.labels).toBeInstanceOf(Int32Array);
      expect(d.split).toBeInstanceOf(Uint8Array);
    }
  });

  it('changes its hash when one record of a source changes', () => {
    const files: Record<string, string> = {};
    const walk = (dir: string, rel = '') => {
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.')) continue;
        if (statSync(join(dir, name)).isDirectory()) walk(join(dir, name), `${rel}${name}/`);
        else files[`${rel}${name}`] = readFileSync(join(dir, name), 'utf8');
      }
    };
    walk('projects/sentiment');
    const root = '/virtual/sentiment';
    const same = compile(root, memoryHost(root, files)).plan!;
    expect(same.hash).toBe(plan.hash);
    const lines = files['datasets/reviews.jsonl'].split('\n');
    lines[10] = lines[10].replace(/"input": ?"/, (m) => `${m}really `);
    const changed = compile(root, memoryHost(root, { ...files, 'datasets/reviews.jsonl': lines.join('\n') })).plan!;
    expect(changed.hash).not.toBe(plan.hash);
    expect(changed.datasets.find((d) => d.name === 'reviews')!.hash).not.toBe(plan.datasets.find((d) => d.name === 'reviews')!.hash);
    expect(changed.datasets.find((d) => d.name === 'topics')!.hash).toBe(plan.datasets.find((d) => d.name === 'topics')!.hash);
  });

  it('trains the same from a plan that still carries its samples (an old run) as from plan + data', () => {
    const texts = Array.from({ length: 40 }, (_, i) => `review ${i} of a ${i % 2 ? 'great' : 'awful'} movie`);
    const small = compileFiles({
      'datasets/reviews.yaml': `apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n${texts.map((t, i) => `  - {input: "${t}", label: ${i % 2}}\n`).join('')}`,
    });
    const old: Plan = JSON.parse(JSON.stringify({ ...small.plan!, datasets: small.plan!.datasets.map((d) => ({ ...d, samples: texts.map((input, i) => ({ input, label: i % 2 })) })) }));
    const fresh = prepareData(small.plan!, small.data);
    const legacy = prepareData(old);
    const summary = (p: ReturnType<typeof prepareData>) => p.heads.map((h) => [h.train.count, h.validation.count, h.test.count]);
    expect(summary(legacy)).toEqual(summary(fresh));
    expect(fresh.heads[0].validation.count).toBeGreaterThan(0);
    expect(legacy.heads[0].train.inputs).toEqual(fresh.heads[0].train.inputs);
    expect(legacy.heads[0].validation.targets).toEqual(fresh.heads[0].validation.targets);
  });
});

describe('a trained and exported projects/sentiment', () => {
  it('stores and exports a plan.json under 20 KB without samples, and predicts from it, also from an old plan.json with samples', () => {
    const dir = join(tmp, 'sentiment');
    cpSync('projects/sentiment', dir, { recursive: true, filter: (src) => !src.includes('.nnc') });
    const trained = nnc(['train', dir, '--epochs', '1']);
    expect(trained.code, trained.stderr).toBe(0);
    const out = join(tmp, 'export');
    expect(nnc(['export', dir, '--out', out]).code).toBe(0);
    const exported = readFileSync(join(out, 'plan.json'), 'utf8');
    expect(exported.length).toBeLessThan(20_000);
    expect(exported).not.toContain('"samples"');
    const runs = join(dir, '.nnc', 'runs');
    const [run] = readdirSync(runs);
    const stored = readFileSync(join(runs, run, 'plan.json'), 'utf8');
    expect(stored).not.toContain('"samples"');
    const predicted = nnc(['predict', dir, 'a great movie with a lovely plot', '--format', 'json']);
    expect(predicted.code, predicted.stderr).toBe(0);

    // a run stored before plans dropped their samples: its plan.json has them, and it still loads
    const result = compile(dir);
    writeFileSync(join(runs, run, 'plan.json'), JSON.stringify(withSamples(JSON.parse(stored) as Plan, result.data!), null, 2));
    const again = nnc(['predict', dir, 'a great movie with a lovely plot', '--format', 'json']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe(predicted.stdout);
  }, 120_000);
});
