// The command line as a new user meets it: mistyped options in nnc's words
// with a suggestion, every help text with its exit codes and one notation for
// option values, --version in `nnc --help`, one place for command summaries,
// and an empty argument named as such.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../src/cli/parse-command-line.js';

const CLI = resolve('dist/cli.js');

function nnc(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const COMMANDS = readdirSync('src/cli/commands').filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, '')).sort();

describe('options that nnc does not know', () => {
  it("say so in one line with 'Did you mean', exit 2, and print nothing of node's parser", () => {
    const r = nnc(['check', '--fromat', 'json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("nnc check: unknown option '--fromat'. Did you mean '--format'? Run 'nnc check --help' for its options.\n");
  });

  it('suggest an option from its start, and list the options when none is close', () => {
    expect(nnc(['check', '--form=json']).stderr).toContain("unknown option '--form'. Did you mean '--format'?");
    const far = nnc(['check', '--foo']);
    expect(far.code).toBe(2);
    expect(far.stderr).toBe("nnc check: unknown option '--foo'. Its options: '--format', '--explain', '--set', '--help'. Run 'nnc check --help' for its options.\n");
  });

  it('name a missing value in the notation of the help, and a value given to a flag', () => {
    const missing = nnc(['build', '--out']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("nnc build: option '--out' needs a value: '--out <dir>'. Run 'nnc build --help' for its options.\n");
    expect(nnc(['logs', '--run', '--spam']).stderr).toContain("option '--run' needs a value, but the next argument is '--spam'.");
    const flag = nnc(['init', 'x', '--force=yes']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("option '--force' takes no value");
  });

  it("point at '--' for an argument that starts with '-'", () => {
    const r = nnc(['predict', '.', '-1,2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Put an argument that starts with '-' after '--'");
  });

  it('suggest a command for a mistyped one', () => {
    const r = nnc(['chek']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("nnc: unknown command 'chek'. Did you mean 'check'? Run 'nnc --help' for the list of commands.\n");
  });

  it('parseCommandLine keeps the defaults and values of a good command line', () => {
    const args = parseCommandLine('x', ['dir', '--out=-odd', '--force'], { out: { type: 'string' }, force: { type: 'boolean' }, format: { type: 'string', default: 'text' } }, '');
    expect(args).toEqual({ values: { out: '-odd', force: true, format: 'text' }, positionals: ['dir'] });
  });
});

describe('help texts', () => {
  it('nnc --help lists every command once, with --version and the exit codes', () => {
    const r = nnc(['--help']);
    expect(r.code).toBe(0);
    const listed = [...r.stdout.matchAll(/^ {2}([a-z]+) {2,}\S/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(COMMANDS);
    expect(r.stdout).toMatch(/^\s+-v, --version\s+print nnc's version$/m);
    expect(r.stdout).toMatch(/^Exit code: /m);
    expect(nnc(['--version']).stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('a command summary is written once: in cli.ts, not in the command files', () => {
    for (const name of COMMANDS) expect(readFileSync(`src/cli/commands/${name}.ts`, 'utf8'), name).not.toMatch(/^\s+summary:/m);
  });

  for (const name of COMMANDS) {
    it(`nnc ${name} --help states its exit codes and writes option values as <value> or a|b`, () => {
      const r = nnc([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/^Exit code: 0 /m);
      const values = [...r.stdout.matchAll(/^ {2}(--[a-z-]+) ([^\s-]\S*)/gm)].map((m) => `${m[1]} ${m[2]}`);
      for (const option of values) expect(option, option).toMatch(/^--[a-z-]+ (<[a-z-]+>|[a-z]+(\|[a-z]+)+)$/);
      const usage = r.stdout.split('\n')[0]!;
      for (const m of usage.matchAll(/\[?(--[a-z-]+) ([^\s\]]+)/g)) expect(`${m[1]} ${m[2]}`, usage).toMatch(/^--[a-z-]+ (<[a-z-]+>|[a-z]+(\|[a-z]+)+|\[options\])$/);
    });
  }
});

describe('empty arguments', () => {
  it("nnc predict '' names the empty argument instead of calling it a project folder", () => {
    const r = nnc(['predict', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('is a project folder');
    expect(r.stderr).toContain("An argument is empty ('')");
  });

  it("nnc check '' does not check the current folder silently", () => {
    const r = nnc(['check', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("The project folder is '' (an empty argument)");
  });
});
