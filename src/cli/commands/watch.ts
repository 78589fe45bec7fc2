// nnc watch [project...]: compile and train, retrain on every save, serve the viewer.
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ProjectSource } from '../../runtime/server/source.js';
import { defineCommand, UserError } from '../command.js';
import { STORE_OPTIONS_HELP } from '../store-command.js';
import { projectDir } from '../project-dir.js';

const help = `Usage: nnc watch [project...] [options]

Compiles each project (default: the current folder) and trains it in its own
worker thread. On every save: diagnostics at once; when the plan changed and
compiles, the current run ends as 'superseded' and a new one starts from its
weights (layers and heads whose hash did not change keep their weights). A
config with errors leaves the current run alone. Serves the viewer, its JSON
API and the live WebSocket; Ctrl-C stops the runs and exits.

Options:
  --port <n>       viewer port (default 8000; 0 picks a free one)
  --host <h>       address to bind (default 127.0.0.1)
  --no-view        do not start the viewer server
  --backend <b>    TensorFlow.js backend: node, wasm or cpu (default: the first that starts)
  --epochs <n>     train every run for n epochs instead of the project's setting
${STORE_OPTIONS_HELP}
  -h, --help       show this help

A project folder moved or removed while watched stops its run (ending
'stopped' with its last checkpoint) and is no longer watched or served.

Exit code: 0 stopped with Ctrl-C, 1 the server could not start (e.g. the port
is in use) or every project folder was moved or removed, 2 bad command line.`;

export function parsePort(value: unknown): number {
  if (value === undefined) return 8000;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UserError(`'--port' takes a port number from 0 to 65535, not '${String(value)}'.`);
  return n;
}

export function parseEpochs(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`'--epochs' takes a whole number of 1 or more, not '${String(value)}'.`);
  return n;
}

export function packageVersion(): string {
  try {
    return (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export function viewerBundleDir(): string {
  return process.env.NNC_VIEWER_DIR ?? fileURLToPath(new URL('./viewer/', import.meta.url));
}

/** Resolves on the first Ctrl-C, SIGTERM or SIGHUP; a second one ends the process the default way. */
export function untilInterrupted(): Promise<string> {
  return new Promise((resolve) => {
    const on = (signal: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      process.off('SIGHUP', onHup);
      resolve(signal);
    };
    const onInt = on('SIGINT');
    const onTerm = on('SIGTERM');
    const onHup = on('SIGHUP');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
    process.once('SIGHUP', onHup);
  });
}

export default defineCommand({
  name: 'watch',
  help,
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'no-view': { type: 'boolean' },
    backend: { type: 'string' },
    epochs: { type: 'string' },
  },
  async run({ values, positionals }) {
    const dirs = (positionals.length ? positionals : ['.']).map((p) => projectDir(p));
    const port = parsePort(values.port);
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const epochs = parseEpochs(values.epochs);
    const view = values['no-view'] !== true;
    const backend = values.backend as string | undefined;
    if (backend !== undefined) {
      const { BACKENDS } = await import('../../runtime/backend/index.js');
      if (!(BACKENDS as readonly string[]).includes(backend.toLowerCase()) && backend.toLowerCase() !== 'tensorflow') {
        throw new UserError(`Unknown TensorFlow.js backend '${backend}'. Use one of ${BACKENDS.map((b) => `'${b}'`).join(', ')}.`);
      }
    }

    const [{ createWatcher }, { createReporter }, { isLoopback, createViewerServer }] = await Promise.all([
      import('../../runtime/watch/watcher.js'),
      import('../../runtime/watch/report.js'),
      import('../../runtime/server/server.js'),
    ]);
    if (view && !isLoopback(host)) {
      console.error(`nnc watch: serving on '${host}': anyone who can reach this machine on port ${port} can read these projects, their datasets and runs.`);
    }

    // Ctrl-C from here on stops cleanly, even while the server or the watcher is starting
    const interrupted = untilInterrupted();
    // the server first, so a port in use fails before anything trains; it reads the projects list per request
    const projects: ProjectSource[] = [];
    let server: Awaited<ReturnType<typeof createViewerServer>> | null = null;
    if (view) {
      try {
        server = await createViewerServer({ projects, host, port, bundleDir: viewerBundleDir(), version: packageVersion() });
      } catch (error) {
        throw new UserError((error as Error).message, 1);
      }
      console.log(`nnc watch: viewer at ${server.url}`);
    }
    let watcher: Awaited<ReturnType<typeof createWatcher>> | null = null;
    let noneLeft = () => {};
    const allGone = new Promise<'gone'>((resolve) => (noneLeft = () => resolve('gone')));
    let code = 0;
    const sweepFollowers: Array<{ close(): void }> = [];
    try {
      watcher = await createWatcher({
        projects: dirs,
        ...(backend ? { backend } : {}),
        ...(epochs !== undefined ? { epochs } : {}),
        reporter: createReporter({ prefix: dirs.length > 1 }),
        emit: (message) => server?.broadcast(message),
        // a moved or removed project folder leaves the viewer; when none is left, watch ends
        onProjectGone: (project, remaining) => {
          if (projects.includes(project)) projects.splice(projects.indexOf(project), 1);
          if (remaining === 0) noneLeft();
        },
      });
      projects.push(...watcher.projects);
      // sweeps another process trains ('nnc sweep') reach the pages by push (runtime/server/sweep-follower.ts)
      if (server) {
        const { createSweepFollower } = await import('../../runtime/server/sweep-follower.js');
        const live = server;
        sweepFollowers.push(...watcher.projects.map((p) => createSweepFollower({ dir: p.dir, project: p.name, emit: (message) => live.broadcast(message) })));
      }
      console.log(`nnc watch: watching ${watcher.projects.map((p) => p.name).join(', ')}; Ctrl-C stops.`);
      if ((await Promise.race([interrupted, allGone])) === 'gone') {
        console.error('nnc watch: no project folder is left to watch; stopping.');
        code = 1;
      } else console.log('\nnnc watch: stopping.');
    } finally {
      for (const follower of sweepFollowers) follower.close();
      await server?.close();
      await watcher?.close();
    }
    return code;
  },
});
