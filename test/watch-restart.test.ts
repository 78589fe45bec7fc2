// When a watched project's training restarts (src/runtime/watch/restart.ts),
// without TensorFlow.js or a file watcher: plans from real compiles, and a
// driver that records what it is asked and answers as a driver does (a stop
// ends the run, then the driver goes idle).
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../src/compiler/index.js';
import type { Plan } from '../src/compiler/plan.js';
import type { EndStatus, RunRequest } from '../src/runtime/watch/driver.js';
import { compileOutcome, createRestarter, restartDelay, restartStep, warmStartParent, type Restarter } from '../src/runtime/watch/restart.js';
import { DEMO, removeTempProjects, tempProject } from './watch-helpers.js';

afterAll(() => removeTempProjects());

function planOf(files: Record<string, string>): Plan {
  const result = compile(tempProject(files));
  if (!result.plan) throw new Error(result.diagnostics.map((d) => d.message).join('\n'));
  return result.plan;
}

/** The demo project with its hidden layer `units` wide (a different plan per width). */
const widened = (units: number) => ({ ...DEMO, 'layers.yaml': DEMO['layers.yaml']!.replace('units: 8, activation', `units: ${units}, activation`) });

const A = planOf(DEMO);
const sameAsA = planOf({ ...DEMO, 'layers.yaml': `# a comment changes no plan\n${DEMO['layers.yaml']}` });
const plans = [12, 16, 20, 24, 28].map((units) => planOf(widened(units)));
const B = plans[0]!;

describe('restart decisions', () => {
  it('tells a first, unchanged, changed and failed compile apart by plan hash', () => {
    expect(sameAsA).not.toBe(A);
    expect(sameAsA.hash).toBe(A.hash);
    expect(B.hash).not.toBe(A.hash);
    expect(compileOutcome(null, A)).toBe('first');
    expect(compileOutcome(A, sameAsA)).toBe('unchanged');
    expect(compileOutcome(A, B)).toBe('changed');
    expect(compileOutcome(A, null)).toBe('errors');
    expect(compileOutcome(null, null)).toBe('errors');
  });

  it('starts the first plan at once, waits out a changed one, and leaves the run alone otherwise', () => {
    expect(restartDelay('first', 30)).toBe(0);
    expect(restartDelay('changed', 30)).toBe(30);
    expect(restartDelay('unchanged', 30)).toBeNull();
    expect(restartDelay('errors', 30)).toBeNull();
  });

  it('supersedes a run only for a plan of another hash', () => {
    expect(restartStep(A, null, false)).toBe('start');
    expect(restartStep(sameAsA, A, true)).toBe('none');
    expect(restartStep(B, A, true)).toBe('supersede');
    expect(restartStep(B, A, false)).toBe('start');
    expect(restartStep(null, A, true)).toBe('none');
  });

  it('warm-starts from the newest run that did not fail', () => {
    expect(warmStartParent(null, { id: 'r1', status: 'completed' })).toBe('r1');
    expect(warmStartParent('r1', { id: 'r2', status: 'superseded' })).toBe('r2');
    expect(warmStartParent('r2', { id: 'r3', status: 'stopped' })).toBe('r3');
    expect(warmStartParent('r2', { id: 'r3', status: 'failed' })).toBe('r2');
    expect(warmStartParent(null, { id: 'r1', status: 'failed' })).toBeNull();
  });
});

interface Recorded {
  readonly calls: string[];
  readonly starts: RunRequest[];
  /** ends the run under way as the driver would on its own (completed, failed) */
  finish(status: 'completed' | 'failed'): void;
}

/** A driver that records start/stop and, like the real ones, ends the run and goes idle before stop() resolves. */
function recordingDriver(restarter: () => Restarter): Recorded & { start(request: RunRequest): void; stop(status: EndStatus): Promise<void> } {
  const calls: string[] = [];
  const starts: RunRequest[] = [];
  let current: string | null = null;
  const end = (status: string) => {
    if (!current) return;
    restarter().runEnded({ id: current, status: status as 'completed' });
    current = null;
    restarter().idle();
  };
  return {
    calls,
    starts,
    start(request) {
      if (current) throw new Error('started while a run was under way');
      current = `run${starts.length + 1}`;
      starts.push(request);
      calls.push(`start ${current} plan=${request.plan.hash.slice(0, 8)} parent=${request.parentId}`);
    },
    async stop(status) {
      calls.push(`stop ${status}`);
      await new Promise((resolve) => setImmediate(resolve));
      end(status);
    },
    finish: end,
  };
}

