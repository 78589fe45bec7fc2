// nnc view [project...]: serve the read-only viewer over stored runs; nothing trains.
import { tmpdir } from 'node:os';
import { basename } from 'node:path';
import { defineCommand, UserError } from '../command.js';
import { projectDir } from '../project-dir.js';
import { hasStore } from '../../runtime/store/paths.js';
import type { ProjectRecord } from '../../runtime/store/open-store.js';
import type { ProjectSource } from '../../runtime/server/source.js';
import type { ServerMessage } from '../../shared/protocol.js';
import { packageVersion, parsePort, untilInterrupted, viewerBundleDir } from './watch.js';

const help = `Usage: nnc view [project...] [options]

Serves the viewer, its JSON API and WebSocket over the runs stored in each
project's .nnc/ folder (default: the current folder), without training. The
model tabs show the project as it compiles now. What another process writes
to the store meanwhile ('nnc train' in another terminal) reaches the open
pages live, as under 'nnc watch' (read every 0.5 s). Ctrl-C stops.

With --store postgres://… (or NNC_STORE) it serves a shared store instead:
every project stored there (or, with folders named, those folders'
projects), each with the plan of its newest run and the runs every machine
and worker stored, read-only; new runs reach the pages within a second.

Options:
  --port <n>       viewer port (default 8000; 0 picks a free one)
  --host <h>       address to bind (default 127.0.0.1)
  --store <url>    serve the projects of this PostgreSQL store (default:
                   NNC_STORE); the password is never printed
  -h, --help       show this help

Exit code: 0 stopped with Ctrl-C, 1 the server could not start (e.g. the port
is in use), 2 bad command line.`;

export default defineCommand({
  name: 'view',
  help,
  options: { port: { type: 'string' }, host: { type: 'string' }, store: { type: 'string' } },
  async run({ values, positionals }) {
    const port = parsePort(values.port);
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const storeUrl = (values.store as string | undefined) || process.env.NNC_STORE;
    if (storeUrl) return viewSharedStore(storeUrl, positionals, host, port);
    const dirs = (positionals.length ? positionals : ['.']).map((p) => projectDir(p));
    const [{ createViewerServer, isLoopback }, { createStoredProject }, { projectIds }] = await Promise.all([
      import('../../runtime/server/server.js'),
      import('../../runtime/server/stored-project.js'),
      import('../../runtime/server/source.js'),
    ]);
    if (!isLoopback(host)) {
      console.error(`nnc view: serving on '${host}': anyone who can reach this machine on port ${port} can read these projects, their datasets and runs.`);
    }
    // a store that exists but cannot be opened is an error with its cause, not '0 stored runs'
    const { createRunStore } = await import('../../runtime/store/store.js');
    for (const dir of dirs) if (hasStore(dir)) createRunStore(dir, { readonly: true }).close();
    const names = projectIds(dirs, basename);
    const projects = dirs.map((dir, i) => createStoredProject(dir, names[i]!));
    try {
      for (const project of projects) {
        const runs = project.store()?.listRuns().length ?? 0;
        const errors = project.diagnostics().filter((d) => d.severity === 'error').length;
        console.log(`nnc view: ${project.name}: ${runs} stored run${runs === 1 ? '' : 's'}${errors ? `; the project has ${errors} error${errors === 1 ? '' : 's'} now ('nnc check' lists them)` : ''}`);
      }
      // runs another process writes reach the pages live (runtime/server/store-follower.ts)
      await serveUntilInterrupted(createViewerServer, projects, host, port, async () => {
        const { createStoreFollower } = await import('../../runtime/server/store-follower.js');
        return (p, emit) => createStoreFollower({ dir: p.dir, project: p.name, emit });
      });
    } finally {
      for (const project of projects) project.close();
    }
    return 0;
  },
});

