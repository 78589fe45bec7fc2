// Plugins in the compiler, through an in-memory host and the test-double
// plugin loader: plugin layer types checked like built-in ones (arguments at
// their YAML positions with did-you-mean, shapes, parameters), plugin dataset
// types encoded into built-in samples, every way a plugin fails as a
// diagnostic at its `plugins` entry, and the plan's hashes following the
// plugin file's content.
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import { formatDiagnostic } from '../src/compiler/format.js';
import { memoryHost, type CompilerHost } from '../src/compiler/host.js';
import { memoryPluginLoader, nodePluginLoader } from '../src/compiler/plugins/node-loader.js';
import { withPlugins } from '../src/compiler/plugins/plan-plugins.js';
import { NO_PLUGINS } from '../src/compiler/plugins/registry.js';
import { textProject } from './helpers/text-project.js';

const ROOT = '/virtual/plugged';
const PLUGIN_PATH = resolve(ROOT, 'plugins/p.mjs');

const scaled = {
  type: 'scaled_dense',
  description: 'Dense, scaled.',
  args: {
    units: { schema: { type: 'integer', minimum: 1 }, description: 'Outputs.', examples: [8] },
    scale: { schema: { type: 'number', exclusiveMinimum: 0 }, default: 1, description: 'Factor.' },
    activation: { schema: { $ref: '#/definitions/activation' }, default: 'linear', description: 'Activation.' },
  },
  shape: (input: readonly number[], c: { units: number }) => (input.length === 1 ? [c.units] : { error: `'scaled_dense' needs a vector, but gets [${input.join(', ')}]` }),
  params: (input: readonly number[], c: { units: number }) => input[0] * c.units + c.units,
  emit: () => {
    throw new Error('emit is not called by the compiler');
  },
};

const stars = {
  type: 'star_reviews',
  description: 'A review and its stars.',
  fields: {
    review: { schema: { type: 'string', minLength: 1 }, description: 'Text.' },
    stars: { schema: { type: 'integer', minimum: 1, maximum: 5 }, description: 'Stars.' },
  },
  encodes: 'binary_classification',
  encode: (s: { review: string; stars: number }) => ({ input: s.review, label: s.stars >= 4 ? 1 : 0 }),
};

