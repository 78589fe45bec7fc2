// nnc runs [project]: the stored runs, newest first.
import { existsSync } from 'node:fs';
import pc from 'picocolors';
import { UserError, defineCommand, type ParsedArgs } from '../command.js';
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

export function parseLimit(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`'--limit' takes a whole number of 1 or more, not '${String(value)}'.`);
  return n;
}

export function parseFormat(value: unknown): 'text' | 'json' {
  if (value === undefined || value === 'text') return 'text';
  if (value === 'json') return 'json';
  throw new UserError(`'--format' is 'text' or 'json', not '${String(value)}'.`);
}

export function projectArgument(args: ParsedArgs): string {
  if (args.positionals.length > 1) {
    throw new UserError(`Expected one project folder, got ${args.positionals.length}: ${args.positionals.map((p) => `'${p}'`).join(', ')}.`);
  }
  const project = args.positionals[0] ?? '.';
  if (!existsSync(project)) throw new UserError(`The folder '${project}' does not exist.`);
  return project;
}

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatTime(ms: number, withSeconds = false): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  const date = `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}`;
  return withSeconds ? `${date}:${two(d.getSeconds())}` : date;
}

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

/** Columns padded on the raw text, coloured afterwards, so escapes never break the alignment. */
export function renderTable(header: readonly string[], rows: readonly string[][], colour: (column: number, cell: string) => string): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[], paint: (i: number, padded: string) => string) =>
    cells.map((c, i) => paint(i, i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  const c = colours();
  return [line(header, (_, h) => c.bold(h)), ...rows.map((r) => line(r, colour))].join('\n');
}

export function colours(): ReturnType<typeof pc.createColors> {
  return pc.createColors(process.stdout.isTTY === true && pc.isColorSupported);
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
  summary: 'list stored runs',
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
    const { createRunStore } = await import('../../runtime/store/store.js');
    let store;
    try {
      store = createRunStore(project);
    } catch (error) {
      throw new UserError((error as Error).message, 1);
    }
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
