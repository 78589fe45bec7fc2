// nnc view [project...]: serve the read-only viewer over stored runs; nothing trains.
import { basename } from 'node:path';
import { defineCommand, UserError } from '../command.js';
import { projectDir } from '../project-dir.js';
import { hasStore } from '../../runtime/store/paths.js';
import { packageVersion, parsePort, untilInterrupted, viewerBundleDir } from './watch.js';

const help = `Usage: nnc view [project...] [options]

Serves the viewer, its JSON API and WebSocket over the runs stored in each
project's .nnc/ folder (default: the current folder), without training. The
model tabs show the project as it compiles now. What another process writes
to the store meanwhile ('nnc train' in another terminal) reaches the open
pages live, as under 'nnc watch' (read every 0.5 s). Ctrl-C stops.

Options:
  --port <n>       viewer port (default 8000; 0 picks a free one)
  --host <h>       address to bind (default 127.0.0.1)
  -h, --help       show this help

Exit code: 0 stopped with Ctrl-C, 1 the server could not start (e.g. the port
is in use), 2 bad command line.`;

export default defineCommand({
  name: 'view',
  help,
  options: { port: { type: 'string' }, host: { type: 'string' } },
  async run({ values, positionals }) {
    const dirs = (positionals.length ? positionals : ['.']).map((p) => projectDir(p));
    const port = parsePort(values.port);
    const host = (values.host as string | undefined) ?? '127.0.0.1';
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
      let server;
      try {
        server = await createViewerServer({ projects, host, port, bundleDir: viewerBundleDir(), version: packageVersion() });
      } catch (error) {
        throw new UserError((error as Error).message, 1);
      }
      // runs another process writes reach the pages live (runtime/server/store-follower.ts)
      const { createStoreFollower } = await import('../../runtime/server/store-follower.js');
      const live = server;
      const followers = projects.map((p) => createStoreFollower({ dir: p.dir, project: p.name, emit: (message) => live.broadcast(message) }));
      // listen for Ctrl-C before saying where the viewer is: whoever reads the URL may stop us at once
      const interrupted = untilInterrupted();
      console.log(`nnc view: viewer at ${server.url}; Ctrl-C stops.`);
      try {
        await interrupted;
      } finally {
        for (const follower of followers) follower.close();
        await server.close();
      }
    } finally {
      for (const project of projects) project.close();
    }
    return 0;
  },
});
