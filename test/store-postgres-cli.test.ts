// The shared PostgreSQL store through the built CLI: two project folders
// trained on SQLite, pushed (twice: nothing doubles), then runs, logs,
// predict (its checkpoint fetched into an empty cache), backup, and the
// errors of a wrong password and a closed port, with no password printed.
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import postgresClient from 'pg';
import { startPostgres, type TestPostgres } from './helpers/postgres.js';

const execFileAsync = promisify(execFile);
const cli = join(process.cwd(), 'dist', 'cli.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}
async function nnc(args: string[], env: Record<string, string> = {}, nodeArgs: string[] = []): Promise<Result> {
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [...nodeArgs, cli, ...args], { env: { ...process.env, NO_COLOR: '1', NNC_STORE: '', ...env }, maxBuffer: 32 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

let pg: TestPostgres | undefined;
let skip: string | undefined;
let root: string;
let url: string;
const folders = { a: '', b: '', empty: '' };
const trained: Record<'a' | 'b', string> = { a: '', b: '' };

function project(name: string, projectName: string): string {
  const dir = join(root, name);
  cpSync(join(process.cwd(), 'test', 'fixtures', 'tiny'), dir, { recursive: true });
  const file = join(dir, 'nnc.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/^name: tiny$/m, `name: ${projectName}`));
  return dir;
}

beforeAll(async () => {
  const started = await startPostgres();
  if (started.skip) {
    skip = started.skip;
    console.warn(`store-postgres-cli: skipped: ${skip}`);
    return;
  }
  pg = started.server!;
  url = pg.createDatabase(`cli_${process.pid}`);
  root = mkdtempSync(join(tmpdir(), 'nnc-pg-cli-'));
  folders.a = project('a', 'tiny');
  folders.b = project('b', 'tiny_other');
  folders.empty = project('a-clone', 'tiny');
  rmSync(join(folders.empty, 'datasets'), { recursive: true, force: true });
  const [a, b] = await Promise.all([nnc(['train', folders.a, '--epochs', '2', '--format', 'json']), nnc(['train', folders.b, '--epochs', '2', '--format', 'json'])]);
  expect(a.code, a.stderr).toBe(0);
  expect(b.code, b.stderr).toBe(0);
  trained.a = (JSON.parse(a.stdout) as { run: { id: string } }).run.id;
  trained.b = (JSON.parse(b.stdout) as { run: { id: string } }).run.id;
}, 240_000);
afterAll(() => {
  pg?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

const noSecret = (r: Result) => {
  expect(r.stdout + r.stderr).not.toContain(pg!.password);
  expect(r.stdout + r.stderr).not.toMatch(/\n\s+at /); // no stack
};

describe('nnc store push and the commands on a shared store', () => {
  it('pushes two projects once each: a second push adds nothing', async ({ skip: skipTest }) => {
    if (!pg) return skipTest();
    const first = await nnc(['store', 'push', folders.a, '--store', url]);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^1 run pushed, 0 already in the store; 0 sweeps and \d+ new checkpoint files added to project 'tiny' in 'postgres:\/\/nnc:\*\*\*@127\.0\.0\.1:\d+\/cli_\d+'\.$/m);
    noSecret(first);
    const again = await nnc(['store', 'push', folders.a, '--format', 'json'], { NNC_STORE: url });
    expect(again.code, again.stderr).toBe(0);
    const json = JSON.parse(again.stdout) as { pushed: string[]; skipped: string[]; blobs: number; project: { name: string } };
    expect(json).toMatchObject({ pushed: [], skipped: [trained.a], blobs: 0, project: { name: 'tiny' } });
    const other = await nnc(['store', 'push', folders.b, '--store', url, '--format', 'json']);
    expect(JSON.parse(other.stdout)).toMatchObject({ pushed: [trained.b], skipped: [] });

    const listed = await nnc(['runs', folders.a, '--store', url, '--format', 'json']);
    expect(listed.code, listed.stderr).toBe(0);
    const runs = JSON.parse(listed.stdout) as Array<{ id: string; project: string; status: string; best: Record<string, number> }>;
    expect(runs.map((r) => [r.id, r.project, r.status])).toEqual([[trained.a, 'tiny', 'completed']]);
    // the same run as the folder's own store lists it
    const local = JSON.parse((await nnc(['runs', folders.a, '--format', 'json'])).stdout) as Array<{ id: string; best: Record<string, number>; planHash: string }>;
    expect(runs[0]!.best).toEqual(local[0]!.best);
    const listedB = JSON.parse((await nnc(['runs', folders.b, '--format', 'json'], { NNC_STORE: url })).stdout) as Array<{ id: string; project: string }>;
    expect(listedB.map((r) => [r.id, r.project])).toEqual([[trained.b, 'tiny_other']]);
    // a pin in the store is the store's (the folder's own store keeps its own)
    const pinned = await nnc(['runs', folders.b, '--pin', trained.b.slice(0, 8), '--store', url]);
    expect(pinned.code, pinned.stderr).toBe(0);
    expect(pinned.stdout).toMatch(new RegExp(`^Pinned run ${trained.b} \\(completed\\)`));
    const shownPinned = JSON.parse((await nnc(['runs', folders.b, '--format', 'json', '--store', url])).stdout) as Array<{ pinned: boolean }>;
    expect(shownPinned.map((r) => r.pinned)).toEqual([true]);
    expect((JSON.parse((await nnc(['runs', folders.b, '--format', 'json'])).stdout) as Array<{ pinned: boolean }>).map((r) => r.pinned)).toEqual([false]);
    expect((await nnc(['runs', folders.b, '--unpin', '--store', url])).stdout).toMatch(/^Unpinned run/);
  });

  it('prints the pushed logs, predicts from a folder with no checkpoint of its own, and backs the store up', async ({ skip: skipTest }) => {
    if (!pg) return skipTest();
    const logs = await nnc(['logs', folders.a, '--store', url, '--run', trained.a, '--format', 'json']);
    expect(logs.code, logs.stderr).toBe(0);
    const localLogs = JSON.parse((await nnc(['logs', folders.a, '--run', trained.a, '--format', 'json'])).stdout) as Array<{ message: string; count: number }>;
    const sharedLogs = JSON.parse(logs.stdout) as Array<{ message: string; count: number; runId: string }>;
    expect(sharedLogs.length).toBeGreaterThan(0);
    expect(sharedLogs.map((l) => [l.message, l.count])).toEqual(localLogs.map((l) => [l.message, l.count]));

    // a clone of project 'tiny' without data or .nnc: the model comes from the store's blobs
    expect(existsSync(join(folders.empty, '.nnc'))).toBe(false);
    const predicted = await nnc(['predict', folders.empty, 'a great movie', '--store', url, '--format', 'json']);
    expect(predicted.code, predicted.stderr).toBe(0);
    const localPrediction = await nnc(['predict', folders.a, 'a great movie', '--format', 'json']);
    expect(JSON.parse(predicted.stdout)).toEqual(JSON.parse(localPrediction.stdout));
    const cached = join(folders.empty, '.nnc', 'store-cache', 'runs', trained.a);
    expect(readdirSync(cached)).toEqual(expect.arrayContaining(['model.json', 'weights.bin']));
    noSecret(predicted);
    // export from the same clone: the run's files as predict used them
    const exported = join(root, 'exported');
    const exportRun = await nnc(['export', folders.empty, '--out', exported, '--store', url]);
    expect(exportRun.code, exportRun.stderr).toBe(0);
    expect(readFileSync(join(exported, 'weights.bin'))).toEqual(readFileSync(join(folders.a, '.nnc', 'runs', trained.a, 'weights.bin')));

    // evaluate scores the store's model (fetched into this folder's cache) and keeps the result in the store
    const evaluated = await nnc(['evaluate', folders.b, '--split', 'validation', '--store', url, '--format', 'json']);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    const withEvaluation = JSON.parse((await nnc(['runs', folders.b, '--store', url, '--format', 'json'])).stdout) as Array<{ id: string; evaluations: Array<{ split: string }> }>;
    expect(withEvaluation.map((r) => [r.id, r.evaluations.map((e) => e.split)])).toEqual([[trained.b, ['validation']]]);
    const localRuns = JSON.parse((await nnc(['runs', folders.b, '--format', 'json'])).stdout) as Array<{ evaluations: unknown[] }>;
    expect(localRuns[0]!.evaluations).toEqual([]); // the folder's own store is not touched

    const out = join(root, 'store.dump');
    const backup = await nnc(['backup', folders.a, '--store', url, '--out', out]);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up the shared store 'postgres:\/\/nnc:\*\*\*@[^']+' \(every project\) to '.*store\.dump' (with pg_dump|as a logical export)/);
    expect(readFileSync(out).length).toBeGreaterThan(1000);
    noSecret(backup);
    // without pg_dump on the PATH: the logical export, which says why
    const out2 = join(root, 'store.jsonl');
    const noTools = join(root, 'no-tools');
    mkdirSync(noTools);
    const logical = await nnc(['backup', folders.a, '--store', url, '--out', out2], { PATH: noTools });
    expect(logical.code, logical.stderr).toBe(0);
    expect(logical.stdout).toMatch(/as a logical export \(JSON lines, one per row\) because pg_dump is not installed/);
    const lines = readFileSync(out2, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { table?: string; row?: Record<string, unknown>; nnc?: string });
    expect(lines[0]!.nnc).toBe('store-export');
    expect(lines.filter((l) => l.table === 'runs').map((l) => l.row!.id).sort()).toEqual([trained.a, trained.b].sort());
    expect(lines.filter((l) => l.table === 'projects').map((l) => l.row!.name).sort()).toEqual(['tiny', 'tiny_other']);
    expect(lines.some((l) => l.table === 'blobs' && typeof (l.row!.data as { base64?: string }).base64 === 'string')).toBe(true);
  });

  it('says in one line what is wrong with a wrong password or a closed port, without the password', async ({ skip: skipTest }) => {
    if (!pg) return skipTest();
    const wrong = new URL(url);
    wrong.password = 'Not-The-Password-91';
    const refused = await nnc(['runs', folders.a, '--store', wrong.toString()]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^nnc runs: PostgreSQL refused the login to the run store 'postgres:\/\/nnc:\*\*\*@127\.0\.0\.1:\d+\/cli_\d+' \(password authentication failed for user "nnc"\)\. Check the user and password/);
    expect(refused.stdout + refused.stderr).not.toContain('Not-The-Password-91');
    noSecret(refused);

    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const p = (server.address() as { port: number }).port;
        server.close(() => resolve(p));
      });
    });
    const closed = new URL(url);
    closed.port = String(port);
    const unreachable = await nnc(['logs', folders.a], { NNC_STORE: closed.toString() });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toMatch(new RegExp(`^nnc logs: Cannot reach the run store 'postgres://nnc:\\*\\*\\*@127\\.0\\.0\\.1:${port}/cli_\\d+': nothing accepts connections at 127\\.0\\.0\\.1:${port}`));
    noSecret(unreachable);
    const missing = new URL(url);
    missing.pathname = '/no_such_db';
    const nodb = await nnc(['store', 'push', folders.a, '--store', missing.toString()]);
    expect(nodb.code).toBe(1);
    expect(nodb.stderr).toMatch(/names a database that does not exist \(database "no_such_db" does not exist\)\. Create it/);
    noSecret(nodb);
    // a user who may only read lists and prints what is stored
    const admin = new postgresClient.Client({ connectionString: url });
    await admin.connect();
    const role = `viewer_${process.pid}`;
    await admin.query(`CREATE ROLE ${role} LOGIN PASSWORD 'viewer-Pw-5'`);
    await admin.query(`GRANT USAGE ON SCHEMA nnc TO ${role}`);
    await admin.query(`GRANT SELECT ON ALL TABLES IN SCHEMA nnc TO ${role}`);
    await admin.end();
    const asViewer = new URL(url);
    asViewer.username = role;
    asViewer.password = 'viewer-Pw-5';
    const viewed = await nnc(['runs', folders.a, '--store', asViewer.toString(), '--format', 'json']);
    expect(viewed.code, viewed.stderr).toBe(0);
    expect((JSON.parse(viewed.stdout) as Array<{ id: string }>).map((r) => r.id)).toEqual([trained.a]);
    expect((await nnc(['logs', folders.a, '--store', asViewer.toString()])).code).toBe(0);
    const cannotPin = await nnc(['runs', folders.a, '--pin', trained.a, '--store', asViewer.toString()]);
    expect(cannotPin.code).toBe(1);
    expect(cannotPin.stderr).toMatch(/refused this user \(permission denied/);

    // the options themselves
    const noValue = await nnc(['runs', folders.a, '--store']);
    expect([noValue.code, noValue.stderr.trim()]).toEqual([2, "nnc runs: option '--store' needs a value: '--store <url>'. Run 'nnc runs --help' for its options."]);
    const artifactsAlone = await nnc(['logs', folders.a, '--artifacts', root]);
    expect(artifactsAlone.code).toBe(2);
    expect(artifactsAlone.stderr).toMatch(/'--artifacts' says where a shared store keeps checkpoint files: add '--store postgres:\/\/…'/);
    const notAStoreCommand = await nnc(['check', folders.a, '--store', url]);
    expect(notAStoreCommand.code).toBe(2);
    expect(notAStoreCommand.stderr).toMatch(/unknown option '--store'/);
    const equalsForm = await nnc(['runs', folders.a, `--store=${url}`, '--format', 'json']);
    expect((JSON.parse(equalsForm.stdout) as Array<{ id: string }>).map((r) => r.id)).toEqual([trained.a]);
    // not a PostgreSQL URL
    const other = await nnc(['runs', folders.a, '--store', 'mysql://u:pw@h/db']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/'mysql:\/\/u:\*\*\*@h\/db' is not a run store nnc can use/);
  });

  it('nnc watch --store trains into the shared store, every checkpoint file uploaded as it is saved', async ({ skip: skipTest }) => {
    if (!pg) return skipTest();
    const dbUrl = pg.createDatabase(`cli_watch_${process.pid}`);
    const dir = project('watched', 'tiny_watched');
    const child = spawn(process.execPath, [cli, 'watch', dir, '--store', dbUrl, '--epochs', '2', '--no-view'], { env: { ...process.env, NO_COLOR: '1', NNC_STORE: '' } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    const client = new postgresClient.Client({ connectionString: dbUrl });
    try {
      const deadline = Date.now() + 120_000;
      while (!/run \S+ completed/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
      expect(output, output).toMatch(/run (\S+) completed/);
      const id = /run (\S+) completed/.exec(output)![1]!;
      await client.connect();
      const runs = (await client.query('SELECT r.id, r.status, p.name FROM nnc.runs r JOIN nnc.projects p ON p.id = r.project_id')).rows;
      expect(runs).toEqual([{ id, status: 'completed', name: 'tiny_watched' }]);
      const files = (await client.query('SELECT path FROM nnc.checkpoint_files WHERE run_id = $1 ORDER BY path', [id])).rows.map((r: { path: string }) => r.path);
      expect(files).toEqual(expect.arrayContaining(['model.json', 'weights.bin', 'checkpoint.json', 'plan.json', 'last/model.json', 'last/weights.bin', 'last/state.json']));
      const missing = (await client.query('SELECT count(*)::int AS n FROM nnc.checkpoint_files f LEFT JOIN nnc.blobs b ON b.hash = f.hash WHERE b.data IS NULL')).rows[0];
      expect(missing).toEqual({ n: 0 });
      expect(existsSync(join(dir, '.nnc', 'nnc.db'))).toBe(false); // nothing went to the folder's own store
    } finally {
      child.kill('SIGINT');
      await exited;
      await client.end().catch(() => {});
    }
    noSecret({ code: 0, stdout: output, stderr: '' });
  });

  it('loads the PostgreSQL store only when a shared store is named', async ({ skip: skipTest }) => {
    if (!pg) return skipTest();
    const traced = async (args: string[]) => {
      const trace = join(root, `trace-${args.length}.txt`);
      const outcome = await nnc(args, { NNC_TRACE_LOADS: trace }, ['--import', resolve('test/fixtures/trace-loads-cjs.mjs')]);
      expect(outcome.code, outcome.stderr).toBe(0);
      const files = readFileSync(trace, 'utf8').split('\n').filter(Boolean).map((f) => f.replace(/^file:\/\//, ''));
      const sources = files
        .filter((f) => f.startsWith(resolve('dist')) && f.endsWith('.js') && existsSync(`${f}.map`))
        .flatMap((f) => (JSON.parse(readFileSync(`${f}.map`, 'utf8')) as { sources: string[] }).sources.map((source) => source.replace(/^(\.\.\/)+/, '')));
      return { files, sources };
    };
    const local = await traced(['runs', folders.a, '--format', 'json']);
    expect(local.sources).toContain('src/runtime/store/store.ts');
    expect(local.sources.filter((f) => f.includes('store/postgres/') || f.endsWith('open-store.ts'))).toEqual([]);
    expect(local.files.filter((f) => f.includes('/node_modules/pg/'))).toEqual([]);
    const shared = await traced(['runs', folders.a, '--format', 'json', '--store', url]);
    expect(shared.sources).toContain('src/runtime/store/postgres/pg-store.ts');
  });
});
