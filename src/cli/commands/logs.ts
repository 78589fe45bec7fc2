// nnc logs [project]: stored log lines, oldest first, the newest --limit of them.
import { UserError, defineCommand } from '../command.js';
import { formatTime } from '../format-time.js';
import { openStore, parseFormat, parseLimit, projectArgument } from '../store-command.js';
import { colours } from '../table.js';
import { hasStore, noStoreMessage } from '../../runtime/store/paths.js';
import { resolveRunId } from '../../runtime/store/run-id.js';
import type { LogFilter, LogLevel, StoredLog } from '../../runtime/store/types.js';

const help = `Usage: nnc logs [project] [options]

Print the log lines stored in <project>/.nnc/nnc.db, oldest first: time, level,
category and message; "(xN)" marks a line repeated N times in a row. Per-batch
lines are hidden unless --spam is given.

Arguments:
  project          project folder (default: the current folder)

Options:
  --level <l>      debug, info, warning or error: this level and above (default: all)
  --run <id>       only the lines of this run, or the one whose id starts
                   with <id> (see 'nnc runs')
  --grep <text>    only lines whose message or category contains text (any case)
  --spam           include per-batch lines
  --format <f>     text (default) or json
  --limit <n>      the newest n lines (default 200)
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

export default defineCommand({
  name: 'logs',
  help,
  options: {
    level: { type: 'string' },
    run: { type: 'string' },
    grep: { type: 'string' },
    spam: { type: 'boolean' },
    format: { type: 'string' },
    limit: { type: 'string' },
  },
  async run(args) {
    const project = projectArgument(args);
    const format = parseFormat(args.values.format);
    let filter: LogFilter = {
      level: parseLevel(args.values.level),
      runId: args.values.run as string | undefined,
      q: args.values.grep as string | undefined,
      spam: args.values.spam === true,
      limit: parseLimit(args.values.limit, 200),
    };
    if (!hasStore(project)) {
      console.log(format === 'json' ? '[]' : noStoreMessage(project));
      return 0;
    }
    const store = await openStore(project);
    try {
      if (filter.runId !== undefined) {
        const run = resolveRunId(store, filter.runId);
        if (typeof run === 'string') throw new UserError(run.replace('in this project', `in '${project}'`), 1);
        filter = { ...filter, runId: run.id };
      }
      const logs = store.logs(filter);
      if (format === 'json') {
        console.log(JSON.stringify(logs, null, 2));
        return 0;
      }
      if (logs.length === 0) {
        const filtered = filter.level !== undefined || filter.runId !== undefined || filter.q !== undefined;
        console.log(filtered ? 'No stored log lines match these filters.' : 'No log lines are stored yet.');
        return 0;
      }
      for (const log of logs) console.log(line(log, filter.runId === undefined));
      return 0;
    } finally {
      store.close();
    }
  },
});