function setup(delayMs = 20, epochs?: number) {
  let restarter: Restarter | null = null;
  const driver = recordingDriver(() => restarter!);
  restarter = createRestarter({ driver, delayMs, ...(epochs !== undefined ? { epochs } : {}) });
  return { driver, restarter };
}

describe('the restarter', () => {
  it('starts the first plan at once, cold, with the epochs asked for', async () => {
    const { driver, restarter } = setup(20, 3);
    restarter.compiled('first', A, null);
    await restarter.settled();
    expect(driver.starts).toHaveLength(1);
    expect(driver.starts[0]).toMatchObject({ plan: A, parentId: null, epochs: 3 });
    expect(restarter.activePlan()).toBe(A);
    await restarter.close();
  });

  it('restarts once for a burst of saves, with the last plan, warm from the superseded run', async () => {
    const { driver, restarter } = setup(20);
    restarter.compiled('first', A, null);
    await restarter.settled();
    for (const plan of plans) restarter.compiled('changed', plan, null);
    await restarter.settled();
    const last = plans.at(-1)!;
    expect(driver.calls).toEqual([
      `start run1 plan=${A.hash.slice(0, 8)} parent=null`,
      'stop superseded',
      `start run2 plan=${last.hash.slice(0, 8)} parent=run1`,
    ]);
    expect(restarter.activePlan()).toBe(last);
    await restarter.close();
  });

  it('leaves the run alone for an unchanged plan and for errors', async () => {
    const { driver, restarter } = setup(0);
    restarter.compiled('first', A, null);
    await restarter.settled();
    restarter.compiled('unchanged', sameAsA, null);
    restarter.compiled('errors', B, null);
    await restarter.settled();
    expect(driver.calls).toHaveLength(1);
    // a plan whose hash is the running one's starts nothing either, however it is announced
    restarter.compiled('changed', sameAsA, null);
    await restarter.settled();
    expect(driver.calls).toHaveLength(1);
    await restarter.close();
  });

  it('follows the newest plan when one arrives while the superseded run is still stopping', async () => {
    const { driver, restarter } = setup(0);
    restarter.compiled('first', A, null);
    await restarter.settled();
    restarter.compiled('changed', plans[0]!, null); // stop requested; the run ends on the next turn
    restarter.compiled('changed', plans[1]!, null); // newer, before that
    await restarter.settled();
    expect(driver.calls).toEqual([
      `start run1 plan=${A.hash.slice(0, 8)} parent=null`,
      'stop superseded',
      `start run2 plan=${plans[1]!.hash.slice(0, 8)} parent=run1`,
    ]);
    await restarter.close();
  });

  it('does not warm-start from a failed run, and starts again after a run ended on its own', async () => {
    const { driver, restarter } = setup(0);
    restarter.compiled('first', A, null);
    await restarter.settled();
    driver.finish('completed'); // run1 completed: the driver is idle
    restarter.compiled('changed', plans[0]!, null);
    await restarter.settled();
    driver.finish('failed'); // run2 failed
    restarter.compiled('changed', plans[1]!, null);
    await restarter.settled();
    expect(driver.calls).toEqual([
      `start run1 plan=${A.hash.slice(0, 8)} parent=null`,
      `start run2 plan=${plans[0]!.hash.slice(0, 8)} parent=run1`,
      `start run3 plan=${plans[1]!.hash.slice(0, 8)} parent=run1`,
    ]);
    await restarter.close();
  });

  it('starts nothing once closed, not even a restart already pending', async () => {
    const { driver, restarter } = setup(30);
    restarter.compiled('first', A, null);
    await restarter.settled();
    restarter.compiled('changed', B, null);
    await restarter.close();
    restarter.compiled('changed', plans[1]!, null);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(driver.calls).toEqual([`start run1 plan=${A.hash.slice(0, 8)} parent=null`]);
    await restarter.settled();
  });
});
