// `nnc watch` without the CLI (esbuild's context(), vite's createServer):
// watches project folders, recompiles on every save and keeps one training
// run per project going, each in its own worker thread by default.
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerMessage } from '../../shared/protocol.js';
import { projectIds } from '../server/source.js';
import type { RunStore } from '../store/types.js';
import type { DriverFactory } from './driver.js';
import { watchProjectFiles, type FileWatch } from './files.js';
import { createLiveProject, type LiveProject, type WatchReporter } from './project.js';

export interface WatcherOptions {
  /** project folders */
  readonly projects: readonly string[];
  /** how each project trains; default: a worker thread per project (worker-driver.ts) */
  readonly driver?: DriverFactory;
  readonly backend?: string;
  /** overrides every plan's epochs */
  readonly epochs?: number;
  /** every message for viewers (the server's broadcast) */
  readonly emit?: (message: ServerMessage) => void;
  readonly reporter?: WatchReporter;
  /** quiet time after a save before recompiling, ms (default 5) */
  readonly debounceMs?: number;
  /** how long a changed plan must stay the newest before its run starts, ms (default 30) */
  readonly restartDelayMs?: number;
  /** false: compile and train once, without watching files (default true) */
  readonly watchFiles?: boolean;
}

export interface Watcher {
  readonly projects: readonly LiveProject[];
  /** compiles every project again, as a save does */
  recompile(): void;
  close(): Promise<void>;
}

/** A worker thread per project; on the main thread when the worker bundle is missing (an unbuilt checkout). */
async function defaultDriver(reporter: WatchReporter | undefined): Promise<DriverFactory> {
  const { createWorkerDriver, workerEntry } = await import('./worker-driver.js');
  const entry = workerEntry();
  if (existsSync(fileURLToPath(entry))) return (options) => createWorkerDriver({ ...options, workerUrl: entry });
  reporter?.error?.('nnc', `The training worker '${fileURLToPath(entry)}' is missing (run 'npm run build'), so training runs on the main thread and the viewer may lag while it trains.`);
  return (await import('./inline-driver.js')).createInlineDriver;
}

export async function createWatcher(options: WatcherOptions): Promise<Watcher> {
  const dirs = options.projects.map((p) => resolve(p));
  const names = projectIds(dirs, basename);
  const driver = options.driver ?? (await defaultDriver(options.reporter));
  const { createRunStore } = await import('../store/store.js');
  const emit = options.emit ?? (() => {});

  const stores: RunStore[] = [];
  const projects: LiveProject[] = [];
  const watches: FileWatch[] = [];
  try {
    for (const [i, dir] of dirs.entries()) {
      const store = createRunStore(dir);
      stores.push(store);
      projects.push(
        createLiveProject({
          dir,
          name: names[i]!,
          store,
          driver,
          emit: (message) => emit(message),
          ...(options.backend ? { backend: options.backend } : {}),
          ...(options.epochs !== undefined ? { epochs: options.epochs } : {}),
          ...(options.reporter ? { reporter: options.reporter } : {}),
          ...(options.restartDelayMs !== undefined ? { restartDelayMs: options.restartDelayMs } : {}),
        }),
      );
    }
    if (options.watchFiles !== false) {
      for (const [i, project] of projects.entries()) {
        const watch = await watchProjectFiles(dirs[i]!, {
          ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
          onChange: (paths) => project.recompile(paths),
          onError: (error) => options.reporter?.error?.(project.name, `Watching files failed: ${error.message}`),
        });
        watches.push(watch);
      }
      await Promise.all(watches.map((w) => w.ready));
    }
  } catch (error) {
    await Promise.allSettled([...watches.map((w) => w.close()), ...projects.map((p) => p.close())]);
    for (const store of stores) store.close();
    throw error;
  }
  for (const project of projects) project.recompile();

  let closing: Promise<void> | null = null;
  return {
    projects,
    recompile() {
      for (const project of projects) project.recompile();
    },
    close() {
      closing ??= (async () => {
        await Promise.allSettled(watches.map((w) => w.close()));
        await Promise.allSettled(projects.map((p) => p.close()));
        for (const store of stores) store.close();
      })();
      return closing;
    },
  };
}
