// The library as a user gets it: `npm pack` (which runs prepare: the build and
// the declarations), the tarball installed into a temporary project, each
// entry point used from there (nnc, nnc/compiler, nnc/runtime), the README's
// code sample run as written, a TypeScript consumer type-checked against the
// shipped .d.ts, and nnc/compiler's module graph free of TensorFlow.js.
import { execFile, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const REPO = process.cwd();
let root: string;
let app: string;
let installedWith: string;

/** The README block after the library-example marker. */
function readmeExample(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const match = /<!-- library-example[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no library-example block');
  return match[1];
}

const node = (file: string, env: Record<string, string> = {}) => exec(process.execPath, [file], { cwd: app, env: { ...process.env, NNC_BACKEND: 'cpu', ...env }, maxBuffer: 16 * 1024 * 1024 });

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'nnc-package-'));
  // npm pack runs prepare: scripts/build.mjs and the declarations
  await exec('npm', ['pack', '--pack-destination', root], { cwd: REPO, maxBuffer: 64 * 1024 * 1024 });
  const tarball = join(root, readdirSync(root).find((f) => f.endsWith('.tgz'))!);
  app = join(root, 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  try {
    // from the npm cache only: no network in a test
    await exec('npm', ['install', tarball, '--offline', '--no-audit', '--no-fund', '--omit=optional'], { cwd: app });
    installedWith = 'npm install --offline';
  } catch {
    // the dependencies are not in the cache: the tarball unpacked where npm puts it, its dependencies linked to the repo's
    rmSync(join(app, 'node_modules'), { recursive: true, force: true });
    const target = join(app, 'node_modules', 'nnc');
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
    for (const entry of readdirSync(join(REPO, 'node_modules'))) {
      if (entry === 'nnc' || entry === '.bin' || entry.startsWith('.')) continue;
      symlinkSync(join(REPO, 'node_modules', entry), join(app, 'node_modules', entry));
    }
    installedWith = 'tarball unpacked, dependencies linked';
  }
  cpSync(join(REPO, 'test/fixtures/tiny'), join(app, 'my-model'), { recursive: true, filter: (p) => !p.includes('.nnc') });
}, 240_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('the packed package', () => {
  it('ships the entry points, their declarations and the schemas, and nothing from src/ or test/', () => {
    const pkg = join(app, 'node_modules', 'nnc');
    for (const file of ['dist/index.js', 'dist/compiler.js', 'dist/runtime.js', 'dist/cli.js', 'dist/types/api/index.d.ts', 'dist/types/api/compiler.d.ts', 'dist/types/api/runtime.d.ts', 'schemas/project.schema.json', 'dist/portable/predict.js']) {
      expect(existsSync(join(pkg, file)), `${file} (${installedWith})`).toBe(true);
    }
    expect(existsSync(join(pkg, 'src'))).toBe(false);
    expect(existsSync(join(pkg, 'test'))).toBe(false);
  });

  it("runs the README's library example: compile, train with events, loadPredictor, predict", async () => {
    writeFileSync(join(app, 'example.mjs'), readmeExample());
    const { stdout } = await node('example.mjs');
    expect(stdout).toMatch(/^epoch 1: val_loss \d+\.\d{3}$/m);
    expect(stdout).toMatch(/^epoch 2: val_loss \d+\.\d{3}$/m);
    const run = /^run (\S+) completed/m.exec(stdout);
    expect(run, stdout).not.toBeNull();
    // the run is stored like any `nnc train` run
    const cli = join(app, 'node_modules', 'nnc', 'dist', 'cli.js');
    const runs = JSON.parse(execFileSync(process.execPath, [cli, 'runs', join(app, 'my-model'), '--format', 'json'], { encoding: 'utf8' })) as { id: string; status: string }[];
    expect(runs.map((r) => r.id)).toContain(run![1]);
    // its predictions are nnc predict's, for that run
    const printed = JSON.parse(execFileSync(process.execPath, [cli, 'predict', join(app, 'my-model'), 'a great meal', '--format', 'json'], { encoding: 'utf8' }));
    expect(stdout).toContain(`class: '${printed.class}'`);
  }, 120_000);

  it('nnc/compiler, nnc/runtime and nnc: diagnostics, predictions equal to nnc predict, bad inputs as errors, layer registration', async () => {
    writeFileSync(
      join(app, 'entries.mjs'),
      `import { compile } from 'nnc/compiler';
import * as runtime from 'nnc/runtime';
import * as root from 'nnc';
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('broken', { recursive: true });
writeFileSync('broken/nnc.yaml', 'apiVersion: nnc/v1\\nkind: Project\\nname: broken\\ninput: {type: text, maxLenght: 4}\\n');
const broken = compile('broken');
const ok = root.compile('my-model');
const predictor = await runtime.loadPredictor('my-model', { backend: 'cpu' });
const predictions = await predictor.predict(['a great meal', 'the soup was cold']);
let bad = null;
try { await predictor.predict([42]); } catch (error) { bad = error.message; }
predictor.dispose();
runtime.registerNncLayers(tf);
await root.registerNncLayers(tf);
const registered = ['NncAttention', 'NncPool', 'NncPadMask'].every((name) => tf.serialization.SerializationMap.getMap().classNameMap[name] !== undefined);
let missing = null;
try { await root.loadPredictor('broken'); } catch (error) { missing = error.message; }
const evaluation = await root.evaluate('my-model', { backend: 'cpu' });
process.stdout.write(JSON.stringify({ evaluation, broken: { ok: broken.ok, codes: broken.diagnostics.map((d) => d.code), text: broken.format() }, ok: { ok: ok.ok, hash: ok.plan.hash }, predictions, bad, registered, missing, heads: predictor.heads }));
`,
    );
    const { stdout } = await node('entries.mjs');
    const result = JSON.parse(stdout);
    expect(result.broken.ok).toBe(false);
    expect(result.broken.codes.length).toBeGreaterThan(0);
    expect(result.broken.text).toMatch(/broken\/nnc\.yaml:\d+:\d+ - error NNC\d{4}: .*'maxLenght'/);
    const cli = join(app, 'node_modules', 'nnc', 'dist', 'cli.js');
    const check = JSON.parse(execFileSync(process.execPath, [cli, 'build', join(app, 'my-model'), '--format', 'json'], { encoding: 'utf8' })) as { hash: string };
    expect(result.ok).toEqual({ ok: true, hash: check.hash });
    expect(result.heads).toEqual(['verdict']);
    for (const [i, text] of ['a great meal', 'the soup was cold'].entries()) {
      const printed = JSON.parse(execFileSync(process.execPath, [cli, 'predict', join(app, 'my-model'), text, '--format', 'json'], { encoding: 'utf8' }));
      expect(result.predictions[i].class).toBe(printed.class);
      for (const [name, p] of Object.entries(printed.probabilities as Record<string, number>)) expect(result.predictions[i].probabilities[name]).toBeCloseTo(p, 5);
    }
    expect(result.bad).toMatch(/takes text, but the input is the number 42/);
    expect(result.registered).toBe(true);
    expect(result.missing).toMatch(/neither an export .* nor a project with stored runs/);
    // evaluate: the figures nnc evaluate prints for the same run and split
    const evaluated = JSON.parse(execFileSync(process.execPath, [cli, 'evaluate', join(app, 'my-model'), '--format', 'json', '--backend', 'cpu'], { encoding: 'utf8' }).split('\n')[0]) as { run: string; split: string; heads: Record<string, { count: number; metrics: Record<string, number> }> };
    expect(result.evaluation.run).toBe(evaluated.run);
    expect(result.evaluation.split).toBe(evaluated.split);
    expect(result.evaluation.heads.verdict.count).toBe(evaluated.heads.verdict.count);
    expect(Object.keys(result.evaluation.heads.verdict.metrics).sort()).toEqual(Object.keys(evaluated.heads.verdict.metrics).sort());
    for (const [metric, value] of Object.entries(evaluated.heads.verdict.metrics)) expect(result.evaluation.heads.verdict.metrics[metric], metric).toBeCloseTo(value, 5);
  }, 120_000);

  it("nnc/compiler's module graph loads no TensorFlow.js (nor SQLite or chokidar); nnc's root does not either until train or loadPredictor", async () => {
    writeFileSync(join(app, 'light.mjs'), `import { compile } from 'nnc/compiler';\nimport * as root from 'nnc';\nconst r = compile('my-model');\nroot.compile('my-model');\nif (!r.ok) process.exit(3);\n`);
    const trace = join(root, 'loads.txt');
    await exec(process.execPath, ['--import', join(REPO, 'test/fixtures/trace-loads.mjs'), 'light.mjs'], { cwd: app, env: { ...process.env, NNC_TRACE_LOADS: trace } });
    const loaded = readFileSync(trace, 'utf8');
    expect(loaded).toContain('/node_modules/nnc/dist/compiler.js');
    expect(loaded).toContain('/node_modules/nnc/dist/index.js');
    expect(loaded).not.toMatch(/@tensorflow|better-sqlite3|chokidar/);
  }, 60_000);

  it('type-checks a TypeScript consumer against the shipped declarations (and rejects a wrong use)', async () => {
    const good = `import { compile, train, loadPredictor, evaluate, registerNncLayers, type Compiled, type Evaluation, type Prediction, type TrainStats } from 'nnc';
import { compile as compileOnly, type Diagnostic } from 'nnc/compiler';
import * as runtime from 'nnc/runtime';
import * as tf from '@tensorflow/tfjs';
const compiled: Compiled = compile('my-model');
const diagnostics: readonly Diagnostic[] = compileOnly('my-model').diagnostics;
const lines: string[] = diagnostics.map((d) => \`\${d.file}:\${d.line}:\${d.column} \${d.severity} NNC\${d.code}\`);
if (compiled.plan) {
  const layers: number = compiled.plan.layers.length;
  const { run } = await train(compiled, { epochs: 1, onProgress: (s: TrainStats) => s.step, onEpoch: (e) => e.metrics['val_loss'], signal: new AbortController().signal });
  const status: string = run.status;
  console.log(layers, status, lines);
}
const model = await loadPredictor('my-model', { run: 'r0' });
const out: Prediction[] = await model.predict(['text', [1, 2, 3]], { head: 'verdict', topK: 1 });
for (const p of out) if ('class' in p) console.log(p.class, p.probabilities['good']);
await registerNncLayers(tf);
runtime.registerNncLayers(tf);
const run2: runtime.TrainedRun = await runtime.train(compiled.plan!, { project: 'my-model', backend: 'cpu' });
console.log(run2.checkpoint);
const scored: Evaluation = await evaluate('my-model', { split: 'validation', heads: ['verdict'] });
const accuracy: number | undefined = scored.heads['verdict']?.metrics['accuracy'];
console.log(accuracy);
`;
    const tsconfig = { compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, types: ['node'], typeRoots: [join(REPO, 'node_modules/@types')], skipLibCheck: true }, files: ['consumer.ts'] };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig));
    writeFileSync(join(app, 'consumer.ts'), good);
    const tsc = resolve(REPO, 'node_modules/typescript/bin/tsc');
    const clean = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).then(() => '', (error: { stdout: string }) => error.stdout);
    expect(clean).toBe('');
    // the declarations really constrain: a wrong option and a wrong result type are errors
    writeFileSync(join(app, 'consumer.ts'), `import { compile, train } from 'nnc';\nconst c = compile('x');\nawait train(c, { epochs: 'two' });\nconst n: number = c.diagnostics;\n`);
    const wrong = await exec(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: app }).then(() => '', (error: { stdout: string }) => error.stdout);
    expect(wrong).toMatch(/consumer\.ts\(3,\d+\): error TS2322/);
    expect(wrong).toMatch(/consumer\.ts\(4,\d+\): error TS2322/);
  }, 120_000);
});
