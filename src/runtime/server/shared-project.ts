// A project of a shared PostgreSQL store, served by `nnc view --store …` in
// the place a project folder has under `nnc view <folder>`: nothing trains
// and no folder is read (the runs may come from machines this one never saw).
// Its plan is the one stored with its newest run, its diagnostics the ones
// the last command that compiled it saved; runs, metrics, logs, weights and
// sweeps come from the store, opened read-only.
import type { Plan } from '../../compiler/plan.js';
import type { ServerMessage } from '../../shared/protocol.js';
import type { ProjectRecord, SharedRunStore } from '../store/open-store.js';
import { openSharedStore } from '../store/open-store.js';
import { defaultCacheDir } from '../store/postgres/pg-store.js';
import type { StoredProject } from './stored-project.js';
import { diagnosticView, planSummary } from './views.js';

export interface SharedProject extends StoredProject {
  readonly record: ProjectRecord;
}

export function createSharedProject(url: string, record: ProjectRecord, name: string): SharedProject {
  const store: SharedRunStore = openSharedStore(record.dir, url, { readonly: true, project: { name: record.name, remote: record.remote }, cacheDir: defaultCacheDir() });
  let plan: Plan | null = null;
  let planRun: string | null = null;

  /** the plan of the newest run that stored one (re-read when a newer run arrives) */
  function currentPlan(): Plan | null {
    const newest = store.listRuns({ limit: 1 })[0];
    if (!newest || newest.id === planRun) return plan;
    planRun = newest.id;
    const stored = store.getPlan(newest.id) as Plan | null;
    if (stored && typeof stored === 'object' && Array.isArray(stored.layers)) plan = stored;
    return plan;
  }

  return {
    name,
    dir: record.dir,
    live: false,
    storedIn: store.url,
    record,
    plan: currentPlan,
    diagnostics: () => store.diagnostics(),
    running: () => null,
    store: () => store,
    sweeps: () => store.sweeps.reader(),
    currentState() {
      const out: ServerMessage[] = [];
      const p = currentPlan();
      if (p) out.push({ type: 'project_compiled', project: name, summary: planSummary(name, p) });
      out.push({ type: 'diagnostics', project: name, diagnostics: store.diagnostics().map((d) => diagnosticView(record.dir, d)) });
      return out;
    },
    close() {
      store.close();
    },
  };
}
