// 200 restarts in-process (the worker-less driver, so tf.memory() of this
// thread is the one training uses): no tensor and no memory may leak per restart.
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { createInlineDriver } from '../src/runtime/watch/inline-driver.js';
import { createWatcher } from '../src/runtime/watch/watcher.js';
import { learnableProject, removeTempProjects, tempProject, until, write } from './watch-helpers.js';

afterAll(() => removeTempProjects());

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
    try {
      for (let i = 1; i <= 200; i++) {
        // alternate two plans, so every save restarts: odd ones train long and are superseded
        // by the next save mid-training, even ones train one short epoch and complete
        const odd = i % 2 === 1;
        write(dir, 'layers.yaml', files['layers.yaml']!.replace('units: 16, activation', `units: ${odd ? 12 : 16}, activation`));
        write(dir, 'nnc.yaml', files['nnc.yaml']!.replace('epochs: 1', `epochs: ${odd ? 50 : 1}`));
        project.recompile();
        await project.settled();
        if (odd) await until(`run ${i} to start`, () => project.runIds.length === i && project.running(), 10_000, 1);
        else {
          await until(`run ${i} to end`, () => ended.length === i, 10_000, 1);
          tensors.push(tf.memory().numTensors);
          rss.push(process.memoryUsage().rss);
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
    const growth = (rss.at(-1)! - rss[10]!) / 1024 / 1024;
    console.log(`numTensors ${tensors[5]} -> ${tensors.at(-1)}, rss ${(rss[10]! / 1048576).toFixed(0)} -> ${(rss.at(-1)! / 1048576).toFixed(0)} MiB`);
    expect(growth).toBeLessThan(40);
    // every tensor is released on close
    expect(tf.memory().numTensors).toBeLessThanOrEqual(tensors[0]!);
  }, 120_000);
});
