// Shared by the portable-export, serve and browser tests: a project copied to a
// temp folder, trained briefly and exported by the built CLI; `nnc predict
// --format json` for every head; and comparing predictions within 1e-5.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'vitest';

const exec = promisify(execFile);
export const CLI = join(process.cwd(), 'dist', 'cli.js');
export const REPO_NODE_MODULES = join(process.cwd(), 'node_modules');

export const nnc = (...args: string[]) => exec(process.execPath, [CLI, ...args], { env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });

export type Input = string | number[];
export type Prediction = { class: string; probabilities: Record<string, number> } | { value: number | number[] } | { text: string };

export interface Preprocess {
  input: { type: 'text' | 'features'; features: number; maxLength: number };
  heads: { name: string; task: string }[];
}

/** A temp root with node_modules linked to the repo's, so scripts in it resolve @tensorflow/tfjs (and nothing of nnc's). */
export function scriptRoot(root: string): string {
  mkdirSync(root, { recursive: true });
  symlinkSync(REPO_NODE_MODULES, join(root, 'node_modules'), 'dir');
  return root;
}

/** Copies `source` to `dir` (without a store), trains it for `epochs` and exports it to `out`. */
export async function trainAndExport(source: string, dir: string, out: string, epochs = 1): Promise<{ run: string; layers: { name: string; from: string; to: string; standard: boolean }[]; maxDifference: number }> {
  cpSync(source, dir, { recursive: true, filter: (path) => !path.includes('.nnc') });
  await nnc('train', dir, '--epochs', String(epochs));
  const { stdout } = await nnc('export', dir, '--out', out, '--format', 'json');
  return JSON.parse(stdout);
}

export function readPreprocess(out: string): Preprocess {
  return JSON.parse(readFileSync(join(out, 'preprocess.json'), 'utf8')) as Preprocess;
}

/** Inputs that fit the model: texts (one longer than maxLength) or feature vectors of mixed scale. */
export function sampleInputs(preprocess: Preprocess): Input[] {
  if (preprocess.input.type === 'features') {
    const width = preprocess.input.features;
    return [0, 1, 2, 3].map((r) => Array.from({ length: width }, (_, j) => Number((Math.sin(r * 3 + j) * (j + 1) * 10 ** (r % 3)).toFixed(3))));
  }
  const long = Array.from({ length: preprocess.input.maxLength + 7 }, (_, i) => ['the', 'plot', 'was', 'not', 'boring', 'red', 'one'][i % 7]).join(' ');
  return ['a great movie', 'The plot was NOT boring!', 'red one', 'WIN a free prize at www.example.com now', 'capital of france', long];
}

/** `nnc predict --format json` for each input with each head. */
export async function cliPredictions(dir: string, preprocess: Preprocess, inputs: Input[], scratch: string): Promise<Record<string, Prediction[]>> {
  const file = join(scratch, `inputs-${Math.random().toString(36).slice(2)}.jsonl`);
  writeFileSync(file, inputs.map((input) => JSON.stringify({ input })).join('\n') + '\n');
  const runs = preprocess.heads.map(async (head) => {
    const { stdout } = await nnc('predict', dir, '--input', file, '--head', head.name, '--format', 'json');
    return [head.name, stdout.trim().split('\n').map((line) => JSON.parse(line) as Prediction)] as const;
  });
  return Object.fromEntries(await Promise.all(runs));
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));

/** Same classes and texts; probabilities and values within 1e-5 (relative for values above 1). */
export function expectSamePredictions(actual: Prediction[], expected: Prediction[], where: string): void {
  expect(actual.length, where).toBe(expected.length);
  actual.forEach((a, i) => {
    const e = expected[i];
    const at = `${where}, input ${i}`;
    expect(Object.keys(a).sort(), at).toEqual(Object.keys(e).sort());
    if ('text' in e) expect((a as { text: string }).text, at).toBe(e.text);
    else if ('value' in e) {
      const [av, ev] = [[(a as { value: number | number[] }).value].flat(), [e.value].flat()];
      expect(av.length, at).toBe(ev.length);
      av.forEach((v, j) => expect(close(v, ev[j]), `${at}: value ${v} vs ${ev[j]}`).toBe(true));
    } else {
      const ac = a as { class: string; probabilities: Record<string, number> };
      expect(ac.class, at).toBe(e.class);
      expect(Object.keys(ac.probabilities), at).toEqual(Object.keys(e.probabilities));
      for (const [name, p] of Object.entries(e.probabilities)) expect(Math.abs(ac.probabilities[name] - p), `${at}: p(${name})`).toBeLessThanOrEqual(1e-5);
    }
  });
}
