// What runs inside a training worker (or in-process for tests): TensorFlow.js
// loaded once, one store connection, one run at a time, each with its own
// AbortController. Posts HostEvents; 'idle' after every run.
import type { RunStore } from '../store/types.js';
import { createSessionContext, releaseSession, runSession, type SessionContext } from './run-session.js';
import type { EndStatus, HostEvent, RunRequest } from './types.js';

export interface SessionHostOptions {
  readonly projectDir: string;
  readonly backend: string | null;
  readonly post: (event: HostEvent) => void;
}

export interface SessionHost {
  start(request: RunRequest): void;
  stop(status: EndStatus): void;
  close(): Promise<void>;
}

export function createSessionHost(options: SessionHostOptions): SessionHost {
  const { post } = options;
  let context: Promise<SessionContext> | null = null;
  let controller: AbortController | null = null;
  let stopStatus: EndStatus = 'stopped';
  let current: Promise<void> | null = null;

  async function load(): Promise<SessionContext> {
    const [{ loadTf }, { createRunStore }] = await Promise.all([import('../backend/index.js'), import('../store/open-store.js').then((m) => ({ createRunStore: m.openRunStore }))]);
    const loaded = await loadTf(options.backend ?? undefined);
    const store: RunStore = createRunStore(options.projectDir);
    post({ type: 'ready', backend: loaded.backend, notes: loaded.notes });
    return createSessionContext({ tf: loaded.tf, backend: loaded.backend, store, projectDir: options.projectDir });
  }

  async function run(request: RunRequest, own: AbortController): Promise<void> {
    try {
      context ??= load();
      const ctx = await context;
      await runSession(ctx, request, { signal: own.signal, stopStatus: () => stopStatus, post });
    } catch (error) {
      context = null; // try loading again on the next start
      post({ type: 'error', message: (error as Error).message });
    } finally {
      if (controller === own) controller = null;
      current = null;
      post({ type: 'idle' });
    }
  }

  return {
    start(request) {
      if (current) {
        post({ type: 'error', message: 'A run was started while another one was still running; it was ignored.' });
        return;
      }
      const own = new AbortController();
      controller = own;
      stopStatus = 'stopped';
      current = run(request, own);
    },
    stop(status) {
      stopStatus = status;
      if (controller) controller.abort();
      else if (!current) post({ type: 'idle' });
    },
    async close() {
      stopStatus = 'stopped';
      controller?.abort();
      await current;
      if (context) {
        const ctx = await context.catch(() => null);
        if (ctx) releaseSession(ctx);
        ctx?.store.close();
      }
      context = null;
    },
  };
}
