// sweep_updated: what a sweep writer (nnc sweep's own, sweep-store.ts) stores
// becomes one message per change, for `nnc watch` (createSweepFollower) and
// `nnc view` (the store follower); sweeps stored before following began are
// the GET API's, and a poll with nothing new sends nothing.
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerMessage } from '../src/shared/protocol.js';
import { createStoreFollower } from '../src/runtime/server/store-follower.js';
import { createSharedStoreFollower } from '../src/runtime/server/shared-store-follower.js';
import { createSweepFollower, createSweepReaderTracker } from '../src/runtime/server/sweep-follower.js';
import { openSharedStore } from '../src/runtime/store/open-store.js';
import { createRunStore } from '../src/runtime/store/store.js';
import { openSweepWriter, readSweeps, type NewSweep, type SweepWriter } from '../src/runtime/sweep/sweep-store.js';
import { startPostgres } from './helpers/postgres.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-sweep-follow-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sweep = (name: string): NewSweep => ({
  name,
  method: 'grid',
  metric: 'loss',
  mode: 'min',
  parallel: 2,
  spec: {},
  info: { parameters: ['layers.hidden.units'], trials: 2, halving: null },
  trials: [
    { trial: 1, params: { 'layers.hidden.units': 4 }, planHash: 'p1' },
    { trial: 2, params: { 'layers.hidden.units': 8 }, planHash: 'p2' },
  ],
});

type SweepUpdated = Extract<ServerMessage, { type: 'sweep_updated' }>;
const updates = (messages: ServerMessage[]) => messages.filter((m): m is SweepUpdated => m.type === 'sweep_updated');
const shown = (m: SweepUpdated) => [m.sweep.status, ...m.trials.map((t) => `${t.rank}:${t.trial}:${t.status}:${t.value ?? '-'}`)].join(' ');

/** A sweep that ended before following began: the GET API's, never pushed. */
function oldSweep(writer: SweepWriter): void {
  const old = writer.createSweep(sweep('old'));
  writer.endSweep(old.id, 'completed');
}

/** The changes every follower must report, written with `writer`; `poll` checks once. */
function expectChanges(writer: SweepWriter, poll: () => ServerMessage[]): void {
  expect(updates(poll())).toEqual([]);
  const record = writer.createSweep(sweep('new'));
  expect(updates(poll()).map(shown)).toEqual(['running 1:1:pending:- 2:2:pending:-']);
  writer.updateTrial(record.id, 2, { status: 'completed', value: 0.3, epochs: 2, runId: 'r2' });
  expect(updates(poll()).map(shown)).toEqual(['running 1:2:completed:0.3 2:1:pending:-']);
  expect(updates(poll())).toEqual([]);
  writer.endSweep(record.id, 'stopped');
  expect(updates(poll()).map(shown)).toEqual(['stopped 1:2:completed:0.3 2:1:pending:-']);
  expect(updates(poll())).toEqual([]);
}

describe('sweeps read through a SweepReader (nnc view --store)', () => {
  it('the reader tracker sends the same changes over the SQLite reader', () => {
    const dir = temp();
    createRunStore(dir).close();
    const writer = openSweepWriter(dir);
    const tracker = createSweepReaderTracker({ project: 'demo' });
    try {
      oldSweep(writer);
      // the first check notes what is there
      expect(readSweeps(dir, (reader) => tracker.check(reader))).toEqual([]);
      expectChanges(writer, () => readSweeps(dir, (reader) => tracker.check(reader)));
    } finally {
      writer.close();
    }
  });

  it('the shared-store follower pushes a PostgreSQL store\'s sweeps (skipped without a PostgreSQL server)', { timeout: 120_000 }, async (context) => {
    const started = await startPostgres();
    const server = started.server;
    if (!server) return context.skip(started.skip);
    const dir = temp();
    cpSync('test/fixtures/tiny', dir, { recursive: true });
    const url = server.createDatabase(`follow_${process.pid}`);
    const store = openSharedStore(dir, url);
    const writer = store.sweeps.writer();
    oldSweep(writer);
    const reader = openSharedStore(dir, url, { readonly: true });
    const emitted: ServerMessage[] = [];
    const follower = createSharedStoreFollower({ store: reader, project: 'demo', emit: (m) => emitted.push(m), intervalMs: 0 });
    try {
      expectChanges(writer, () => follower.poll());
      expect(updates(emitted)).toHaveLength(3);
    } finally {
      follower.close();
      reader.close();
      store.close();
      server.stop();
    }
  });
});

