// The catalogue lists every code once, each with a message, a hint, its
// documentation and an example; the sources name entries instead of writing
// numbers; every example that can be compiled reports its own code, and every
// code comes out of a real run: its example compiled, or a fixture
// (test/fixtures/diagnostics/fixtures.ts: links, pipes, sizes, plugins,
// nnc import) whose whole output is pinned here.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOGUE, MESSAGES, messageEntry } from '../src/compiler/diagnostic-messages.js';
import { runExample } from '../src/compiler/diagnostic-examples.js';
import { DIAGNOSTIC_FIXTURES } from './fixtures/diagnostics/fixtures.js';

const SRC = join(import.meta.dirname, '..', 'src');
const CATALOGUE_DIR = join(SRC, 'compiler', 'diagnostic-messages');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return path === CATALOGUE_DIR ? [] : sourceFiles(path);
    return /\.(ts|mts)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A file's code without comments and string contents (a message or a help text may say 'NNC3002 or 3002'), its lines kept. */
function codeOf(text: string): string[] {
  const blank = (m: string) => m.replace(/[^\n]/g, ' ');
  return text
    .replace(/`(?:[^`\\]|\\.)*`|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"/g, (m) => `"${blank(m.slice(1, -1))}"`)
    .split('\n')
    .map((line) => (/^\s*(\/\/|\*|\/\*)/.test(line) ? '' : line.replace(/\/\/.*$/, '')));
}

const codes = CATALOGUE.map((e) => e.code);

describe('the diagnostic catalogue', () => {
  it('lists every code once, in the four ranges', () => {
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes.length).toBeGreaterThanOrEqual(60);
    for (const code of codes) expect(code >= 1001 && code < 5000, `NNC${code}`).toBe(true);
    expect(Object.keys(MESSAGES)).toHaveLength(codes.length);
  });

  it('gives every code a severity, a message, a hint, a sentence of documentation and an example', () => {
    for (const e of CATALOGUE) {
      expect(['error', 'warning', 'info'], `NNC${e.code}`).toContain(e.severity);
      for (const text of [e.message, e.hint, e.doc]) expect(text, `NNC${e.code}`).toMatch(/^\S.*[.?)]$/s);
      expect(Boolean(e.example.files || e.example.set || e.example.steps), `NNC${e.code} has no example`).toBe(true);
    }
  });

  it('is where every code in src/ comes from: no number literal, no NNC code it does not list', () => {
    const literal: string[] = [];
    const unknown: string[] = [];
    for (const file of sourceFiles(SRC)) {
      const rel = relative(SRC, file);
      const text = readFileSync(file, 'utf8');
      const lines = codeOf(text);
      text.split('\n').forEach((line, i) => {
        for (const m of line.matchAll(/NNC(\d{4})\b/g)) if (!messageEntry(Number(m[1]))) unknown.push(`${rel}:${i + 1} NNC${m[1]}`);
        const code = lines[i];
        for (const m of code.matchAll(/(?<![\w.$])(\d{4})(?![\w.])/g)) if (messageEntry(Number(m[1]))) literal.push(`${rel}:${i + 1} ${m[1]}`);
        for (const m of code.matchAll(/\bcode\s*(?::|[!=]==?)\s*(\d{4})\b/g)) literal.push(`${rel}:${i + 1} code ${m[1]}`);
      });
    }
    expect(unknown, 'NNC codes the catalogue does not list').toEqual([]);
    expect(literal, 'codes written as numbers: name the catalogue entry (MESSAGES.<name>.code) instead').toEqual([]);
  });

  it('has no entry the sources never name', () => {
    const text = sourceFiles(SRC).map((f) => readFileSync(f, 'utf8')).join('\n');
    const unused = Object.keys(MESSAGES).filter((name) => !text.includes(`MESSAGES.${name}.`));
    expect(unused).toEqual([]);
  });

  it('every example that is a project reports its own code when compiled', { timeout: 60_000 }, () => {
    const missed: string[] = [];
    let compiled = 0;
    for (const entry of CATALOGUE) {
      const found = runExample(entry);
      if (!found) continue;
      compiled++;
      if (!found.some((d) => d.code === entry.code)) missed.push(`NNC${entry.code}: got ${found.map((d) => `NNC${d.code}`).join(', ') || 'nothing'}`);
    }
    expect(missed).toEqual([]);
    expect(compiled).toBeGreaterThanOrEqual(82);
  });

  it('nnc check --explain prints an entry, with its example as nnc prints it today', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [join(import.meta.dirname, '..', 'dist', 'cli.js'), 'check', ...args], { encoding: 'utf8' });
    const shown = run('--explain', 'NNC3002');
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(`What to do: ${MESSAGES.shapeAssertion.hint}`);
    expect(shown.stdout).toContain("layers.yaml:6:65 - error NNC3002: Layer 'hidden' declares in: 32, but 'pool' outputs 8. Write 'in: 8'");
    expect(shown.stdout).toContain('docs/diagnostics.md#nnc3002');
    expect(run('--explain', '4005').stdout).toContain("  related: datasets/reviews.yaml:6:9 - the 'source' of dataset 'reviews'");
    const unknown = run('--explain', 'NNC3099');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^nnc check: 'NNC3099' is not a diagnostic code of nnc\. Codes near it: NNC3090, .*docs\/diagnostics\.md lists them all\.\n$/);
  });
});

// Each fixture runs once, in a folder of its own; the tests below share the runs.
let root: string | null = null;
let runs: Promise<string[][]> | null = null;
function fixtureRuns(): Promise<string[][]> {
  root ??= mkdtempSync(join(tmpdir(), 'nnc-diagnostic-fixtures-'));
  const dirs = DIAGNOSTIC_FIXTURES.map((_, i) => join(root!, String(i)));
  // one at a time: two of them spawn the CLI, one writes 10,001 files
  runs ??= DIAGNOSTIC_FIXTURES.reduce<Promise<string[][]>>(async (done, fixture, i) => {
    const before = await done;
    mkdirSync(dirs[i]);
    return [...before, await fixture.run(dirs[i])];
  }, Promise.resolve([]));
  return runs;
}
afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('every code of the catalogue comes out of a real run', () => {
  for (const [i, fixture] of DIAGNOSTIC_FIXTURES.entries()) {
    it(`fixture: ${fixture.name}`, { timeout: 60_000 }, async () => {
      const printed = (await fixtureRuns())[i];
      // whole output, in order: a fixture that starts to print more (or less) fails here
      expect(printed).toHaveLength(fixture.expected.length);
      fixture.expected.forEach((line, j) => (typeof line === 'string' ? expect(printed[j]).toBe(line) : expect(printed[j]).toMatch(line)));
    });
  }

  it('no code lacks both an example that compiles to it and a fixture that prints it', { timeout: 120_000 }, async () => {
    const printed = (await fixtureRuns()).flat();
    const fromFixtures = new Set(printed.map((line) => Number(line.match(/ NNC(\d{4}): /)?.[1])));
    const withoutRun = CATALOGUE.filter((entry) => !runExample(entry)?.some((d) => d.code === entry.code) && !fromFixtures.has(entry.code)).map((e) => `NNC${e.code}`);
    expect(withoutRun, 'codes no example compiles to and no fixture in test/fixtures/diagnostics/fixtures.ts prints: add one, or remove the code if nothing can reach it').toEqual([]);
    // a fixture prints only codes of the catalogue
    expect([...fromFixtures].filter((code) => !messageEntry(code))).toEqual([]);
  });
});
