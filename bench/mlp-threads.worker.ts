// The second thread of bench/mlp-threads.bench.ts: waits for the step word,
// takes the weights from shared memory, computes the gradients of the second
// half of the batch on its own TensorFlow.js (wasm, nnc's kernels), writes
// them and its loss to shared memory, and says it is done.
import { workerData } from 'node:worker_threads';
import { loadTf } from '../src/runtime/backend/index.js';
import { BATCH, BATCHES, CTRL, PARAMS, SIZES, batchOf, gradients, initialWeights, readWeights, type Shared } from './mlp-threads.shared.js';

const shared = workerData as Shared;
const { tf } = await loadTf('wasm');
const ctrl = new Int32Array(shared.ctrl);
const weights = new Float32Array(shared.weights);
const out = new Float32Array(shared.grads);
const v = initialWeights(tf);
const data = Array.from({ length: BATCHES }, (_, b) => batchOf(tf, b));
let seen = 0;
Atomics.store(ctrl, CTRL.done, -1); // ready
Atomics.notify(ctrl, CTRL.done);
for (;;) {
  Atomics.wait(ctrl, CTRL.step, seen);
  if (Atomics.load(ctrl, CTRL.quit) === 1) break;
  seen = Atomics.load(ctrl, CTRL.step);
  readWeights(tf, v, weights);
  const { x, y } = data[(seen - 1) % BATCHES];
  const { loss, grads } = gradients(tf, v, x, y, BATCH / 2, BATCH);
  let offset = 0;
  grads.forEach((g, i) => {
    out.set(g.dataSync() as Float32Array, offset);
    offset += SIZES[i];
  });
  out[PARAMS] = loss.dataSync()[0];
  tf.dispose([loss, ...grads]);
  Atomics.store(ctrl, CTRL.done, seen);
  Atomics.notify(ctrl, CTRL.done);
}