const base = (layer = '{name: boost, type: scaled_dense, units: 4, scale: 2}', plugins = '[./plugins/p.mjs]') => {
  const files = textProject({ name: 'plugged', settings: `plugins: ${plugins}\n`, samples: ['{input: "a great movie", label: 1}', '{input: "the plot was awful", label: 0}'] });
  return { ...files, 'layers.yaml': files['layers.yaml'].replace(/  - \{name: hidden.*\n/, `  - ${layer}\n`), 'heads.yaml': files['heads.yaml'].replace('attach: hidden', 'attach: boost'), 'plugins/p.mjs': '// the plugin source (hashed)\n' };
};

function host(files: Record<string, string>, modules: Record<string, unknown> = { [PLUGIN_PATH]: { default: { name: 'p', layers: [scaled], datasets: [stars] } } }): CompilerHost & { loaded: string[] } {
  const loader = memoryPluginLoader(modules);
  return Object.assign({ ...memoryHost(ROOT, files), plugins: loader }, { loaded: loader.loaded });
}

const lines = (files: Record<string, string>, h: CompilerHost = host(files)) => compile(ROOT, h).diagnostics.map((d) => formatDiagnostic(d, { cwd: ROOT }));

describe('plugin layer types', () => {
  it('compile like built-in ones: shape, parameters, the plugin named in the plan with its file hash', () => {
    const files = base();
    const result = compile(ROOT, host(files));
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const boost = result.plan!.layers.find((l) => l.name === 'boost')!;
    expect(boost).toMatchObject({ type: 'scaled_dense', plugin: 'p', config: { units: 4, scale: 2, activation: 'linear' }, inputShape: [8], outputShape: [4], params: 36 });
    expect(result.plan!.plugins).toEqual([{ name: 'p', specifier: './plugins/p.mjs', file: 'plugins/p.mjs', hash: expect.stringMatching(/^[0-9a-f]{16}$/), layerTypes: ['scaled_dense'], datasetTypes: ['star_reviews'] }]);
    expect(result.plan!.heads[0].inputShape).toEqual([4]);
  });

  it("change the plan's hashes when the plugin file changes, and only then", () => {
    const files = base();
    const a = compile(ROOT, host(files)).plan!;
    const same = compile(ROOT, host(files)).plan!;
    const b = compile(ROOT, host({ ...files, 'plugins/p.mjs': '// edited\n' })).plan!;
    expect(same.hash).toBe(a.hash);
    expect(b.hash).not.toBe(a.hash);
    expect(b.modelHash).not.toBe(a.modelHash);
    expect(b.layers.find((l) => l.name === 'boost')!.hash).not.toBe(a.layers.find((l) => l.name === 'boost')!.hash);
    // layers before the plugin layer keep their hashes (a warm start keeps their weights)
    expect(b.layers[0].chainHash).toBe(a.layers[0].chainHash);
    expect(b.heads[0].chainHash).not.toBe(a.heads[0].chainHash);
    // a plan without plugins is left exactly as lower() made it
    expect(withPlugins(a, NO_PLUGINS, new Map())).toBe(a);
  });

  it('check arguments at their YAML positions with the built-in sentences and did-you-mean', () => {
    expect(lines(base('{name: boost, type: scaled_dense, units: 4, scale: -1, scal: 2}'))).toEqual([
      "layers.yaml:6:56 - error NNC2009: 'scale' in layer 'boost' must be greater than 0, but it is -1.",
      "layers.yaml:6:60 - error NNC2005: Unknown key 'scal' in layer 'boost'. Did you mean 'scale'?",
    ]);
    expect(lines(base('{name: boost, type: scaled_dense, scale: 2}'))).toEqual(["layers.yaml:6:5 - error NNC2004: Layer 'boost' is missing the required key 'units'. Add it, for example 'units: 8'."]);
    expect(lines(base('{name: boost, type: scaled_dense, units: 4, activation: rellu}'))[0]).toMatch(/^layers\.yaml:6:\d+ - error NNC2007: 'activation' in layer 'boost' must be one of .*, but it is 'rellu'\. Did you mean 'relu'\?$/);
    expect(lines(base('{name: boost, type: scaled_dens, units: 4}'))).toEqual([expect.stringMatching(/^layers\.yaml:6:25 - error NNC2007: 'type' in layer 'boost' must be one of 'dense', .* or 'scaled_dense', but it is 'scaled_dens'\. Did you mean 'scaled_dense'\?$/)]);
    // name, in and out keep the usual checks
    expect(lines(base('{name: Boost, type: scaled_dense, units: 4, in: 9}'))[0]).toMatch(/NNC2008: .*'Boost'.*Did you mean 'boost'\?/);
    expect(lines(base('{name: boost, type: scaled_dense, units: 4, in: 9}'))).toEqual(["layers.yaml:6:53 - error NNC3002: Layer 'boost' declares in: 9, but 'pool' outputs 8. Write 'in: 8', or give 'embed', where this width comes from, 9 units."]);
  });

  it("report a shape rule that refuses or throws at the layer, naming the plugin", () => {
    const files = base('{name: boost, type: scaled_dense, units: 4}');
    const seq = { ...files, 'layers.yaml': files['layers.yaml'].replace('  - {name: pool, type: pool, mode: mean}\n', '') };
    expect(lines(seq)).toEqual([expect.stringMatching(/^layers\.yaml:\d+:\d+ - error NNC3007: Layer 'boost' cannot follow 'embed' \(output \[8, 8\]\): 'scaled_dense' needs a vector, but gets \[8, 8\]\.$/)]);
    const throwing = { [PLUGIN_PATH]: { default: { name: 'p', layers: [{ ...scaled, shape: () => { throw new Error('no idea'); } }] } } };
    expect(lines(files, host(files, throwing))).toEqual([expect.stringMatching(/NNC3007: Layer 'boost' cannot follow 'pool' \(output \[8\]\): the shape rule of plugin 'p' failed: no idea\.$/)]);
    const badCount = { [PLUGIN_PATH]: { default: { name: 'p', layers: [{ ...scaled, params: () => -3 }] } } };
    expect(lines(files, host(files, badCount))[0]).toMatch(/the parameter count of plugin 'p' failed: its parameter count is -3, not a whole number\.$/);
  });
});

describe('plugin dataset types', () => {
  const dataset = (samples: string[]) => `apiVersion: nnc/v1\nkind: Dataset\nname: rated\ntype: star_reviews\nhead: sentiment\nsamples:\n${samples.map((s) => `  - ${s}\n`).join('')}`;

  it('check samples against the plugin fields and train them as the built-in layout', () => {
    const files = { ...base(), 'datasets/rated.yaml': dataset(['{review: "loved it", stars: 5}', '{review: "hated it", stars: 1}']) };
    const result = compile(ROOT, host(files));
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const rated = result.plan!.datasets.find((d) => d.name === 'rated')!;
    expect(rated).toMatchObject({ type: 'binary_classification', plugin: { name: 'p', type: 'star_reviews' }, count: 2 });
    expect(lines({ ...base(), 'datasets/rated.yaml': dataset(['{review: "loved it", stars: 6}', '{reveiw: "x", stars: 2}']) })).toEqual([
      "datasets/rated.yaml:7:33 - error NNC2009: 'stars' in sample 1 must be at most 5, but it is 6.",
      "datasets/rated.yaml:8:6 - error NNC2005: Unknown key 'reveiw' in sample 2. Did you mean 'review'?",
    ]);
  });

  it('report an encode that throws or returns a bad sample at the sample', () => {
    const files = { ...base(), 'datasets/rated.yaml': dataset(['{review: "loved it", stars: 5}']) };
    const broken = { [PLUGIN_PATH]: { default: { name: 'p', layers: [scaled], datasets: [{ ...stars, encode: () => ({ input: 3 }) }] } } };
    expect(lines(files, host(files, broken))).toEqual([expect.stringMatching(/^datasets\/rated\.yaml:7:5 - error NNC3096: Plugin 'p' encodes sample 1 as a 'binary_classification' sample that is not valid: .*Fix the plugin's 'encode'\.$/)]);
  });
});

describe('a plugin that cannot be used', () => {
  const at = /^nnc\.yaml:7:11 - error /;
  it('missing, not a plugin, with a schema nnc cannot check, or clashing: one diagnostic at its entry', () => {
    const files = base();
    expect(lines(files, host(files, {}))).toEqual([expect.stringMatching(/^nnc\.yaml:7:11 - error NNC3090: Plugin '\.\/plugins\/p\.mjs' cannot be read: the file does not exist\./)]);
    const { 'plugins/p.mjs': _, ...without } = files;
    expect(lines(without)).toEqual([expect.stringMatching(/^nnc\.yaml:7:11 - error NNC3090: .*the file does not exist/)]);
    expect(lines(files, host(files, { [PLUGIN_PATH]: {} }))).toEqual([expect.stringMatching(/NNC3093: Plugin '\.\/plugins\/p\.mjs' is not an nnc plugin: it defines no layer or dataset type/)]);
    const oneOf = { ...scaled, args: { units: { schema: { oneOf: [{ type: 'integer' }] }, description: 'x' } } };
    expect(lines(files, host(files, { [PLUGIN_PATH]: { default: { layers: [oneOf] } } }))).toEqual([expect.stringMatching(/NNC3093: .*argument 'units': its schema uses 'oneOf', which nnc does not check for plugin values/)]);
    expect(lines(files, host(files, { [PLUGIN_PATH]: { default: { layers: [{ ...scaled, type: 'dense' }] } } }))).toEqual([expect.stringMatching(/NNC3094: Plugin '\.\/plugins\/p\.mjs' cannot be used: its layer type 'dense' is a built-in type\./)]);
    const thrower = { [PLUGIN_PATH]: () => { throw new Error('boom'); } };
    expect(lines(files, host(files, thrower))).toEqual([expect.stringMatching(/NNC3092: Plugin '\.\/plugins\/p\.mjs' does not load: it threw while loading: boom\./)]);
    for (const line of lines(files, host(files, {}))) expect(line).toMatch(at);
  });

  it('a host without a plugin loader runs nothing: an info at the entry, no plan, no errors', () => {
    const files = base();
    const result = compile(ROOT, memoryHost(ROOT, files));
    expect(result.plan).toBeNull();
    expect(result.diagnostics.map((d) => formatDiagnostic(d, { cwd: ROOT }))).toEqual([expect.stringMatching(/^nnc\.yaml:7:11 - info NNC3095: Plugin '\.\/plugins\/p\.mjs' was not run: this compiler host runs no plugin code\./)]);
  });
});

describe('the node plugin loader', () => {
  it('loads an edited plugin file again (nnc watch), from a copy it removes, and reports where a load fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-loader-'));
    try {
      const file = join(dir, 'p.mjs');
      writeFileSync(file, 'export const version = 1;\n');
      expect((nodePluginLoader.load(file) as { exports: { version: number } }).exports.version).toBe(1);
      writeFileSync(file, 'export const version = 2;\n');
      expect((nodePluginLoader.load(file) as { exports: { version: number } }).exports.version).toBe(2);
      writeFileSync(file, 'const a = 1;\nthrow new Error("no");\n');
      expect(nodePluginLoader.load(file)).toEqual({ reason: 'throws', error: 'it threw while loading: no', line: 2 });
      expect(readdirSync(dir)).toEqual(['p.mjs']);
      expect(nodePluginLoader.load(join(dir, 'gone.mjs'))).toMatchObject({ reason: 'missing' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a plugin package', () => {
  it("resolves from the project's node_modules, and a name that is not installed says so", () => {
    const dir = mkdtempSync(join(tmpdir(), 'nnc-plugin-package-'));
    try {
      cpSync(resolve('projects/plugin-demo'), dir, { recursive: true, filter: (src) => !src.includes('.nnc') });
      const pkg = join(dir, 'node_modules/nnc-plugin-scaled');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: 'nnc-plugin-scaled', type: 'module', main: 'index.mjs' }));
      cpSync(join(dir, 'plugins/scaled-dense.mjs'), join(pkg, 'index.mjs'));
      rmSync(join(dir, 'plugins'), { recursive: true });
      const nncYaml = join(dir, 'nnc.yaml');
      writeFileSync(nncYaml, readFileSync(nncYaml, 'utf8').replace('./plugins/scaled-dense.mjs', 'nnc-plugin-scaled'));
      const result = compile(dir);
      expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
      expect(result.plan!.plugins).toMatchObject([{ name: 'scaled-dense', specifier: 'nnc-plugin-scaled', file: 'node_modules/nnc-plugin-scaled/index.mjs' }]);
      writeFileSync(nncYaml, readFileSync(nncYaml, 'utf8').replace('nnc-plugin-scaled', 'nnc-plugin-nope'));
      expect(compile(dir).diagnostics.map((d) => formatDiagnostic(d, { cwd: dir }))).toEqual([
        "nnc.yaml:9:11 - error NNC3090: Plugin 'nnc-plugin-nope' is not installed where the project can find it: no package 'nnc-plugin-nope' in the node_modules of the project folder or above. Run 'npm install nnc-plugin-nope' there, or remove the entry.",
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
