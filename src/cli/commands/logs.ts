// nnc logs [project]: stored log lines, oldest first, the newest --limit of them.
// --kind samples prints the logged validation samples (train/sample-log.ts).
import { UserError, defineCommand } from '../command.js';
import { formatTime } from '../format-time.js';
import { STORE_OPTIONS_HELP, emptyStoreMessage, isShared, openStore, parseFormat, parseLimit, projectArgument } from '../store-command.js';
import { colours } from '../table.js';
import { hasStore, noStoreMessage } from '../../runtime/store/paths.js';
import { resolveRunId } from '../../runtime/store/run-id.js';
import type { LogFilter, LogLevel, StoredLog } from '../../runtime/store/types.js';
import type { SampleEntry } from '../../runtime/train/sample-log.js';

const help = `Usage: nnc logs [project] [options]

Print the log lines stored in <project>/.nnc/nnc.db (or the --store), oldest
first: time, level, category and message; "(xN)" marks a line repeated N times
in a row. Per-batch
lines are hidden unless --spam is given. The validation samples a run logs at
every weight snapshot (monitor.samples) are shown by --kind samples: step,
sample, head, input, expected and output.

Arguments:
  project          project folder (default: the current folder)

Options:
  --level <l>      debug, info, warning or error: this level and above (default: all)
  --run <id>       only the lines of this run, or the one whose id starts
                   with <id> (see 'nnc runs')
  --grep <text>    only lines whose message or category contains text (any case)
  --kind <k>       only lines of this category (train, data, warmstart, samples,
                   ...), per-batch ones included
  --spam           include per-batch lines
  --format <f>     text (default) or json
  --limit <n>      the newest n lines (default 200)
${STORE_OPTIONS_HELP}
  -h, --help       show this help

Exit code: 0 printed (also when nothing is stored), 1 the store cannot be
opened or has no such run, 2 bad command line.`;

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warning', 'error'];

function parseLevel(value: unknown): LogLevel | undefined {
  if (value === undefined) return undefined;
  const v = String(value).toLowerCase();
  if (v === 'warn') return 'warning';
  if ((LEVELS as readonly string[]).includes(v)) return v as LogLevel;
  throw new UserError(`'--level' is one of ${LEVELS.map((l) => `'${l}'`).join(', ')}, not '${String(value)}'.`);
}

function line(log: StoredLog, showRun: boolean): string {
  const c = colours();
  const paint = { debug: c.dim, info: (s: string) => s, warning: c.yellow, error: c.red }[log.level];
  const parts = [c.dim(formatTime(log.time, true)), paint(log.level.padEnd(7))];
  if (showRun) parts.push(c.dim((log.runId ?? '-').padEnd(14)));
  parts.push(c.cyan(log.category.padEnd(9)), paint(log.message) + (log.count > 1 ? c.dim(` (x${log.count})`) : ''));
  return parts.join(' ');
}

/** A `samples` line's payload, or null when the message is not one (a hand-written line in that category). */
function sampleOf(log: StoredLog): SampleEntry | null {
  if (log.category !== 'samples') return null;
  try {
    const entry = JSON.parse(log.message) as SampleEntry;
    return typeof entry === 'object' && entry !== null && typeof entry.sample === 'number' && 'output' in entry ? entry : null;
  } catch {
    return null;
  }
}

const quoted = (v: unknown) => (typeof v === 'string' ? `'${v}'` : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

function outputText(entry: SampleEntry): string {
  const o = entry.output;
  if ('class' in o) return `${quoted(o.class)} (p ${o.probability.toFixed(3)})`;
  if ('value' in o) return quoted(o.value);
  return quoted(o.text);
}

function sampleLine(log: StoredLog, entry: SampleEntry, showRun: boolean): string {
  const c = colours();
  const right = 'class' in entry.output ? entry.output.class === entry.expected : 'text' in entry.output ? entry.output.text === entry.expected : null;
  const mark = right === null ? '' : right ? c.green(' ✓') : c.red(' ✗');
  const parts = [c.dim(formatTime(log.time, true))];
  if (showRun) parts.push(c.dim((log.runId ?? '-').padEnd(14)));
  parts.push(
    c.cyan(`step ${entry.step}`.padEnd(10)),
    `#${entry.sample} ${entry.head}: ${quoted(entry.input)} -> ${outputText(entry)}${mark}`,
    c.dim(`expected ${quoted(entry.expected)}`),
  );
  return parts.join(' ');
}

export default defineCommand({
  name: 'logs',
  help,
  options: {
    level: { type: 'string' },
    run: { type: 'string' },
    grep: { type: 'string' },
    kind: { type: 'string' },
    spam: { type: 'boolean' },
    format: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(args) {
    const project = projectArgument(args);
    const format = parseFormat(args.values.format);
    const kind = args.values.kind as string | undefined;
    if (kind !== undefined && !/^[a-z][a-z0-9_-]*$/.test(kind)) {
      throw new UserError(`'--kind' is a log category such as 'samples', 'train', 'data' or 'warmstart', not '${kind}'.`);
    }
    let filter: LogFilter = {
      level: parseLevel(args.values.level),
      ...(kind !== undefined ? { category: kind } : {}),
      runId: args.values.run as string | undefined,
      q: args.values.grep as string | undefined,
      spam: args.values.spam === true || kind !== undefined,
      limit: parseLimit(args.values.limit, 200),
    };
    if (!hasStore(project)) {
      console.log(format === 'json' ? '[]' : noStoreMessage(project));
      return 0;
    }
    const store = await openStore(project, { readsOnly: true });
    try {
      if (filter.runId !== undefined) {
        const run = resolveRunId(store, filter.runId);
        if (typeof run === 'string') throw new UserError(run.replace('in this project', `in '${project}'`), 1);
        filter = { ...filter, runId: run.id };
      }
      const logs = store.logs(filter);
      if (format === 'json') {
        // a samples line also carries its payload parsed
        console.log(JSON.stringify(logs.map((log) => {
          const sample = sampleOf(log);
          return sample ? { ...log, sample } : log;
        }), null, 2));
        return 0;
      }
      if (logs.length === 0) {
        const filtered = filter.level !== undefined || filter.runId !== undefined || filter.q !== undefined || kind !== undefined;
        if (kind === 'samples' && filter.level === undefined && filter.q === undefined) console.log('No samples are logged yet: runs log them at every weight snapshot (monitor.samples; 0 turns them off).');
        else console.log(filtered ? 'No stored log lines match these filters.' : isShared(store) ? emptyStoreMessage(store, project, 'log lines') : 'No log lines are stored yet.');
        return 0;
      }
      for (const log of logs) {
        const sample = sampleOf(log);
        console.log(sample ? sampleLine(log, sample, filter.runId === undefined) : line(log, filter.runId === undefined));
      }
      return 0;
    } finally {
      store.close();
    }
  },
});
