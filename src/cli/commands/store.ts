// nnc store push [project] --store postgres://…: copies the folder's SQLite
// runs (metrics, logs, snapshots, evaluations, sweeps, diagnostics) with their
// checkpoints into a shared PostgreSQL store; runs already there are skipped.
import { defineCommand, UserError } from '../command.js';
import { STORE_OPTIONS_HELP, parseFormat } from '../store-command.js';
import { existsSync } from 'node:fs';

const help = `Usage: nnc store push [project] --store <url> [options]

Copy the runs stored in <project>/.nnc/nnc.db into a shared PostgreSQL run
store: each run with its metrics, log lines, weight snapshots, evaluations and
sweep, and its checkpoint files (stored once per content hash), in one
transaction per run; the sweeps and the last compile's diagnostics too. Run ids
are unique across machines, so a run the store already holds is skipped:
pushing twice adds nothing. Runs still running are left for a later push. The
folder's pinned run (nnc runs --pin) and its log lines of no run (compiles)
stay local: pin a run in the store with 'nnc runs --pin <id> --store <url>'.
The project in the store is named by the folder's Project document and its git
remote (origin), so every clone of a repository pushes to one project.

Arguments:
  push             the subcommand (the only one)
  project          project folder (default: the current folder)

Options:
${STORE_OPTIONS_HELP}
  --format <f>     text (default) or json ({"pushed", "skipped", "running",
                   "sweeps", "blobs", "project", "store"})
  -h, --help       show this help

Exit code: 0 pushed (also when there was nothing new), 1 no local store, or
the shared store cannot be reached or refused the login, 2 bad command line.`;

export default defineCommand({
  name: 'store',
  help,
  options: {
    format: { type: 'string' },
  },
  async run(args) {
    const [sub, ...rest] = args.positionals;
    if (sub !== 'push') {
      throw new UserError(sub === undefined ? "Missing the subcommand: 'nnc store push [project] --store <url>'." : `Unknown subcommand '${sub}': 'nnc store' has 'push' ('nnc store push [project] --store <url>').`);
    }
    if (rest.length > 1) throw new UserError(`Expected one project folder, got ${rest.length}: ${rest.map((p) => `'${p}'`).join(', ')}.`);
    const project = rest[0] ?? '.';
    if (!existsSync(project)) throw new UserError(`The folder '${project}' does not exist.`);
    const format = parseFormat(args.values.format);
    const [{ sharedStoreUrl, openSharedStore }, { pushProject }] = await Promise.all([
      import('../../runtime/store/open-store.js'),
      import('../../runtime/store/postgres/push.js'),
    ]);
    const url = sharedStoreUrl();
    if (url === null) throw new UserError("'nnc store push' copies runs into a shared store: give '--store postgres://user@host:5432/db' or set NNC_STORE.");
    const target = openSharedStore(project, url);
    try {
      const result = pushProject(project, target);
      if (format === 'json') {
        console.log(JSON.stringify({ ...result, project: target.project, store: target.url }, null, 2));
        return 0;
      }
      const parts = [`${result.pushed.length} run${result.pushed.length === 1 ? '' : 's'} pushed`, `${result.skipped.length} already in the store`];
      if (result.running.length > 0) parts.push(`${result.running.length} still running (push again once they end)`);
      console.log(
        `${parts.join(', ')}; ${result.sweeps} sweep${result.sweeps === 1 ? '' : 's'} and ${result.blobs} new checkpoint file${result.blobs === 1 ? '' : 's'} added to project '${target.project.name}'${target.project.remote ? ` (${target.project.remote})` : ''} in '${target.url}'.`,
      );
      return 0;
    } finally {
      target.close();
    }
  },
});
