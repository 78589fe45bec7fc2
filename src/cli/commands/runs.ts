// nnc runs [project]: the stored runs, newest first; --pin picks the run predict and export use.
import { join } from 'node:path';
import type pc from 'picocolors';
import { defineCommand, UserError } from '../command.js';
import { formatDuration, formatTime } from '../format-time.js';
import { STORE_OPTIONS_HELP, emptyStoreMessage, openStore, parseFormat, parseLimit, projectArgument } from '../store-command.js';
import { colours, renderTable } from '../table.js';
import { hasStore, noStoreMessage } from '../../runtime/store/paths.js';
import { resolveRunId } from '../../runtime/store/run-id.js';
import type { EvaluationRecord, RunRecord, RunStatus, RunStore } from '../../runtime/store/types.js';
import { runResources, type RunResources } from '../../runtime/store/resource-summary.js';
import { formatBytes } from '../../shared/format-bytes.js';

const help = `Usage: nnc runs [project] [options]

List the runs stored in <project>/.nnc/nnc.db (or the --store), newest first: id, status, start,
duration, backend, plan hash, git commit (* when the folder had uncommitted
changes), parent run of a warm start or resume, the epoch of the run's best
checkpoint (its model), the best value of each metric, the peak memory
(RSS) of the training process and its mean samples per second, and the latest
'nnc evaluate' result (what it scored, its size and each head's headline
metric; --format json lists every evaluation).

Arguments:
  project          project folder (default: the current folder)

Options:
  --format <f>     text (default) or json
  --limit <n>      show at most n runs (default 50)
  --pin <id>       make this run (its id or a unique start of it) the one
                   'nnc predict', 'nnc export' and 'nnc serve' use when no
                   --run is given, instead of the newest completed run; the
                   list marks it
  --unpin          use the newest completed run again
  --sweep <id>     only the runs of this sweep (its id, a unique start of
                   it, or its name for the newest of that name), with each
                   run's trial and values
${STORE_OPTIONS_HELP}
  -h, --help       show this help

Exit code: 0 listed or pinned (also when nothing is stored), 1 the store
cannot be opened or has no such run, 2 bad command line.`;

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1000 || (Math.abs(v) < 0.001 && v !== 0) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

function bestText(best: Readonly<Record<string, number>>): string {
  return Object.keys(best)
    .sort()
    .map((k) => `${k}=${formatNumber(best[k]!)}`)
    .join(' ');
}

function row(run: RunRecord, now: number, pinned: string | null, evaluations: ReadonlyMap<string, readonly EvaluationRecord[]>, usage: RunResources): string[] {
  return [
    run.id,
    run.id === pinned ? `${run.status} (pinned)` : run.status,
    formatTime(run.startedAt),
    run.endedAt === null ? (run.status === 'running' ? `${formatDuration(now - run.startedAt)}…` : '-') : formatDuration(run.endedAt - run.startedAt),
    run.backend,
    run.planHash.slice(0, 8),
    run.gitCommit ? `${run.gitCommit.slice(0, 7)}${run.gitDirty ? '*' : ''}` : run.gitDirty ? '*' : '-',
    run.parentId ?? '-',
    typeof run.info.bestEpoch === 'number' ? String(run.info.bestEpoch) : '-',
    bestText(run.best) || '-',
    usage.peakRssBytes === null ? '-' : formatBytes(usage.peakRssBytes),
    usage.meanSamplesPerSecond === null ? '-' : formatNumber(usage.meanSamplesPerSecond),
    evaluationText(evaluations.get(run.id) ?? []),
  ];
}

/** The run's latest evaluation: what it scored and each head's headline metric (nnc evaluate). */
function evaluationText(list: readonly EvaluationRecord[]): string {
  const last = list[list.length - 1];
  if (!last) return '-';
  const headline = Object.entries(last.metrics).map(([head, m]) => {
    const name = ['f1', 'accuracy', 'mae', 'exact_match', 'token_accuracy'].find((n) => m[n] !== undefined);
    return name ? `${head}.${name}=${formatNumber(m[name]!)}` : head;
  });
  return `${last.split === 'file' ? last.data ?? 'file' : last.split} (${last.count}) ${headline.join(' ')}${list.length > 1 ? ` +${list.length - 1}` : ''}`;
}

const statusColour: Record<RunStatus, keyof ReturnType<typeof pc.createColors>> = {
  running: 'cyan',
  completed: 'green',
  stopped: 'dim',
  failed: 'red',
  interrupted: 'yellow',
  superseded: 'dim',
};

