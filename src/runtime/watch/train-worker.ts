// The training worker's entry (bundled as dist/train-worker.js). One per
// project: loads TensorFlow.js once, opens its own connection to the run store
// (SQLite WAL allows several), then runs what the main thread asks, one run at
// a time. A 'stop' aborts the run's signal; the loop ends after its current
// step and writes a checkpoint, then the worker answers 'idle'. 'close' ends
// the worker by letting its event loop drain (no process.exit).
import { parentPort, workerData } from 'node:worker_threads';
import type { DriverCommand, DriverEvent, EndStatus } from './driver.js';
import type { WorkerData } from './worker-driver.js';
import { createSessionHost } from '../session/host.js';
import { activatePlanPlugins } from '../../compiler/plugins/runtime-plugins.js';

const port = parentPort!;
const data = workerData as WorkerData;
const post = (event: DriverEvent) => port.postMessage(event);

const host = createSessionHost({ projectDir: data.projectDir, backend: data.backend, post });

port.on('message', (command: DriverCommand) => {
  switch (command.type) {
    case 'start': {
      // the worker compiles nothing: the plan's plugins are loaded here for emit (a failure fails the run with its sentence)
      const failed = activatePlanPlugins(command.request.plan, data.projectDir);
      if (failed) console.error(failed);
      host.start(command.request);
      return;
    }
    case 'stop':
      host.stop(command.status as EndStatus);
      return;
    case 'close':
      void host.close().then(() => port.close());
      return;
  }
});
