// A throwaway PostgreSQL cluster for tests: initdb into a temporary directory,
// a free port on 127.0.0.1, password authentication, fsync off; stop() removes it.
// Debian's server refuses to run as root, so as root it runs as the `postgres` user.
// NNC_TEST_PG_URL (postgres://user:password@host:port/db) uses a server you run instead.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface TestPostgres {
  /** a connection string to the cluster's `postgres` database (with the password) */
  readonly url: string;
  readonly password: string;
  /** creates a fresh database and returns its connection string */
  createDatabase(name: string): string;
  stop(): void;
}

export type StartedPostgres = { readonly server: TestPostgres; readonly skip?: undefined } | { readonly server?: undefined; readonly skip: string };

const PASSWORD = 'nnc-test-secret-7f3a';

function postgresBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0], 'bin') : null;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

function psql(url: string, sql: string): void {
  const bin = postgresBin();
  const result = spawnSync(bin ? join(bin, 'psql') : 'psql', [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', sql], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr || result.error}`);
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

function external(url: string): TestPostgres {
  const password = decodeURIComponent(new URL(url).password);
  return {
    url,
    password,
    createDatabase(name) {
      psql(url, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      psql(url, `CREATE DATABASE "${name}"`);
      return withDatabase(url, name);
    },
    stop() {},
  };
}

/** Starts a cluster, or says why it cannot (tests then skip with that reason printed). */
export async function startPostgres(): Promise<StartedPostgres> {
  if (process.env.NNC_TEST_PG_URL) return { server: external(process.env.NNC_TEST_PG_URL) };
  const bin = postgresBin();
  if (!bin) return { skip: 'PostgreSQL is not installed (apt-get install postgresql), and NNC_TEST_PG_URL is not set' };
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'nnc-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, PASSWORD);
  let owner: { uid: number; gid: number } | null = null;
  if (asRoot) {
    try {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      owner = { uid, gid };
    } catch {
      rmSync(dir, { recursive: true, force: true });
      return { skip: "running as root and there is no 'postgres' user to run the server as" };
    }
    chmodSync(dir, 0o755);
    chownSync(dir, owner.uid, owner.gid);
    chownSync(pwfile, owner.uid, owner.gid);
  }
  const run = (command: string, args: string[]) => {
    const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, command), ...args]] : [join(bin, command), args];
    const result = spawnSync(file, argv, { encoding: 'utf8', cwd: dir });
    if (result.status !== 0) throw new Error(`${command} failed (${result.status}): ${result.stderr || result.stdout || result.error}`);
  };
  try {
    run('initdb', ['-D', data, '-U', 'nnc', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C', '--no-sync']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `could not create a PostgreSQL cluster: ${(error as Error).message.split('\n')[0]}` };
  }
  const port = await freePort();
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  try {
    run('pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `could not start PostgreSQL: ${(error as Error).message.split('\n')[0]}` };
  }
  const url = `postgres://nnc:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/postgres`;
  let stopped = false;
  const server: TestPostgres = {
    url,
    password: PASSWORD,
    createDatabase(name) {
      psql(url, `CREATE DATABASE "${name}"`);
      return withDatabase(url, name);
    },
    stop() {
      if (stopped) return;
      stopped = true;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
  return { server };
}
