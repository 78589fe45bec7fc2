// A project served by `nnc view`: nothing trains. The plan and diagnostics
// come from compiling the folder as it is now (or, when it does not compile,
// the plan stored with the newest run); runs, metrics, weights and logs come
// from the store, opened read-only as soon as one exists.
import { compile } from '../../compiler/index.js';
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Plan } from '../../compiler/plan.js';
import type { ServerMessage } from '../../shared/protocol.js';
import { hasStore } from '../store/paths.js';
import { openRunStore as createRunStore } from '../store/open-store.js';
import type { RunStore } from '../store/types.js';
import type { ProjectSource } from './source.js';
import { trainingTokenCounts } from './token-counts.js';
import { diagnosticView, planSummary, samplePreviews } from './views.js';

export interface StoredProject extends ProjectSource {
  close(): void;
}

export function createStoredProject(dir: string, name: string): StoredProject {
  const result = compile(dir);
  const diagnostics: readonly Diagnostic[] = result.diagnostics;
  let store: RunStore | null = null;
  let plan: Plan | null = result.plan;
  const previews = samplePreviews(result);

  function openStore(): RunStore | null {
    if (store || !hasStore(dir)) return store;
    try {
      store = createRunStore(dir, { readonly: true });
    } catch {
      store = null;
    }
    return store;
  }

  if (!plan) {
    const newest = openStore()?.listRuns({ limit: 1 })[0];
    const stored = newest ? (openStore()?.getPlan(newest.id) as Plan | null) : null;
    if (stored && typeof stored === 'object' && Array.isArray(stored.layers)) plan = stored;
  }

  return {
    name,
    dir,
    live: false,
    plan: () => plan,
    diagnostics: () => diagnostics,
    running: () => null,
    store: openStore,
    samplePreview: (dataset) => previews.get(dataset),
    tokenCounts: () => (result.data && plan && plan === result.plan ? trainingTokenCounts(result.data, plan.vocabulary.tokens.length) : undefined),
    currentState() {
      const out: ServerMessage[] = [];
      if (plan) out.push({ type: 'project_compiled', project: name, summary: planSummary(name, plan) });
      out.push({ type: 'diagnostics', project: name, diagnostics: diagnostics.map((d) => diagnosticView(dir, d)) });
      return out;
    },
    close() {
      store?.close();
      store = null;
    },
  };
}
