// Plugins through the built CLI: a plugin with a bad argument, a syntax error,
// one that throws at load and one missing are each a diagnostic (exit 1, no
// stack trace); `nnc check` of a plugin project loads no TensorFlow.js; the
// example plugin project trains above its baseline, predicts and exports with
// the plugin named in the model card; `nnc diff` runs no plugin without
// --trust-plugins (a plugin that writes a marker file when imported); `nnc
// init --plugin` and `nnc schemas`.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'nnc-plugins-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function nnc(args: string[], cwd = tmp, env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', env: { ...process.env, NNC_BACKEND: 'wasm', ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, all: `${r.stdout}${r.stderr}` };
}

/** a copy of projects/plugin-demo without its run store */
function demo(name: string): string {
  const dir = join(tmp, name);
  cpSync(resolve('projects/plugin-demo'), dir, { recursive: true, filter: (src) => !src.includes('.nnc') });
  return dir;
}

const noStack = (text: string) => expect(text).not.toMatch(/^\s+at .*\(?.*:\d+:\d+\)?$/m);

describe('nnc check with a plugin that cannot be used', () => {
  it('a bad argument: the diagnostic at its YAML line, with did-you-mean', () => {
    const dir = demo('bad-arg');
    const layers = join(dir, 'layers.yaml');
    writeFileSync(layers, readFileSync(layers, 'utf8').replace('scale: 2}', 'scale: 0, unit: 3}'));
    const r = nnc(['check', 'bad-arg']);
    expect(r.code).toBe(1);
    expect(r.stdout.trim().split('\n')).toEqual([
      "bad-arg/layers.yaml:7:75 - error NNC2009: 'scale' in layer 'boost' must be greater than 0, but it is 0.",
      "bad-arg/layers.yaml:7:78 - error NNC2005: Unknown key 'unit' in layer 'boost'. Did you mean 'units'?",
    ]);
    noStack(r.all);
  });

  const broken: [string, string | null, RegExp][] = [
    ['syntax', 'export default {\n  layers: [\n    { type: "x", \n', /^syntax\/nnc\.yaml:9:11 - error NNC3091: Plugin '\.\/plugins\/scaled-dense\.mjs' does not load: it has a syntax error: .* \(plugins\/scaled-dense\.mjs:\d+\)\. Fix 'plugins\/scaled-dense\.mjs', or remove the entry\.$/],
    ['throws', 'const gpu = null;\nif (!gpu) throw new Error("this plugin needs a GPU");\nexport default {};\n', /^throws\/nnc\.yaml:9:11 - error NNC3092: Plugin '\.\/plugins\/scaled-dense\.mjs' does not load: it threw while loading: this plugin needs a GPU \(plugins\/scaled-dense\.mjs:2\)\. Fix 'plugins\/scaled-dense\.mjs', or remove the entry\.$/],
    ['missing', null, /^missing\/nnc\.yaml:9:11 - error NNC3090: Plugin '\.\/plugins\/scaled-dense\.mjs' cannot be read: the file does not exist\. Check the path: it is relative to the project folder\. Fix the entry, or remove it\.$/],
    ['top-level-await', 'await Promise.resolve();\nexport default {};\n', /^top-level-await\/nnc\.yaml:9:11 - error NNC3092: .*top-level await/],
  ];
  for (const [name, source, expected] of broken) {
    it(`a plugin file that is ${name === 'missing' ? 'missing' : `${name === 'syntax' ? 'not JavaScript' : name === 'throws' ? 'throwing at load' : 'using top-level await'}`}: one diagnostic at the plugins entry, exit 1, no stack trace`, () => {
      const dir = demo(name);
      const plugin = join(dir, 'plugins/scaled-dense.mjs');
      if (source === null) rmSync(plugin);
      else writeFileSync(plugin, source);
      const r = nnc(['check', name]);
      expect(r.code).toBe(1);
      // only the plugin's diagnostic: the layers and datasets of its types are not reported again
      expect(r.stdout.trim().split('\n')).toEqual([expect.stringMatching(expected)]);
      noStack(r.all);
      const json = JSON.parse(nnc(['check', name, '--format', 'json']).stdout);
      expect(json).toEqual([expect.objectContaining({ file: `${name}/nnc.yaml`, line: 9, column: 11, severity: 'error' })]);
    });
  }

  it('never loads TensorFlow.js for a project with a plugin', () => {
    const dir = demo('trace');
    const trace = join(tmp, 'trace.txt');
    const r = spawnSync(process.execPath, ['--import', resolve('test/fixtures/trace-loads.mjs'), CLI, 'check', dir], { encoding: 'utf8', env: { ...process.env, NNC_TRACE_LOADS: trace } });
    expect(r.status).toBe(0);
    const loaded = readFileSync(trace, 'utf8');
    expect(loaded).toContain('/dist/');
    for (const heavy of ['@tensorflow', 'better-sqlite3', 'ajv/']) expect(loaded).not.toContain(heavy);
  });
});