export default defineCommand({
  name: 'runs',
  help,
  options: {
    format: { type: 'string' },
    limit: { type: 'string' },
    pin: { type: 'string' },
    unpin: { type: 'boolean' },
    sweep: { type: 'string' },
  },
  async run(args) {
    const project = projectArgument(args);
    const format = parseFormat(args.values.format);
    const limit = parseLimit(args.values.limit, 50);
    if (args.values.pin !== undefined || args.values.unpin === true) return pin(project, args.values.pin as string | undefined);
    if (!hasStore(project)) {
      console.log(format === 'json' ? '[]' : noStoreMessage(project));
      return 0;
    }
    const store = await openStore(project, { readsOnly: true });
    try {
      const runs = args.values.sweep === undefined ? store.listRuns({ limit }) : await sweepRuns(store, project, String(args.values.sweep), limit);
      const pinned = store.pinnedRun();
      const evaluations = new Map<string, EvaluationRecord[]>();
      for (const e of store.evaluations()) evaluations.set(e.runId, [...(evaluations.get(e.runId) ?? []), e]);
      const usage = new Map(runs.map((run) => [run.id, runResources(store, run)]));
      if (format === 'json') {
        // bestEpoch: the epoch of the run's best checkpoint, its model (null: none finished, or stored before best checkpoints)
        console.log(JSON.stringify(runs.map((run) => ({ ...run, pinned: run.id === pinned, bestEpoch: typeof run.info.bestEpoch === 'number' ? run.info.bestEpoch : null, ...usage.get(run.id), evaluations: (evaluations.get(run.id) ?? []).map(({ heads: _, ...e }) => e) })), null, 2));
        return 0;
      }
      if (runs.length === 0) {
        console.log(emptyStoreMessage(store, project, 'runs'));
        return 0;
      }
      const c = colours();
      const now = Date.now();
      const header = ['id', 'status', 'started', 'duration', 'backend', 'plan', 'commit', 'parent', 'best epoch', 'best', 'peak RSS', 'samples/s', 'evaluated'];
      console.log(
        renderTable(header, runs.map((r) => row(r, now, pinned, evaluations, usage.get(r.id)!)), (i, cell) => {
          if (i === 1) return (c[statusColour[cell.trim().split(' ')[0] as RunStatus] ?? 'reset'] as (s: string) => string)(cell);
          if (i === 0 || i === 5 || i === 6) return c.dim(cell);
          return cell;
        }),
      );
      return 0;
    } finally {
      store.close();
    }
  },
});

/** nnc runs --sweep <id>: the sweep's runs, newest first, each with its trial and values in info.sweep */
async function sweepRuns(store: RunStore, project: string, id: string, limit: number): Promise<RunRecord[]> {
  const { readStoreSweeps } = await import('../../runtime/sweep/sweep-store.js');
  const found = readStoreSweeps(store, project, (reader) => {
    const sweep = reader.findSweep(id);
    return typeof sweep === 'string' ? sweep : reader.runs(sweep.id).slice(0, limit);
  });
  if (typeof found === 'string') throw new UserError(found, 1);
  return found;
}

/** nnc runs --pin <id> / --unpin */
async function pin(project: string, id: string | undefined): Promise<number> {
  if (id !== undefined && !hasStore(project)) throw new UserError(noStoreMessage(project), 1);
  if (!hasStore(project)) return 0;
  const store: RunStore = await openStore(project);
  try {
    if (id === undefined) {
      const was = store.pinnedRun();
      store.pinRun(null);
      console.log(was ? `Unpinned run ${was}: 'nnc predict', 'nnc export' and 'nnc serve' use the newest completed run again.` : 'No run was pinned.');
      return 0;
    }
    const run = resolveRunId(store, id);
    if (typeof run === 'string') throw new UserError(run, 1);
    const { hasCheckpoint } = await import('../../runtime/store/checkpoint.js');
    const dir = store.runDir(run.id);
    if (!hasCheckpoint(dir) && !hasCheckpoint(join(dir, 'last'))) throw new UserError(`Run '${run.id}' (${run.status}) saved no model, so it cannot be pinned. 'nnc runs' lists the runs.`, 1);
    store.pinRun(run.id);
    console.log(`Pinned run ${run.id} (${run.status}): 'nnc predict', 'nnc export' and 'nnc serve' use it when no --run is given.`);
    return 0;
  } finally {
    store.close();
  }
}