/** nnc view --store postgres://…: the projects of a shared store, read-only. */
async function viewSharedStore(url: string, folders: readonly string[], host: string, port: number): Promise<number> {
  const [{ createViewerServer, isLoopback }, { openSharedStore, sharedStoreUrl, redactUrl }, { createSharedProject }, { createSharedStoreFollower }, { projectIdentity }, { defaultCacheDir }] = await Promise.all([
    import('../../runtime/server/server.js'),
    import('../../runtime/store/open-store.js'),
    import('../../runtime/server/shared-project.js'),
    import('../../runtime/server/shared-store-follower.js'),
    import('../../runtime/store/postgres/project-identity.js'),
    import('../../runtime/store/postgres/pg-store.js'),
  ]);
  sharedStoreUrl(url); // a URL that is not PostgreSQL's: a StoreError saying what --store takes
  const shown = redactUrl(url);
  if (!isLoopback(host)) {
    console.error(`nnc view: serving on '${host}': anyone who can reach this machine on the port can read every project of '${shown}', its runs and logs.`);
  }
  // the catalog: a read-only connection that belongs to no project
  const catalog = openSharedStore(tmpdir(), url, { readonly: true, project: { name: '', remote: '' }, cacheDir: defaultCacheDir() });
  let records: ProjectRecord[];
  try {
    records = catalog.listProjects();
  } finally {
    catalog.close();
  }
  if (folders.length > 0) {
    const wanted = folders.map((f) => projectIdentity(projectDir(f)));
    const missing = wanted.filter((w) => !records.some((r) => r.name === w.name && r.remote === w.remote));
    if (missing.length > 0) {
      throw new UserError(`The store '${shown}' holds no project ${missing.map((m) => `'${m.name}'${m.remote ? ` (${m.remote})` : ''}`).join(', ')}. Train with '--store', or copy a folder's runs there with 'nnc store push <folder> --store <url>'.`, 1);
    }
    records = records.filter((r) => wanted.some((w) => w.name === r.name && w.remote === r.remote));
  }
  if (records.length === 0) throw new UserError(`The store '${shown}' holds no project yet. Train with 'nnc train --store <url>' (or '--queue' and 'nnc worker'), or copy a folder's runs there with 'nnc store push'.`, 1);
  const { projectIds } = await import('../../runtime/server/source.js');
  const names = projectIds(records.map((r) => r.name), (n: string) => n);
  const projects = records.map((r, i) => createSharedProject(url, r, names[i]!));
  try {
    for (const project of projects) {
      const runs = project.record.runs;
      console.log(`nnc view: ${project.name}${project.record.remote ? ` (${project.record.remote})` : ''}: ${runs} stored run${runs === 1 ? '' : 's'} in '${shown}'`);
    }
    await serveUntilInterrupted(createViewerServer, projects, host, port, async () => (p, emit) => createSharedStoreFollower({ store: p.store()!, project: p.name, emit }));
  } finally {
    for (const project of projects) project.close();
  }
  return 0;
}

type Emit = (message: ServerMessage) => void;

/**
 * Serves the projects until Ctrl-C, each followed by what `follow` returns so
 * that runs another process stores reach the pages live. A server that cannot
 * start (the port in use) is a UserError with exit code 1.
 */
async function serveUntilInterrupted<P extends ProjectSource>(
  createViewerServer: typeof import('../../runtime/server/server.js').createViewerServer,
  projects: readonly P[],
  host: string,
  port: number,
  follow: () => Promise<(project: P, emit: Emit) => { close(): void }>,
): Promise<void> {
  let server;
  try {
    server = await createViewerServer({ projects, host, port, bundleDir: viewerBundleDir(), version: packageVersion() });
  } catch (error) {
    throw new UserError((error as Error).message, 1);
  }
  const live = server;
  const createFollower = await follow();
  const followers = projects.map((p) => createFollower(p, (message) => live.broadcast(message)));
  // listen for Ctrl-C before saying where the viewer is: whoever reads the URL may stop us at once
  const interrupted = untilInterrupted();
  console.log(`nnc view: viewer at ${server.url}; Ctrl-C stops.`);
  try {
    await interrupted;
  } finally {
    for (const follower of followers) follower.close();
    await server.close();
  }
}
