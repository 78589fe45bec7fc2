// Training in a worker thread (node:worker_threads), one per project, so the
// watcher and the server stay responsive and several projects train at once.
// The worker lives as long as the driver: TensorFlow.js loads once, and each
// run is a 'start' message; a 'stop' aborts the run's AbortSignal and the
// worker answers 'idle' when the run has ended and its checkpoint is written.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DriverCommand, DriverEvent, DriverOptions, EndStatus, RunRequest, TrainingDriver } from './driver.js';

export interface WorkerDriverOptions extends DriverOptions {
  /** the bundled worker entry; default train-worker.js beside this module (dist/train-worker.js) */
  readonly workerUrl?: URL;
  /** how long close() waits for a clean exit before terminating the thread, ms (default 10 s) */
  readonly closeTimeoutMs?: number;
}

export interface WorkerData {
  readonly projectDir: string;
  readonly backend: string | null;
}

/** $NNC_TRAIN_WORKER, else train-worker.js beside this module (dist/train-worker.js in the build). */
export function workerEntry(): URL {
  return process.env.NNC_TRAIN_WORKER ? pathToFileURL(resolve(process.env.NNC_TRAIN_WORKER)) : new URL('./train-worker.js', import.meta.url);
}

export function createWorkerDriver(options: WorkerDriverOptions): TrainingDriver {
  const url = options.workerUrl ?? workerEntry();
  let worker: Worker | null = null;
  let busy = false;
  let idleWaiters: Array<() => void> = [];
  let exited: Promise<void> = Promise.resolve();

  function becomeIdle(): void {
    if (!busy && idleWaiters.length === 0) return;
    busy = false;
    for (const resolve of idleWaiters.splice(0)) resolve();
    options.onEvent({ type: 'idle' });
  }

  function spawn(): Worker {
    const data: WorkerData = { projectDir: options.projectDir, backend: options.backend ?? null };
    const w = new Worker(url, { workerData: data, name: `nnc train ${options.projectDir}` });
    w.on('message', (event: DriverEvent) => {
      if (event.type === 'idle') becomeIdle();
      else options.onEvent(event);
    });
    w.on('error', (error) => {
      options.onEvent({ type: 'error', message: `The training worker failed: ${error.message}` });
    });
    exited = new Promise((resolve) =>
      w.once('exit', (code) => {
        if (worker === w) worker = null;
        if (busy) {
          if (code !== 0) options.onEvent({ type: 'error', message: `The training worker exited with code ${code} during a run.` });
          becomeIdle();
        }
        resolve();
      }),
    );
    return w;
  }

  function post(command: DriverCommand): void {
    worker?.postMessage(command);
  }

  return {
    start(request: RunRequest) {
      if (busy) throw new Error('The training driver is still running a run: stop it first.');
      worker ??= spawn();
      busy = true;
      post({ type: 'start', request });
    },
    stop(status: EndStatus) {
      if (!busy) return Promise.resolve();
      const idle = new Promise<void>((resolve) => idleWaiters.push(resolve));
      post({ type: 'stop', status });
      return idle;
    },
    async close() {
      const w = worker;
      if (!w) return;
      post({ type: 'close' });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), options.closeTimeoutMs ?? 10_000);
      });
      const result = await Promise.race([exited.then(() => 'exited' as const), timeout]);
      clearTimeout(timer);
      if (result === 'timeout') await w.terminate();
      worker = null;
    },
  };
}
