// The metrics files of both sides of a diff (`nnc train|evaluate
// --metrics-out`, committed beside the project): read from the folder, or
// from the revision with git (nothing is checked out). CI has no run store,
// so these are what a pull request's metrics are compared by.
import { readFileSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { parseMetricsFile, type MetricsFile } from '../runtime/metrics/metrics-file.js';
import { git } from './git-host.js';
import type { SideSpec } from './sides.js';

/** Where `nnc diff` looks for a metrics file, relative to the project folder, unless --metrics says otherwise. */
export const DEFAULT_METRICS_FILE = 'metrics.json';

export type SideMetrics = { readonly file: MetricsFile } | { readonly missing: true } | { readonly error: string };

export function readSideMetrics(side: SideSpec, relPath: string): SideMetrics {
  let text: string;
  try {
    if (side.kind === 'folder') text = readFileSync(resolve(side.dir, relPath), 'utf8');
    else {
      const path = posix.normalize(side.projectPath ? `${side.projectPath}/${relPath}` : relPath);
      text = git(side.repoRoot, ['show', `${side.commit}:${path}`]).toString('utf8');
    }
  } catch {
    return { missing: true };
  }
  const parsed = parseMetricsFile(text);
  return typeof parsed === 'string' ? { error: `'${relPath}' of the ${side.label} was not read: ${parsed}.` } : { file: parsed };
}

/** The metrics of a file as diff rows take them: '<head>.<metric>' -> value. */
export function flatMetrics(file: MetricsFile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [head, values] of Object.entries(file.metrics)) for (const [name, value] of Object.entries(values)) out[`${head}.${name}`] = value;
  return out;
}
