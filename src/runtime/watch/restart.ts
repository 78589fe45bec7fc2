// Deciding when a watched project's training restarts, apart from compiling
// and from what the viewer is sent (project.ts wires them): what a compile
// means for training (compileOutcome), how long to wait before acting on it,
// which run the next warm start uses, and the restarter that brings the
// driver in line with the newest plan. A compile with errors leaves the run
// alone (c12's watch keeps the last good state).
import type { Plan } from '../../compiler/plan.js';
import type { PlanData } from '../../compiler/plan-data.js';
import type { RunRecord } from '../store/types.js';
import type { RunRequest, TrainingDriver } from './driver.js';

/** first: the first compile; unchanged: same plan hash, nothing restarts; changed: a new run starts; errors: the run is left alone */
export type CompileOutcome = 'first' | 'unchanged' | 'changed' | 'errors';

/** What a compile means for training, from the last plan that compiled and this compile's plan (null: it has errors). */
export function compileOutcome(previous: Plan | null, next: Plan | null): CompileOutcome {
  if (!next) return 'errors';
  if (!previous) return 'first';
  return next.hash === previous.hash ? 'unchanged' : 'changed';
}

/**
 * How long training waits before following a compile, ms, or null when it
 * does not follow it: the first plan starts at once; a changed one waits
 * `delayMs`, so a burst of saves restarts once, with its last plan.
 */
export function restartDelay(outcome: CompileOutcome, delayMs: number): number | null {
  if (outcome === 'first') return 0;
  if (outcome === 'changed') return delayMs;
  return null;
}

/** The run the next warm start uses once `ended` ended: a failed run may have no checkpoint, so the one before stays. */
export function warmStartParent(current: string | null, ended: Pick<RunRecord, 'id' | 'status'>): string | null {
  return ended.status === 'failed' ? current : ended.id;
}

/** The next step towards training `wanted`: nothing (it is the plan under way), supersede the run under way, or start it. */
export function restartStep(wanted: Plan | null, active: Plan | null, training: boolean): 'none' | 'supersede' | 'start' {
  if (!wanted || wanted.hash === active?.hash) return 'none';
  return training ? 'supersede' : 'start';
}

export interface RestarterOptions {
  readonly driver: Pick<TrainingDriver, 'start' | 'stop'>;
  /** overrides the plan's epochs (tests, benchmarks) */
  readonly epochs?: number;
  /** see restartDelay */
  readonly delayMs: number;
}

/** One project's restart state machine: one restart at a time, newest plan wins. */
export interface Restarter {
  /** a compile produced `plan` (with its samples) and this outcome: follow it after restartDelay */
  compiled(outcome: CompileOutcome, plan: Plan, data: PlanData | null): void;
  /** the driver ended a run (see warmStartParent) */
  runEnded(run: Pick<RunRecord, 'id' | 'status'>): void;
  /** the driver went idle */
  idle(): void;
  /** the plan of the run started or under way, null before the first start */
  activePlan(): Plan | null;
  /** resolves once no restart is pending or under way */
  settled(): Promise<void>;
  /** cancels a pending restart and waits for one under way; starts nothing after */
  close(): Promise<void>;
}

export function createRestarter(options: RestarterOptions): Restarter {
  const { driver } = options;
  let wanted: { plan: Plan; data: PlanData | null } | null = null; // the last plan that compiled
  let activePlan: Plan | null = null;
  let active = false; // the driver is training (or starting) a run
  let parentId: string | null = null; // the newest run whose weights a warm start can use
  let idleWaiters: Array<() => void> = [];
  let work: Promise<void> | null = null;
  let again = false;
  let closed = false;
  let timer: NodeJS.Timeout | null = null;

  function waitIdle(): Promise<void> {
    return active ? new Promise((resolve) => idleWaiters.push(resolve)) : Promise.resolve();
  }

  /** Brings training in line with the last good plan. */
  function reconcile(): Promise<void> {
    if (work) {
      again = true;
      return work;
    }
    work = (async () => {
      do {
        again = false;
        const target = wanted;
        if (closed || !target) continue;
        const step = restartStep(target.plan, activePlan, active);
        if (step === 'none') continue;
        if (step === 'supersede') {
          await driver.stop('superseded');
          await waitIdle();
        }
        if (closed) return;
        if (wanted !== target) {
          again = true;
          continue;
        }
        activePlan = target.plan;
        active = true;
        const request: RunRequest = { plan: target.plan, data: target.data, parentId, ...(options.epochs !== undefined ? { epochs: options.epochs } : {}) };
        driver.start(request);
      } while (again);
    })().finally(() => {
      work = null;
    });
    return work;
  }

  function schedule(delay: number): void {
    if (timer) clearTimeout(timer);
    timer = null;
    if (delay <= 0) {
      void reconcile();
      return;
    }
    timer = setTimeout(() => {
      timer = null;
      void reconcile();
    }, delay);
  }

  return {
    compiled(outcome, plan, data) {
      if (closed || outcome === 'errors' || outcome === 'unchanged') return;
      wanted = { plan, data };
      const delay = restartDelay(outcome, options.delayMs);
      if (delay !== null) schedule(delay);
    },
    runEnded(run) {
      parentId = warmStartParent(parentId, run);
    },
    idle() {
      active = false;
      for (const resolve of idleWaiters.splice(0)) resolve();
    },
    activePlan: () => activePlan,
    async settled() {
      while (work || timer) await (work ?? new Promise((resolve) => setTimeout(resolve, 2)));
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await work?.catch(() => undefined);
    },
  };
}
