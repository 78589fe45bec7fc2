// Training on the calling thread: the same session host as the worker, without
// the worker. For tests (tf.memory() is visible), benchmarks, and as the
// fallback when the worker bundle is missing.
import type { DriverEvent, DriverOptions, TrainingDriver } from './driver.js';
import { createSessionHost } from '../session/host.js';

export function createInlineDriver(options: DriverOptions): TrainingDriver {
  let busy = false;
  let idleWaiters: Array<() => void> = [];
  const host = createSessionHost({
    projectDir: options.projectDir,
    backend: options.backend ?? null,
    post: (event: DriverEvent) => {
      if (event.type === 'idle') {
        if (!busy) return;
        busy = false;
        for (const resolve of idleWaiters.splice(0)) resolve();
      }
      options.onEvent(event);
    },
  });
  return {
    start(request) {
      if (busy) throw new Error('The training driver is still running a run: stop it first.');
      busy = true;
      host.start(request);
    },
    stop(status) {
      if (!busy) return Promise.resolve();
      const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
      host.stop(status);
      return idle;
    },
    async close() {
      await host.close();
    },
  };
}
