// `nnc init` as a new user meets it: schema modelines that resolve wherever the
// repository is cloned, a folder with files of its own (merged .gitignore,
// changed files never overwritten without --force, and listed when they are),
// and a printed next command that works when pasted.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const CLI = resolve('dist/cli.js');
const tmp = mkdtempSync(join(tmpdir(), 'nnc-init-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function nnc(args: string[], cwd = tmp) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const YAML_FILES = ['nnc.yaml', 'tokens.yaml', 'layers.yaml', 'heads.yaml', 'datasets/reviews.yaml'];

/** Each YAML file's modeline target, resolved from the file's folder. */
function schemaTargets(project: string): Array<{ rel: string; schema: string; path: string }> {
  return YAML_FILES.map((rel) => {
    const schema = readFileSync(join(project, rel), 'utf8').split('\n')[0]!.match(/^# yaml-language-server: \$schema=(\S+)$/)?.[1];
    expect(schema, rel).toBeDefined();
    return { rel, schema: schema!, path: resolve(dirname(join(project, rel)), schema!) };
  });
}

function expectSchemasResolve(project: string): void {
  for (const { rel, schema, path } of schemaTargets(project)) {
    expect(existsSync(path), `${rel} -> ${schema}`).toBe(true);
    const kind = (rel.startsWith('datasets/') ? 'dataset' : rel === 'nnc.yaml' ? 'project' : rel.replace('.yaml', ''));
    expect(readFileSync(path, 'utf8'), rel).toBe(readFileSync(`schemas/${kind}.schema.json`, 'utf8'));
  }
}

describe('schema modelines', () => {
  it('outside any package that lists nnc: point into the project\'s own .schemas/, so a clone elsewhere still resolves them', () => {
    const repo = join(tmp, 'plain-repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    const r = nnc(['init', join(repo, 'models', 'topics')]);
    expect(r.code, r.stderr).toBe(0);
    const project = join(repo, 'models', 'topics');
    expect(readdirSync(join(project, '.schemas')).sort()).toEqual(['dataset.schema.json', 'heads.schema.json', 'layers.schema.json', 'project.schema.json', 'tokens.schema.json']);
    expect(schemaTargets(project).map((t) => t.schema)).toEqual([
      '.schemas/project.schema.json', '.schemas/tokens.schema.json', '.schemas/layers.schema.json', '.schemas/heads.schema.json', '../.schemas/dataset.schema.json',
    ]);
    expect(r.stdout).toContain('.schemas/: commit it with the project');
    // a collaborator's clone sits somewhere else entirely
    const clone = join(tmp, 'elsewhere', 'deeper', 'clone');
    cpSync(repo, clone, { recursive: true });
    expectSchemasResolve(join(clone, 'models', 'topics'));
    expect(nnc(['check', join(clone, 'models', 'topics')]).code).toBe(0);
  });

  it('when the repository\'s package.json lists nnc: point into node_modules/nnc/schemas/, there after npm install', () => {
    const repo = join(tmp, 'npm-repo');
    mkdirSync(join(repo, '.git'), { recursive: true });
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ name: 'my-models', private: true, devDependencies: { nnc: '^0.1.0' } }));
    const project = join(repo, 'models', 'sentiment');
    const r = nnc(['init', project]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(project, '.schemas'))).toBe(false);
    expect(schemaTargets(project).map((t) => t.schema)).toEqual([
      '../../node_modules/nnc/schemas/project.schema.json', '../../node_modules/nnc/schemas/tokens.schema.json',
      '../../node_modules/nnc/schemas/layers.schema.json', '../../node_modules/nnc/schemas/heads.schema.json',
      '../../../node_modules/nnc/schemas/dataset.schema.json',
    ]);
    expect(r.stdout).toContain("resolve after 'npm install'");
    // a clone, then `npm install` (which puts the package at node_modules/nnc)
    const clone = join(tmp, 'ci', 'workspace');
    cpSync(repo, clone, { recursive: true });
    mkdirSync(join(clone, 'node_modules'));
    symlinkSync(process.cwd(), join(clone, 'node_modules', 'nnc'), 'dir');
    try {
      expectSchemasResolve(join(clone, 'models', 'sentiment'));
    } finally {
      unlinkSync(join(clone, 'node_modules', 'nnc'));
    }
  });
});

describe('a folder that already has files', () => {
  it('merges .gitignore, adds missing files, leaves a changed file and lists it; --force overwrites it and says so', () => {
    const project = join(tmp, 'existing');
    expect(nnc(['init', project]).code).toBe(0);
    const template = readFileSync(join(project, 'layers.yaml'), 'utf8');
    const customised = template.replace('units: 16}', 'units: 64}');
    writeFileSync(join(project, 'layers.yaml'), customised);
    writeFileSync(join(project, '.gitignore'), 'node_modules\n*.log');
    rmSync(join(project, 'heads.yaml'));

    const kept = nnc(['init', project]);
    expect(kept.code).toBe(1);
    expect(kept.stderr).toContain("1 file differs from what init writes and was left as it is: layers.yaml. Run 'nnc init");
    expect(kept.stdout).toMatch(/layers\.yaml: kept as it is/);
    expect(kept.stdout).toMatch(/heads\.yaml: created/);
    expect(kept.stdout).toMatch(/\.gitignore: merged/);
    expect(readFileSync(join(project, 'layers.yaml'), 'utf8')).toBe(customised);
    expect(existsSync(join(project, 'heads.yaml'))).toBe(true);
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toBe('node_modules\n*.log\n.nnc/\n');

    const forced = nnc(['init', project, '--force']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/layers\.yaml: overwrote/);
    expect(forced.stdout).toMatch(/\.gitignore: unchanged/);
    expect(readFileSync(join(project, 'layers.yaml'), 'utf8')).toBe(template);
    // --force never replaces the .gitignore: the user's lines stay
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toBe('node_modules\n*.log\n.nnc/\n');
  });

  it('a .gitignore that already ignores the store in another spelling is left alone', () => {
    const project = join(tmp, 'spelled');
    mkdirSync(project);
    writeFileSync(join(project, '.gitignore'), '/.nnc\n');
    expect(nnc(['init', project]).code).toBe(0);
    expect(readFileSync(join(project, '.gitignore'), 'utf8')).toBe('/.nnc\n');
  });
});

describe('names with spaces', () => {
  it("prints a next command that works when pasted into a shell", () => {
    const r = nnc(['init', 'My Model 2']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("Created project 'my_model_2' in My Model 2:");
    const next = r.stdout.match(/^Next: (.*)$/m)?.[1];
    expect(next).toBe("nnc check 'My Model 2' && nnc train 'My Model 2'");
    const check = next!.split(' && ')[0]!.replace(/^nnc /, `'${process.execPath}' '${CLI}' `);
    const pasted = spawnSync('sh', ['-c', check], { cwd: tmp, encoding: 'utf8' });
    expect(pasted.status, pasted.stdout + pasted.stderr).toBe(0);
  });

  it('an unquoted name with spaces is a clear error that shows the quoted form', () => {
    const r = nnc(['init', 'My', 'Model']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("nnc init: Expected one folder, got 2: 'My', 'Model'. Quote a name with spaces: nnc init 'My Model'\n");
    expect(existsSync(join(tmp, 'My'))).toBe(false);
  });
});
