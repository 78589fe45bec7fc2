// A run named on the command line by its id or any unique start of it, as git
// takes a commit: `--run r0m5k`, `nnc runs --pin r0m5k`. An ambiguous start is
// an error that lists the runs it could mean.
import type { RunRecord, RunStore } from './types.js';

const SHOWN = 10;

/** The run `text` names, or a sentence saying why none is. */
export function resolveRunId(store: RunStore, text: string): RunRecord | string {
  const exact = store.getRun(text);
  if (exact) return exact;
  const matches = text === '' ? [] : store.listRuns().filter((run) => run.id.startsWith(text));
  if (matches.length === 1) return matches[0]!;
  if (matches.length === 0) {
    const newest = store.listRuns({ limit: 1 })[0];
    return `There is no run '${text}' in this project${newest ? ` (the newest is '${newest.id}')` : ''}. 'nnc runs' lists the stored runs.`;
  }
  const listed = matches.slice(0, SHOWN).map((run) => `'${run.id}' (${run.status})`).join(', ');
  return `The run id '${text}' is ambiguous: ${matches.length} runs start with it: ${listed}${matches.length > SHOWN ? ', ...' : ''}. Give more of the id.`;
}
