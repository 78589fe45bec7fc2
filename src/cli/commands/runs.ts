// nnc runs [project]: the stored runs, newest first.
import type pc from 'picocolors';
import { defineCommand } from '../command.js';
import { formatDuration, formatTime } from '../format-time.js';
import { openStore, parseFormat, parseLimit, projectArgument } from '../store-command.js';
import { colours, renderTable } from '../table.js';
import { hasStore, noStoreMessage } from '../../runtime/store/paths.js';
import type { RunRecord, RunStatus } from '../../runtime/store/types.js';

const help = `Usage: nnc runs [project] [options]

List the runs stored in <project>/.nnc/nnc.db, newest first: id, status, start,
duration, backend, plan hash, git commit (* when the folder had uncommitted
changes), parent run of a warm start, and the best value of each metric.

Arguments:
  project          project folder (default: the current folder)

Options:
  --format <f>     text (default) or json
  --limit <n>      show at most n runs (default 50)
  -h, --help       show this help`;

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

function row(run: RunRecord, now: number): string[] {
  return [
    run.id,
    run.status,
    formatTime(run.startedAt),
    run.endedAt === null ? (run.status === 'running' ? `${formatDuration(now - run.startedAt)}…` : '-') : formatDuration(run.endedAt - run.startedAt),
    run.backend,
    run.planHash.slice(0, 8),
    run.gitCommit ? `${run.gitCommit.slice(0, 7)}${run.gitDirty ? '*' : ''}` : run.gitDirty ? '*' : '-',
    run.parentId ?? '-',
    bestText(run.best) || '-',
  ];
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
  },
  async run(args) {
    const project = projectArgument(args);
    const format = parseFormat(args.values.format);
    const limit = parseLimit(args.values.limit, 50);
    if (!hasStore(project)) {
      console.log(format === 'json' ? '[]' : noStoreMessage(project));
      return 0;
    }
    const store = await openStore(project);
    try {
      const runs = store.listRuns({ limit });
      if (format === 'json') {
        console.log(JSON.stringify(runs, null, 2));
        return 0;
      }
      if (runs.length === 0) {
        console.log(noStoreMessage(project));
        return 0;
      }
      const c = colours();
      const now = Date.now();
      const header = ['id', 'status', 'started', 'duration', 'backend', 'plan', 'commit', 'parent', 'best'];
      console.log(
        renderTable(header, runs.map((r) => row(r, now)), (i, cell) => {
          if (i === 1) return (c[statusColour[cell.trim() as RunStatus] ?? 'reset'] as (s: string) => string)(cell);
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
