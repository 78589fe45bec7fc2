// Every file nnc reads is confined to the project (issue 10, points 3 and 6):
// symlinks out of the project for each kind of file (YAML, JSONL, CSV, JSON
// sources), FIFOs, devices, huge sparse files and pathological YAML each end
// in a diagnostic at the file within a time limit, and no byte of a refused
// file (nor of the environment) appears in any diagnostic. In-process through
// nodeHost with fast-check, and through the built CLI with a timeout.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, ftruncateSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeHost, readProjectFile } from '../src/compiler/host.js';
import { compile } from '../src/compiler/index.js';
import { boundMessage, DATA_FILE_MAX_BYTES, YAML_FILE_MAX_BYTES } from '../src/compiler/limits.js';

const CLI = resolve('dist/cli.js');
const TINY = resolve('test/fixtures/tiny');
const SECRET = 'NNC_SECRET_MARKER_5d1c9e';
const ENV_SECRET = 'NNC_ENV_MARKER_83b2f7';
/** A refusal is a stat and a realpath: far below this even on a loaded machine. */
const IN_PROCESS_MS = 3000;
/** The CLI, including Node's start on a busy two-core machine. */
const CLI_MS = 15_000;

const tmp = mkdtempSync(join(tmpdir(), 'nnc-fs-attacks-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
// a file outside every project, holding a marker that must never be echoed
const outside = join(tmp, 'outside');
mkdirSync(outside);
writeFileSync(join(outside, 'secret.yaml'), `apiVersion: nnc/v1\nkind: ${SECRET}\n`);
writeFileSync(join(outside, 'secret.jsonl'), `{"input": "${SECRET}", "label": "${SECRET}"}\n`);
writeFileSync(join(outside, 'secret.csv'), `input,label\n${SECRET},${SECRET}\n`);
writeFileSync(join(outside, 'secret.json'), `[{"input": "${SECRET}", "label": "${SECRET}"}]\n`);

let projects = 0;
/** A copy of the tiny fixture (it compiles clean). */
function project(): string {
  const dir = join(tmp, `p${projects++}`);
  cpSync(TINY, dir, { recursive: true });
  return dir;
}

function sparse(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  ftruncateSync(fd, bytes);
  closeSync(fd);
}

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

/** A dataset (its own file, named after `name`) whose records come from `source`, for the tiny fixture's head. */
function datasetWithSource(dir: string, name: string, source: string): string {
  const yaml = join(dir, 'datasets', `${name}.yaml`);
  writeFileSync(yaml, `apiVersion: nnc/v1\nkind: Dataset\nname: ${name}\ntype: binary_classification\nhead: verdict\nsource: ${source}\n`);
  return yaml;
}

type Attack = 'link-to-secret' | 'link-to-passwd' | 'link-to-environ' | 'link-to-zero' | 'link-to-urandom' | 'link-to-outside-folder' | 'link-chain-out' | 'fifo' | 'link-to-fifo' | 'sparse-huge';
const ATTACKS: Attack[] = ['link-to-secret', 'link-to-passwd', 'link-to-environ', 'link-to-zero', 'link-to-urandom', 'link-to-outside-folder', 'link-chain-out', 'fifo', 'link-to-fifo', 'sparse-huge'];
type Kind = 'yaml' | 'yml' | 'jsonl' | 'csv' | 'json';
const KINDS: Kind[] = ['yaml', 'yml', 'jsonl', 'csv', 'json'];

/** Puts the attack at `path` (inside project `dir`); returns the code nnc must answer with. */
function plant(dir: string, path: string, kind: Kind, attack: Attack): number {
  const yaml = kind === 'yaml' || kind === 'yml';
  const codes = { outside: yaml ? 1010 : 4003, notRegular: yaml ? 1011 : 4008, tooLarge: yaml ? 1012 : 4009 };
  mkdirSync(dirname(path), { recursive: true });
  switch (attack) {
    case 'link-to-secret':
      symlinkSync(join(outside, `secret.${kind === 'yml' ? 'yaml' : kind}`), path);
      return codes.outside;
    case 'link-to-passwd':
      symlinkSync('/etc/passwd', path);
      return codes.outside;
    case 'link-to-environ':
      symlinkSync('/proc/self/environ', path);
      return codes.outside;
    case 'link-to-zero':
      symlinkSync('/dev/zero', path);
      return codes.outside;
    case 'link-to-urandom':
      symlinkSync('/dev/urandom', path);
      return codes.outside;
    case 'link-to-outside-folder':
      symlinkSync(outside, path);
      return codes.outside;
    case 'link-chain-out': {
      // a link to a link inside the project that leads out
      const hop = join(dir, `hop-${Math.random().toString(36).slice(2)}`);
      symlinkSync(join(outside, 'secret.yaml'), hop);
      symlinkSync(hop, path);
      return codes.outside;
    }
    case 'fifo':
      mkfifo(path);
      return codes.notRegular;
    case 'link-to-fifo': {
      const fifo = join(dir, `pipe-${Math.random().toString(36).slice(2)}`);
      mkfifo(fifo);
      symlinkSync(fifo, path);
      return codes.notRegular;
    }
    case 'sparse-huge':
      // 20 GiB for YAML, more than the limit for data: holes, so no disk is used
      sparse(path, yaml ? 20 * 2 ** 30 : DATA_FILE_MAX_BYTES + 1);
      return codes.tooLarge;
  }
}

function compileTimed(dir: string) {
  const started = performance.now();
  const result = compile(dir, nodeHost);
  return { result, ms: performance.now() - started };
}

function expectNothingEchoed(text: string): void {
  expect(text).not.toContain(SECRET);
  expect(text).not.toContain(ENV_SECRET);
  expect(text).not.toMatch(/root:x?:0:0/);
}

describe('every file nnc reads is confined to the project', () => {
  it('the tiny fixture compiles clean (the attacks below are the only errors)', () => {
    expect(compile(project(), nodeHost).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });

  /** Plants attack n in project dir; returns where its diagnostic must point and with which code. */
  function plantAt(dir: string, n: number, kind: Kind, attack: Attack, nested: boolean): { file: string; code: number; what: string } {
    const rel = `${nested ? 'deep/er/' : ''}a${n}.${kind}`;
    const code = plant(dir, join(dir, rel), kind, attack);
    // a data file is read through a dataset's source: the diagnostic points at that key
    const file = kind === 'yaml' || kind === 'yml' ? join(dir, rel) : datasetWithSource(dir, `d${n}`, `../${rel}`);
    return { file, code, what: `${attack} as .${kind}${nested ? ' (nested)' : ''}` };
  }

  function expectRefused(dir: string, planted: ReturnType<typeof plantAt>[], limitMs: number): void {
    const { result, ms } = compileTimed(dir);
    expect(ms).toBeLessThan(limitMs);
    for (const { file, code, what } of planted) {
      const found = result.diagnostics.filter((d) => d.file === file && d.code === code);
      expect(found, `${what}: ${JSON.stringify(result.diagnostics.filter((d) => d.file === file).map((d) => d.message))}`).toHaveLength(1);
      expect(found[0].severity).toBe('error');
      expect(found[0].message).toMatch(/^[^\n]+\.$/);
    }
    expect(result.plan).toBeNull();
    expectNothingEchoed(JSON.stringify(result.diagnostics));
  }

  // data sources are read only when the YAML compiles, so YAML and data attacks go in separate projects
  const YAML_KINDS = KINDS.filter((k) => k === 'yaml' || k === 'yml');
  const DATA_KINDS = KINDS.filter((k) => k !== 'yaml' && k !== 'yml');

  it('refuses every attack on every kind of file, each at its file, all in one project', () => {
    for (const kinds of [YAML_KINDS, DATA_KINDS]) {
      const dir = project();
      const planted = kinds.flatMap((kind, k) => ATTACKS.map((attack, a) => plantAt(dir, k * ATTACKS.length + a, kind, attack, a % 2 === 1)));
      expect(planted).toHaveLength(kinds.length * ATTACKS.length);
      expectRefused(dir, planted, IN_PROCESS_MS);
    }
  });

  it('refuses any mix of attacks, nested or not (fast-check)', () => {
    const plant = (kinds: Kind[]) => fc.tuple(fc.constantFrom(...kinds), fc.constantFrom(...ATTACKS), fc.boolean());
    fc.assert(
      fc.property(fc.oneof(fc.array(plant(YAML_KINDS), { minLength: 1, maxLength: 4 }), fc.array(plant(DATA_KINDS), { minLength: 1, maxLength: 4 })), (plants) => {
        const dir = project();
        expectRefused(dir, plants.map(([kind, attack, nested], n) => plantAt(dir, n, kind, attack, nested)), IN_PROCESS_MS);
        rmSync(dir, { recursive: true, force: true });
      }),
      { numRuns: Number(process.env.NNC_PROPERTY_RUNS ?? 25), seed: 10 },
    );
  });

  it('reads a link that stays inside the project', () => {
    const dir = project();
    symlinkSync(join(dir, 'heads.yaml'), join(dir, 'heads-link.yml'));
    const result = compile(dir, nodeHost);
    // read: the same document twice, so a duplicate head, not a refusal
    expect(result.diagnostics.map((d) => d.code)).not.toContain(1010);
    expect(result.files.map((f) => f.relPath)).toContain('heads-link.yml');
  });

  it('a link to a folder named *.yaml is refused as not a regular file, and a real folder named *.yaml is walked', () => {
    const dir = project();
    mkdirSync(join(dir, 'inner'));
    symlinkSync(join(dir, 'inner'), join(dir, 'folder.yaml'));
    mkdirSync(join(dir, 'walked.yaml'));
    const result = compile(dir, nodeHost);
    expect(result.diagnostics.map((d) => [d.code, d.file, d.message])).toEqual([[1008, join(dir, 'folder.yaml'), "Cannot read 'folder.yaml': it is a folder. Check that the file exists and is readable."]]);
  });

  it('readProjectFile never reads past the limit, and says why in words without the text', () => {
    const dir = project();
    const big = join(dir, 'big.jsonl');
    writeFileSync(big, `${'x'.repeat(1000)}\n`);
    expect(readProjectFile(nodeHost, dir, big, 999)).toEqual({ error: 'it is 1,001 bytes, more than the 999 bytes nnc reads', reason: 'too-large' });
    expect(readProjectFile(nodeHost, dir, big, 1001)).toBe(`${'x'.repeat(1000)}\n`);
    // devices are refused by type even when asked for directly
    expect(nodeHost.readFile('/dev/zero', { maxBytes: 10 })).toEqual({ error: 'it is a device, not a regular file', reason: 'not-regular' });
    expect(readProjectFile(nodeHost, dir, join(dir, 'missing.yaml'), 10)).toEqual({ error: 'the file does not exist', reason: 'missing' });
  });
});

describe('size limits on input', () => {
  const writeHeads = (dir: string, body: string) => writeFileSync(join(dir, 'heads.yaml'), `apiVersion: nnc/v1\nkind: Heads\nheads:\n${body}`);

  it('a 10 MB line of 3.5 million classes is refused before the parser sees it', () => {
    const dir = project();
    const classes = `${'c1,'.repeat(3_500_000)}c2`;
    writeHeads(dir, `  - {name: verdict, attach: hidden, task: classification, loss: crossentropy, classes: [${classes}]}\n`);
    const { result, ms } = compileTimed(dir);
    expect(ms).toBeLessThan(IN_PROCESS_MS);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0].code).toBe(1013);
    expect(result.diagnostics[0].message).toMatch(
      /^'heads\.yaml' has 3,500,0\d\d lines and flow items \('\[', '\{', ','\), more than the 100,000 nnc parses in one file, so it was not parsed\. Split it into several files, write big sample lists one flow mapping per line \(- \{input: \.\.\., label: \.\.\.\}\), or move them into a JSONL source\.$/,
    );
  });

  it('100,000 heads are refused before parsing; 1,001 heads parse and get one schema error', () => {
    const dir = project();
    const heads = (n: number) => Array.from({ length: n }, (_, i) => `  - {name: h${i}, attach: hidden, task: classification, loss: crossentropy, classes: [a, b]}`).join('\n') + '\n';
    writeHeads(dir, heads(100_000));
    let { result, ms } = compileTimed(dir);
    expect(ms).toBeLessThan(IN_PROCESS_MS);
    expect(result.diagnostics.map((d) => d.code)).toEqual([1013]);
    writeHeads(dir, heads(1001));
    ({ result, ms } = compileTimed(dir));
    expect(ms).toBeLessThan(IN_PROCESS_MS);
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual(["2010 4:3 'heads' must list at most 1000 items, but it has 1001."]);
  });

  it('classes and token categories have a length limit', () => {
    const dir = project();
    const classes = Array.from({ length: 10_001 }, (_, i) => `c${i}`).join(', ');
    writeHeads(dir, `  - {name: verdict, attach: hidden, task: classification, loss: crossentropy, classes: [${classes}]}\n`);
    const result = compile(dir, nodeHost);
    expect(result.diagnostics.map((d) => d.code)).toContain(2010);
    expect(result.diagnostics.find((d) => d.code === 2010)!.message).toMatch(/at most 10000 items, but it has 10001\./);
    const tokens = Array.from({ length: 50_001 }, (_, i) => `w${i}`).join(', ');
    writeFileSync(join(dir, 'tokens.yaml'), `apiVersion: nnc/v1\nkind: Tokens\ncategories:\n  words: [${tokens}]\n`);
    const tokenDiagnostics = compile(dir, nodeHost).diagnostics.map((d) => `${d.code} ${d.message}`);
    expect(tokenDiagnostics, JSON.stringify(tokenDiagnostics)).toContain("2010 Category 'words' must list at most 50000 items, but it has 50001.");
  });

  it('the parser budget is for the whole project too', () => {
    const dir = project();
    // three files of 90,000 items each: each under the file limit, together over the project's
    for (const n of [1, 2, 3]) writeFileSync(join(dir, `extra${n}.yaml`), `# ${','.repeat(90_000)}\n`);
    const { result, ms } = compileTimed(dir);
    expect(ms).toBeLessThan(IN_PROCESS_MS * 2);
    const refused = result.diagnostics.filter((d) => d.code === 1013);
    expect(refused.map((d) => d.file)).toEqual([join(dir, 'extra3.yaml')]);
    expect(refused[0].message).toMatch(/^'extra3\.yaml' has 90,002 lines and flow items \('\[', '\{', ','\), more than the [\d,]+ left of the 250,000 nnc parses in one project, so it was not parsed\./);
  });

  it('a billion-laughs document stops at the alias limit, with advice that fits', () => {
    const dir = project();
    const levels = ['  a0: &a0 [x0, x1, x2, x3, x4, x5, x6, x7, x8, x9]'];
    for (let i = 1; i < 10; i++) levels.push(`  a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    writeFileSync(join(dir, 'tokens.yaml'), `apiVersion: nnc/v1\nkind: Tokens\ncategories:\n${levels.join('\n')}\n`);
    const { result, ms } = compileTimed(dir);
    expect(ms).toBeLessThan(IN_PROCESS_MS);
    expect(result.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      '1007 Excessive alias count indicates a resource exhaustion attack. Write the values out instead of nesting aliases (*name) of lists that hold aliases.',
    ]);
  });

  it('a long value is quoted cut, with its full length, in the message', () => {
    const dir = project();
    writeHeads(dir, `  - {name: verdict, attach: ${'a'.repeat(10 * 1024 * 1024)}, task: classification, loss: crossentropy}\n`);
    const { result, ms } = compileTimed(dir);
    expect(ms).toBeLessThan(IN_PROCESS_MS * 2);
    const shown = result.diagnostics.find((d) => d.code === 3005)!;
    expect(shown.message).toBe(`Head 'verdict' attaches to '${'a'.repeat(40)}…' (10,485,760 characters), which is not a layer. Attach it to one of: 'embed', 'pool', 'hidden'.`);
    for (const d of result.diagnostics) expect(d.message.length, d.message.slice(0, 200)).toBeLessThan(1000);
  });
});

describe('through the built CLI', () => {
  function check(dir: string) {
    const started = performance.now();
    const r = spawnSync(process.execPath, [CLI, 'check', dir, '--format', 'json'], { encoding: 'utf8', timeout: CLI_MS, env: { ...process.env, [ENV_SECRET]: ENV_SECRET }, maxBuffer: 64 * 1024 * 1024 });
    const ms = performance.now() - started;
    expect(r.signal, `nnc check was killed after ${Math.round(ms)} ms`).toBeNull();
    expect(r.stderr).toBe('');
    return { code: r.status, json: JSON.parse(r.stdout) as Array<{ code: number; file: string; message: string }>, stdout: r.stdout, ms };
  }

  it('a FIFO, /dev/zero, /proc/self/environ and /etc/passwd named *.yaml: one diagnostic each, no hang, nothing echoed', () => {
    const dir = project();
    mkfifo(join(dir, 'pipe.yaml'));
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    symlinkSync('/proc/self/environ', join(dir, 'environ.yaml'));
    symlinkSync('/etc/passwd', join(dir, 'passwd.yml'));
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(r.ms).toBeLessThan(CLI_MS);
    expect(r.json.map((d) => [d.code, d.file.split('/').pop()])).toEqual([
      [1010, 'environ.yaml'],
      [1010, 'passwd.yml'],
      [1011, 'pipe.yaml'],
      [1010, 'zero.yaml'],
    ]);
    expect(r.json[2].message).toBe("Cannot read 'pipe.yaml': it is a named pipe (FIFO), not a regular file. Replace it with a regular file, or remove it from the project.");
    expectNothingEchoed(r.stdout);
  });

  it('data sources: a FIFO, a /dev/urandom link and a 20 GiB sparse file', () => {
    const dir = project();
    mkfifo(join(dir, 'datasets', 'pipe.jsonl'));
    symlinkSync('/dev/urandom', join(dir, 'datasets', 'random.csv'));
    sparse(join(dir, 'datasets', 'huge.json'), 20 * 2 ** 30);
    for (const [name, source] of [['a', 'pipe.jsonl'], ['b', 'random.csv'], ['c', 'huge.json']]) {
      writeFileSync(join(dir, 'datasets', `${name}.yaml`), `apiVersion: nnc/v1\nkind: Dataset\nname: ${name}\ntype: binary_classification\nhead: verdict\nsource: ${source}\n`);
    }
    const r = check(dir);
    expect(r.code).toBe(1);
    expect(r.json.map((d) => `${d.code} ${d.message}`)).toEqual([
      "4008 Cannot read the source 'pipe.jsonl': it is a named pipe (FIFO), not a regular file. Point 'source' at a regular file.",
      "4003 The source 'random.csv' links to a file outside the project folder, so it was not read. Copy the file into the project instead of linking to it.",
      `4009 Cannot read the source 'huge.json': it is 21,474,836,480 bytes, more than the 256 MiB nnc reads. Split it into several datasets, each with its own source.`,
    ]);
  });

  it('a YAML file over the size limit and a 10 MB value: a diagnostic, and output of a few hundred bytes', () => {
    const dir = project();
    sparse(join(dir, 'huge.yaml'), YAML_FILE_MAX_BYTES + 1);
    writeFileSync(join(dir, 'kind.yaml'), `apiVersion: nnc/v1\nkind: ${'K'.repeat(10 * 1024 * 1024)}\n`);
    const r = check(dir);
    expect(r.json.map((d) => d.code)).toEqual([1012, 2003]);
    expect(r.json[0].message).toBe("Cannot read 'huge.yaml': it is 16,777,217 bytes, more than the 16 MiB nnc reads. Split it into several files, or move big sample lists into a JSONL source.");
    expect(r.json[1].message).toContain(`but it is '${'K'.repeat(40)}…' (10,485,760 characters).`);
    expect(r.stdout.length).toBeLessThan(2000);
  });
});

describe('nnc watch with a FIFO in the project', () => {
  it('keeps answering the API, and reports the FIFO, also one made after it started', async () => {
    const dir = project();
    mkfifo(join(dir, 'pipe.yaml'));
    const child = spawn(process.execPath, [CLI, 'watch', dir, '--port', '0', '--backend', 'cpu'], { env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += String(d)));
    const exited = new Promise((done) => child.once('exit', done));
    const until = async <T>(what: string, probe: () => Promise<T | undefined> | T | undefined, ms = 20_000): Promise<T> => {
      const end = Date.now() + ms;
      for (;;) {
        const value = await probe();
        if (value) return value;
        if (Date.now() > end) throw new Error(`Timed out waiting for ${what}; stdout: ${stdout}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const codes = async (url: string) => {
      const response = await fetch(`${url}api/diagnostics`, { signal: AbortSignal.timeout(3000) });
      const body = (await response.json()) as Array<{ code: number; file: string }> | { error: string };
      // before the first compile the answer is an error
      return Array.isArray(body) ? body.map((d) => `${d.code} ${d.file.split('/').pop()}`) : [];
    };
    try {
      const url = await until('the URL', () => stdout.match(/viewer at (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1]);
      expect(await until('the FIFO reported', async () => ((await codes(url)).includes('1011 pipe.yaml') ? true : undefined))).toBe(true);
      mkfifo(join(dir, 'datasets', 'later.yaml'));
      expect(await until('the second FIFO reported', async () => ((await codes(url)).includes('1011 later.yaml') ? true : undefined))).toBe(true);
      // still answering after both
      expect(await codes(url)).toEqual(['1011 later.yaml', '1011 pipe.yaml']);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});

describe('boundMessage', () => {
  it('cuts long quoted values only, in quotes of either kind, and leaves apostrophes alone', () => {
    const long = 'v'.repeat(150);
    expect(boundMessage(`Layer 'x' doesn't fit '${long}'. Fix it.`)).toBe(`Layer 'x' doesn't fit '${'v'.repeat(40)}…' (150 characters). Fix it.`);
    expect(boundMessage(`The text ${JSON.stringify(`a"${long}`)}, not a mapping.`)).toBe(`The text "a\\"${'v'.repeat(37)}…" (153 characters), not a mapping.`);
    // prose between quotes is not a value, however long
    const prose = `Head 'h' is wrong: ${'word '.repeat(40)}and the dataset's type does not fit 'k'.`;
    expect(boundMessage(prose)).toBe(prose);
  });

  it('stays linear when a message holds many quotes that never close', () => {
    const hostile = ` 'a`.repeat(700_000);
    const started = performance.now();
    const out = boundMessage(`Value${hostile}.`);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.length).toBeLessThan(2100);
    expect(out).toMatch(/… \(cut: the message has 2,100,006 characters\)\.$/);
  });
});
