// `nnc diff` counts how a dataset's samples changed (relabelled, added,
// removed) and, in markdown, shows a revision's paths from the repository root.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import type { PlanDiff } from '../src/diff/plan-diff.js';
import { runDiff, type DiffFormat } from '../src/diff/run-diff.js';

const PROJECT = 'projects/demo';

const sample = (i: number, label: number) => `  - {input: [${i}, ${i % 3}, ${i % 5}, 1], label: ${label}}\n`;
const dataset = (rows: Array<[number, number]>) => `apiVersion: nnc/v1
kind: Dataset
name: reviews
type: binary_classification
head: sentiment
samples:
${rows.map(([i, l]) => sample(i, l)).join('')}`;
const TEN: Array<[number, number]> = Array.from({ length: 10 }, (_, i) => [i, i % 2]);

const FILES: Record<string, string> = {
  'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: demo\ninput:\n  type: features\n  features: 4\ntraining:\n  epochs: 5\n',
  'layers.yaml': 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: hidden, type: dense, units: 8, activation: relu}\n  - {name: out, type: dense, units: 4}\n',
  'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - {name: sentiment, attach: out, task: classification, loss: crossentropy, classes: [negative, positive]}\n',
  'datasets/reviews.yaml': dataset(TEN),
};

const roots: string[] = [];
afterEach(() => {
  for (const dir of roots.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function createRepo() {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'nnc-diff-samples-')));
  roots.push(root);
  const git = (...args: string[]) => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'nnc test');
  git('config', 'user.email', 'nnc-test@example.com');
  git('config', 'commit.gpgsign', 'false');
  const project = join(root, PROJECT);
  const write = (files: Record<string, string>) => {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(project, rel)), { recursive: true });
      writeFileSync(join(project, rel), text);
    }
  };
  const commit = (message: string) => {
    git('add', '-A');
    git('commit', '-q', '-m', message);
  };
  write(FILES);
  commit('base');
  return { root, project, write, commit };
}

async function diffOf(positionals: string[], cwd: string, format: DiffFormat): Promise<{ diff: PlanDiff; output: string }> {
  const outcome = await runDiff(positionals, { cwd, format });
  if ('error' in outcome) throw new Error(outcome.error);
  return outcome;
}

describe('nnc diff: changed samples', () => {
  test('3 relabelled and 2 added samples are counted in JSON, text and markdown', async () => {
    const repo = createRepo();
    // samples 0, 1, 2 flip their label; 10 and 11 are new
    const rows: Array<[number, number]> = [...TEN.map(([i, l]): [number, number] => [i, i < 3 ? 1 - l : l]), [10, 0], [11, 1]];
    repo.write({ 'datasets/reviews.yaml': dataset(rows) });
    repo.commit('relabel 3, add 2');

    const json = await diffOf(['HEAD~1', 'HEAD'], repo.project, 'json');
    const row = JSON.parse(json.output).datasets[0];
    expect(row).toMatchObject({ marker: '~', name: 'reviews', samplesChanged: true, count: { before: 10, after: 12 }, samples: { added: 2, removed: 0, relabelled: 3 } });

    const text = await diffOf(['HEAD~1', 'HEAD'], repo.project, 'text');
    const line = text.output.split('\n').find((l) => /^\s+~\s+reviews\s/.test(l));
    expect(line?.replace(/ {2,}/g, '  ').trim()).toBe('~  reviews  binary_classification  sentiment  10 -> 12  3 relabelled, 2 added');
    expect(text.output).not.toContain('samples changed');

    const markdown = await diffOf(['HEAD~1', 'HEAD'], repo.project, 'markdown');
    expect(markdown.output).toContain('| ~ | `reviews` | binary_classification | sentiment | 10 → 12 | 3 relabelled, 2 added |');
  });

  test('a removed sample and a relabelled one against the working tree; the same samples reordered are no change counted', async () => {
    const repo = createRepo();
    repo.write({ 'datasets/reviews.yaml': dataset([...TEN.slice(1, 9), [9, 0]]) });
    const { diff } = await diffOf(['HEAD'], repo.project, 'json');
    expect(diff.datasets[0].samples).toEqual({ added: 0, removed: 1, relabelled: 1 });

    repo.write({ 'datasets/reviews.yaml': dataset([...TEN].reverse()) });
    const reordered = await diffOf(['HEAD'], repo.project, 'text');
    const row = reordered.diff.datasets[0];
    if (row.samplesChanged) expect(reordered.output).toContain('samples changed (none added, removed or relabelled)');
    else expect(row.samples).toBeUndefined();
  });

  test('a side that does not compile has no data: no counts are made up', async () => {
    const repo = createRepo();
    repo.write({ 'datasets/reviews.yaml': dataset([...TEN, [10, 1]]), 'layers.yaml': FILES['layers.yaml'].replace('type: dense, units: 4', 'type: dense, units: -4') });
    const { diff } = await diffOf(['HEAD'], repo.project, 'json');
    expect(diff.head.compiled).toBe(false);
    expect(diff.datasets[0].samples).toBeUndefined();
  });
});

describe('nnc diff --format markdown: paths from the repository root', () => {
  test("a diagnostic of a revision's project in a subfolder shows its repository-relative path, a folder diff its project-relative one", async () => {
    const repo = createRepo();
    repo.write({ 'layers.yaml': FILES['layers.yaml'].replace('type: dense, units: 4', 'type: dense, units: -4') });
    repo.commit('break the head');

    const revisions = await diffOf(['HEAD~1', 'HEAD'], repo.project, 'markdown');
    expect(revisions.output).toMatch(/^- `projects\/demo\/layers\.yaml:\d+:\d+` error NNC/m);
    expect(revisions.output).not.toMatch(/^- `layers\.yaml:/m);
    const json = await diffOf(['HEAD~1', 'HEAD'], repo.project, 'json');
    // JSON keeps project-relative paths and says where the project sits
    expect(json.diff.head.diagnostics[0].file).toBe('layers.yaml');
    expect(json.diff.head.repoProject).toBe(PROJECT);

    // the working tree against a revision is read from the repository root too
    const workingTree = await diffOf(['HEAD~1'], repo.project, 'markdown');
    expect(workingTree.output).toMatch(/^- `projects\/demo\/layers\.yaml:\d+:\d+` error NNC/m);

    // two folders: project-relative
    const other = join(repo.root, 'copy');
    mkdirSync(other);
    for (const [rel, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(other, rel)), { recursive: true });
      writeFileSync(join(other, rel), rel === 'layers.yaml' ? text.replace('type: dense, units: 4', 'type: dense, units: -4') : text);
    }
    const folders = await diffOf([repo.project, other], repo.root, 'markdown');
    expect(folders.output).toMatch(/^- `layers\.yaml:\d+:\d+` error NNC/m);
  });
});
