// 200 restarts in-process (the worker-less driver, so tf.memory() of this
// thread is the one training uses): no tensor and no memory may leak per restart.
import * as tf from '@tensorflow/tfjs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { createInlineDriver } from '../src/runtime/watch/inline-driver.js';
import { createWatcher } from '../src/runtime/watch/watcher.js';
import { learnableProject, removeTempProjects, tempProject, until, write } from './watch-helpers.js';

afterAll(() => removeTempProjects());

// a real collection before each reading, so the heap measures what is still referenced
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('restarts', () => {
  it('keeps tf.memory().numTensors and RSS flat over 200 restarts', async () => {
    const files = learnableProject({ epochs: 1, samples: 24 });
    const dir = tempProject(files);
    const ended: string[] = [];
    const watcher = await createWatcher({
      projects: [dir],
      driver: createInlineDriver,
      backend: 'cpu',
      watchFiles: false,
      emit: (m) => {
        if (m.type === 'run_ended') ended.push(m.run.status);
      },
    });
    const project = watcher.projects[0]!;
    const tensors: number[] = [];
    const rss: number[] = [];
    const heap: number[] = [];
    try {
      // the watcher's own first run (one epoch) ends before the restarts begin
      await until('the first run to end', () => ended.length === 1, 10_000);
      ended.length = 0;
      const base = project.runIds.length;
      for (let i = 1; i <= 200; i++) {
        // alternate two plans, so every save restarts: odd ones train long and are superseded
        // by the next save mid-training, even ones train one short epoch and complete
        const odd = i % 2 === 1;
        write(dir, 'layers.yaml', files['layers.yaml']!.replace('units: 16, activation', `units: ${odd ? 12 : 16}, activation`));
        write(dir, 'nnc.yaml', files['nnc.yaml']!.replace('epochs: 1', `epochs: ${odd ? 50 : 1}`));
        project.recompile();
        await project.settled();
        if (odd) await until(`run ${i} to start`, () => project.runIds.length === base + i && project.running(), 10_000, 1);
        else {
          await until(`run ${i} to end`, () => ended.length === i, 10_000, 1);
          tensors.push(tf.memory().numTensors);
          gc();
          const memory = process.memoryUsage();
          rss.push(memory.rss);
          heap.push(memory.heapUsed);
        }
      }
    } finally {
      await watcher.close();
    }
    expect(ended).toHaveLength(200);
    expect(ended.filter((s) => s === 'superseded')).toHaveLength(100);
    expect(ended.filter((s) => s === 'completed')).toHaveLength(100);
    // after the first few restarts, the same number of tensors every time
    const settled = tensors.slice(5);
    expect(Math.max(...settled)).toBe(Math.min(...settled));
    const mib = (bytes: number) => bytes / 1048576;
    // the floor of each window: a leak raises it, allocator and GC noise do not
    const early = (xs: number[]) => Math.min(...xs.slice(5, 20));
    const late = (xs: number[]) => Math.min(...xs.slice(-15));
    console.log(
      `numTensors ${tensors[5]} -> ${tensors.at(-1)}; heap after GC ${mib(early(heap)).toFixed(1)} -> ${mib(late(heap)).toFixed(1)} MiB; ` +
        `RSS ${mib(early(rss)).toFixed(0)} -> ${mib(late(rss)).toFixed(0)} MiB`,
    );
    // after the first half (JIT warm-up), the heap holds still: at most ~20 KB per restart
    const middle = Math.min(...heap.slice(45, 55));
    expect(mib(late(heap) - middle)).toBeLessThan(2);
    expect(mib(late(heap) - early(heap))).toBeLessThan(6);
    expect(mib(late(rss) - early(rss))).toBeLessThan(32);
    // every tensor is released on close
    expect(tf.memory().numTensors).toBeLessThanOrEqual(tensors[0]!);
  }, 120_000);
});
