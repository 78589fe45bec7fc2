// `nnc watch` without the CLI (esbuild's context(), vite's createServer):
// watches project folders, recompiles on every save and keeps one training
// run per project going, each in its own worker thread by default. A folder
// that is moved or removed stops being watched: its run stops, its store is
// closed, nothing more is written under its old path (project-root.ts).
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ServerMessage } from '../../shared/protocol.js';
import { projectIds } from '../server/source.js';
import type { RunStore } from '../store/types.js';
import type { DriverFactory } from './driver.js';
import { watchProjectFiles, type FileWatch } from './files.js';
import { createLiveProject, type LiveProject, type WatchReporter } from './project.js';
import { watchProjectRoot, type RootWatch } from './project-root.js';

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
  /** how often each project folder is looked at for a move or removal, ms (default 250) */
  readonly rootCheckMs?: number;
  /**
   * A project folder was moved or removed: its run has stopped, its store is
   * closed and it has left `projects`; `remaining` projects are still watched.
   */
  readonly onProjectGone?: (project: LiveProject, remaining: number) => void;
}

export interface Watcher {
  /** the projects still watched (one whose folder was moved or removed leaves the list) */
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
  const { openRunStore: createRunStore } = await import('../store/open-store.js');
  const emit = options.emit ?? (() => {});

  const stores: RunStore[] = [];
  const all: LiveProject[] = [];
  const watches: FileWatch[] = [];
  const roots: RootWatch[] = [];
  const gone = new Set<LiveProject>();
  const retiring: Array<Promise<void>> = [];
  // the projects still watched; `all` keeps every one, by index into dirs
  try {
    for (const [i, dir] of dirs.entries()) {
      const store = createRunStore(dir);
      stores.push(store);
      all.push(
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
      for (const [i, project] of all.entries()) {
        const watch = await watchProjectFiles(dirs[i]!, {
          ...(options.debounceMs !== undefined ? { debounceMs: options.debounceMs } : {}),
          onChange: (paths) => {
            // a moved folder shows up as files going away: look at the folder before compiling what is left
            roots[i]?.check();
            if (!gone.has(project)) project.recompile(paths);
          },
          onError: (error) => {
            roots[i]?.check();
            if (!gone.has(project)) options.reporter?.error?.(project.name, `Watching files failed: ${error.message}`);
          },
        });
        watches.push(watch);
      }
      await Promise.all(watches.map((w) => w.ready));
    }
  } catch (error) {
    await Promise.allSettled([...watches.map((w) => w.close()), ...all.map((p) => p.close())]);
    for (const store of stores) store.close();
    throw error;
  }
  const projects = [...all];
  let closing: Promise<void> | null = null;

  /** The folder of project `i` was moved or removed: stop its run, close its store, stop watching it. */
  async function retire(i: number): Promise<void> {
    const project = all[i]!;
    if (gone.has(project) || closing) return;
    gone.add(project);
    projects.splice(projects.indexOf(project), 1);
    const message = `The project folder '${dirs[i]}' was moved or removed; stopped watching it${projects.length ? '' : ' (no project is left to watch)'}.`;
    options.reporter?.error?.(project.name, message);
    emit({ type: 'training_log', project: project.name, log: { id: -Date.now(), runId: project.running()?.id ?? null, time: Date.now(), level: 'warning', category: 'watch', message, spam: false, count: 1 } });
    await watches[i]?.close();
    // the run ends 'stopped' with the checkpoint of its last epoch; the stop writes none under the old path (run-session.ts)
    await project.close();
    stores[i]!.close();
    options.onProjectGone?.(project, projects.length);
  }

  for (const [i] of all.entries()) {
    roots.push(watchProjectRoot(dirs[i]!, () => retiring.push(retire(i).catch((error) => options.reporter?.error?.(all[i]!.name, `Stopping the project failed: ${(error as Error).message}`))), options.rootCheckMs));
  }
  for (const project of projects) project.recompile();

  return {
    projects,
    recompile() {
      for (const project of projects) project.recompile();
    },
    close() {
      closing ??= (async () => {
        for (const root of roots) root.close();
        await Promise.allSettled(retiring);
        const left = all.map((project, i) => ({ project, i })).filter(({ project }) => !gone.has(project));
        await Promise.allSettled(left.map(({ i }) => watches[i]?.close()));
        await Promise.allSettled(left.map(({ project }) => project.close()));
        for (const { i } of left) stores[i]!.close();
      })();
      return closing;
    },
  };
}