describe.each([
  ['nnc watch (sweep follower)', (dir: string, emit: (m: ServerMessage) => void) => createSweepFollower({ dir, project: 'demo', emit, intervalMs: 0 })],
  ['nnc view (store follower)', (dir: string, emit: (m: ServerMessage) => void) => createStoreFollower({ dir, project: 'demo', emit, intervalMs: 0 })],
])('%s', (_, follow) => {
  it('sends each change of a sweep and its trials once, ranked, and nothing for a sweep stored before', () => {
    const dir = temp();
    createRunStore(dir).close();
    const writer = openSweepWriter(dir);
    const old = writer.createSweep(sweep('old'));
    writer.endSweep(old.id, 'completed');
    const emitted: ServerMessage[] = [];
    const follower = follow(dir, (m) => emitted.push(m));
    try {
      expect(updates(follower.poll())).toEqual([]);
      const record = writer.createSweep(sweep('new'));
      let sent = updates(follower.poll());
      expect(sent.map(shown)).toEqual(['running 1:1:pending:- 2:2:pending:-']);
      expect(sent[0]).toMatchObject({ project: 'demo', sweep: { id: record.id, name: 'new', metric: 'loss', parameters: ['layers.hidden.units'], trials: 2 } });
      expect(updates(follower.poll())).toEqual([]);

      writer.updateTrial(record.id, 1, { status: 'running', runId: 'r1' });
      writer.updateTrial(record.id, 2, { status: 'running', runId: 'r2' });
      expect(updates(follower.poll()).map(shown)).toEqual(['running 1:1:running:- 2:2:running:-']);
      writer.updateTrial(record.id, 2, { status: 'completed', value: 0.3, epochs: 2 });
      expect(updates(follower.poll()).map(shown)).toEqual(['running 1:2:completed:0.3 2:1:running:-']);
      writer.updateTrial(record.id, 1, { status: 'completed', value: 0.2, epochs: 2 });
      writer.endSweep(record.id, 'completed', { best: { trial: 1, value: 0.2, runId: 'r1' } });
      sent = updates(follower.poll());
      expect(sent.map(shown)).toEqual(['completed 1:1:completed:0.2 2:2:completed:0.3']);
      expect(sent[0].sweep.best).toEqual({ trial: 1, value: 0.2, runId: 'r1' });
      expect(sent[0].trials[0]).toMatchObject({ runId: 'r1', epochs: 2, params: { 'layers.hidden.units': 4 } });
      expect(updates(follower.poll())).toEqual([]);
      // what poll returned is what went out
      expect(updates(emitted).map(shown)).toEqual(['running 1:1:pending:- 2:2:pending:-', 'running 1:1:running:- 2:2:running:-', 'running 1:2:completed:0.3 2:1:running:-', 'completed 1:1:completed:0.2 2:2:completed:0.3']);
    } finally {
      follower.close();
      writer.close();
    }
  });

  it('follows a store created after it started from its first sweep', () => {
    const dir = temp();
    const emitted: ServerMessage[] = [];
    const follower = follow(dir, (m) => emitted.push(m));
    try {
      expect(follower.poll()).toEqual([]);
      createRunStore(dir).close();
      const writer = openSweepWriter(dir);
      try {
        writer.createSweep(sweep('first'));
        expect(updates(follower.poll()).map((m) => m.sweep.name)).toEqual(['first']);
      } finally {
        writer.close();
      }
    } finally {
      follower.close();
    }
  });
});
