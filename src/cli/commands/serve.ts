// nnc serve [project|exportDir]: an HTTP prediction server over a stored run
// or an export (src/runtime/serve).
import { resolve } from 'node:path';
import { defineCommand, UserError } from '../command.js';
import { STORE_OPTIONS_HELP } from '../store-command.js';
import { loadBackend } from '../load-backend.js';
import { projectDir } from '../project-dir.js';
import { parsePort, untilInterrupted } from './watch.js';

const help = `Usage: nnc serve [project | export-dir] [options]

Serves predictions over HTTP from a project's stored run (the one pinned
with 'nnc runs --pin', else the newest completed one, unless --run says
otherwise) or from a folder written by
'nnc export'. JSON in and out:

  POST /predict  {"inputs": ["some text", ...], "head": "name"}   (head optional)
                 -> {"head", "predictions": [...]}: for each input what
                    'nnc predict --format json' prints ({"class", "probabilities"},
                    {"value"} or {"text"})
  GET  /health   -> {"status": "ok", ...}
  GET  /model    -> the model card (heads, classes, metrics, plan hash, commit)

A features model takes lists of numbers as inputs. Requests that arrive
together go to the model in one call. A bad request gets a 4xx with
{"error": "<what to fix>"}; bodies over 1 MiB get 413. Ctrl-C or SIGTERM
stops after answering the requests already received.

Arguments:
  project          project folder or export folder (default: the current folder)

Options:
  --port <n>       port (default 8080; 0 picks a free one)
  --host <h>       address to bind (default 127.0.0.1, this machine only)
  --run <id>       a project's run to serve, or the one whose id starts with
                   <id> ('nnc runs' lists them)
  --follow         (a project) switch to a better run when 'nnc train' or
                   'nnc watch' stores one: a newer completed run whose best
                   checkpoint beats the served one's by the same metric
                   (training.checkpoint.monitor); requests already in the
                   model finish on the old one
  --follow-every <s>  seconds between looks at the store (default 2)
  --backend <b>    TensorFlow.js backend: node, wasm or cpu
${STORE_OPTIONS_HELP}
  -h, --help       show this help

Exit code: 0 stopped with Ctrl-C or SIGTERM, 1 no model to serve or the
server could not start (e.g. the port is in use), 2 bad command line.`;

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|\[::1\]|localhost)$/i;

export default defineCommand({
  name: 'serve',
  help,
  options: { port: { type: 'string' }, host: { type: 'string' }, run: { type: 'string' }, backend: { type: 'string' }, follow: { type: 'boolean' }, 'follow-every': { type: 'string' } },
  async run({ values, positionals }) {
    if (positionals.length > 1) throw new UserError(`Expected one project or export folder, got ${positionals.length}.`);
    const port = values.port === undefined ? 8080 : parsePort(values.port);
    const host = (values.host as string | undefined) ?? '127.0.0.1';
    const shown = positionals[0] ?? '.';
    const dir = positionals[0] === undefined ? projectDir(undefined) : resolve(positionals[0]);
    const every = values['follow-every'] === undefined ? 2 : Number(values['follow-every']);
    if (!(every >= 0.05 && every <= 86400)) throw new UserError(`'--follow-every' takes seconds between 0.05 and 86400, not '${String(values['follow-every'])}'.`);
    if (values['follow-every'] !== undefined && values.follow !== true) throw new UserError("'--follow-every' sets how often --follow looks at the store: give --follow too.");

    const tf = await loadBackend(values.backend as string | undefined, 2);
    const { loadServedModel } = await import('../../runtime/serve/served-model.js');
    const served = await loadServedModel(tf, dir, shown, values.run as string | undefined);
    if (typeof served === 'string') throw new UserError(served, 1);
    if (values.follow === true && served.runId === null) {
      served.model.dispose();
      throw new UserError(`'${shown}' is an export, one fixed model: --follow follows the runs of a project folder.`);
    }
    if (!LOOPBACK.test(host)) {
      console.error(`nnc serve: serving on '${host}': anyone who can reach this machine on port ${port} can use this model.`);
    }
    const { createPredictionServer } = await import('../../runtime/serve/prediction-server.js');
    let server;
    try {
      server = await createPredictionServer({ model: served.model, card: served.card, runId: served.runId, host, port });
    } catch (error) {
      served.model.dispose();
      throw new UserError(`Cannot serve on ${host}:${port}: ${(error as Error).message}.`, 1);
    }
    const stopped = untilInterrupted();
    const live = server;
    const { followBetterRuns } = await import('../../runtime/serve/follow.js');
    const follower = values.follow === true
      ? followBetterRuns({ tf, dir, shown, runId: served.runId!, intervalMs: every * 1000, swap: (next) => live.swap(next.model, next.card, next.runId), log: (line) => console.log(line) })
      : null;
    console.log(`nnc serve: ${served.source} at ${server.url} (POST /predict, GET /health, GET /model)${follower ? `; following better runs every ${every} s` : ''}; Ctrl-C stops.`);
    const signal = await stopped;
    await follower?.stop();
    await server.close();
    server.model().dispose();
    const { requests, calls } = server.stats();
    console.log(`nnc serve: stopped (${signal}) after ${requests} request${requests === 1 ? '' : 's'} in ${calls} model call${calls === 1 ? '' : 's'}.`);
    return 0;
  },
});