describe('the plugin example project', () => {
  it('trains above its baseline, predicts, and exports naming the plugin its model needs', () => {
    demo('trained');
    const build = nnc(['build', 'trained']);
    expect(build.code).toBe(0);
    expect(build.stdout).toMatch(/boost\s+scaled_dense\s+\[24\]\s+408/);
    expect(build.stdout).toMatch(/Plugin 'scaled-dense': plugins\/scaled-dense\.mjs \(content hash [0-9a-f]{16}\); layer 'boost' \(scaled_dense\), dataset 'reviews' \(star_reviews\)/);

    const train = nnc(['train', 'trained', '--epochs', '4']);
    expect(train.code, train.all).toBe(0);
    const row = /rating\s+val_accuracy\s+([\d.]+)\s+([\d.]+) \(always/.exec(train.stdout);
    expect(row, train.stdout).not.toBeNull();
    const [best, baseline] = [Number(row![1]), Number(row![2])];
    expect(best).toBeGreaterThan(baseline + 0.3);

    const predict = JSON.parse(nnc(['predict', 'trained', 'the plot was brilliant and superb', '--format', 'json']).stdout);
    expect(predict.class).toBe('positive');

    const out = join(tmp, 'export');
    const exported = nnc(['export', 'trained', '--out', out]);
    expect(exported.code, exported.all).toBe(0);
    const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8'));
    expect(card.plugins).toEqual([{ name: 'scaled-dense', file: 'plugins/scaled-dense.mjs', hash: expect.stringMatching(/^[0-9a-f]{16}$/), layerTypes: ['scaled_dense'] }]);
    expect(card.layers).toContainEqual(expect.objectContaining({ name: 'boost', to: 'ScaledDense', plugin: 'scaled-dense', standard: false }));
    expect(readFileSync(join(out, 'README.md'), 'utf8')).toContain("- 'scaled-dense': `plugins/scaled-dense.mjs`");
    expect(JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).modelTopology.config.layers.map((l: { class_name: string }) => l.class_name)).toContain('ScaledDense');
  }, 120_000);
});

describe('nnc diff and plugins', () => {
  it('runs no plugin of a revision or of the working tree without --trust-plugins; compares them as written, marked unchecked', () => {
    const repo = join(tmp, 'repo');
    const dir = join(repo, 'p');
    cpSync(resolve('projects/plugin-demo'), dir, { recursive: true, filter: (src) => !src.includes('.nnc') });
    const marker = join(repo, 'MARKER');
    // importing this plugin writes a file: proof that it ran
    writeFileSync(join(dir, 'plugins/scaled-dense.mjs'), `${readFileSync(join(dir, 'plugins/scaled-dense.mjs'), 'utf8')}\nimport { writeFileSync as __w } from 'node:fs';\n__w(${JSON.stringify(marker)}, 'ran');\n`);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'one');
    writeFileSync(join(dir, 'layers.yaml'), readFileSync(join(dir, 'layers.yaml'), 'utf8').replace('units: 24', 'units: 32'));

    for (const format of ['text', 'markdown']) {
      const r = nnc(['diff', 'HEAD', 'p', '--format', format], repo);
      expect(r.code, r.all).toBe(0);
      expect(existsSync(marker)).toBe(false);
      noStack(r.all);
      if (format === 'text') {
        expect(r.stdout).toMatch(/~\s+boost\s+scaled_dense\s+units/);
        expect(r.stdout).toContain("head: plugins were not run (nnc diff runs no plugin code unless it is given --trust-plugins), so its shapes and parameters are unchecked; layers 'boost' (scaled_dense) and datasets 'reviews' (star_reviews) are compared as written.");
      }
    }
    // two revisions too
    git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qam', 'two');
    expect(nnc(['diff', 'HEAD~1', 'HEAD', 'p'], repo).code).toBe(0);
    expect(existsSync(marker)).toBe(false);

    const trusted = nnc(['diff', 'HEAD~1', 'HEAD', 'p', '--trust-plugins'], repo);
    expect(trusted.code, trusted.all).toBe(0);
    expect(existsSync(marker)).toBe(true);
    expect(trusted.stdout).toMatch(/~\s+boost\s+scaled_dense\s+\[24\] -> \[32\]\s+408 -> 544\s+units/);
  });
});

describe('nnc init --plugin and nnc schemas', () => {
  it('init --plugin scaffolds a project whose plugin layer checks', () => {
    const r = nnc(['init', 'scaffold', '--plugin']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('plugins/scaled-dense.mjs');
    expect(readFileSync(join(tmp, 'scaffold/nnc.yaml'), 'utf8')).toContain('plugins: [./plugins/scaled-dense.mjs]');
    expect(nnc(['check', 'scaffold']).code).toBe(0);
    expect(nnc(['build', 'scaffold']).stdout).toMatch(/hidden\s+scaled_dense\s+\[16\]\s+272/);
  });

  it("schemas --out writes nnc's schemas with the project's plugin types", () => {
    demo('editor');
    const r = nnc(['schemas', 'editor', '--out', 'editor-schemas']);
    expect(r.code, r.all).toBe(0);
    const layers = JSON.parse(readFileSync(join(tmp, 'editor-schemas/layers.schema.json'), 'utf8'));
    expect(layers.definitions.layer.oneOf).toContainEqual({ $ref: '#/definitions/scaled_dense' });
    expect(layers.definitions.scaled_dense.properties.scale).toMatchObject({ type: 'number', exclusiveMinimum: 0, default: 1 });
    const dataset = JSON.parse(readFileSync(join(tmp, 'editor-schemas/dataset.schema.json'), 'utf8'));
    expect(dataset.properties.type.enum).toContain('star_reviews');
    expect(dataset.definitions.plugin_star_reviews_sample.required).toEqual(['review', 'stars']);
  });
});
