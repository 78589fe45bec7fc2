// Time per kernel: wraps every kernel of the current backend with a timer of
// process CPU time (steadier than wall time on a shared machine; exclusive: a
// kernel that calls another kernel is charged only its own part). What no
// kernel accounts for is engine overhead (tape, tidy, op glue).
import type * as tfjs from '@tensorflow/tfjs';

type Tf = typeof tfjs;

function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

export function profileKernels(tf: Tf): (steps: number, title: string) => string {
  const backend = tf.getBackend();
  const originals = tf.getKernelsForBackend(backend);
  const totals = new Map<string, { ms: number; calls: number }>();
  const stack: number[] = []; // time spent in children of each open kernel
  const started = cpuNow();
  for (const config of originals) {
    const inner = config.kernelFunc;
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({
      ...config,
      kernelFunc: (args) => {
        stack.push(0);
        const t0 = cpuNow();
        const out = inner(args);
        const elapsed = cpuNow() - t0;
        const children = stack.pop()!;
        if (stack.length) stack[stack.length - 1] += elapsed;
        const entry = totals.get(config.kernelName) ?? { ms: 0, calls: 0 };
        entry.ms += elapsed - children;
        entry.calls++;
        totals.set(config.kernelName, entry);
        return out;
      },
    });
  }
  return (steps, title) => {
    const wall = cpuNow() - started;
    for (const config of originals) {
      tf.unregisterKernel(config.kernelName, backend);
      tf.registerKernel(config);
    }
    const kernelMs = [...totals.values()].reduce((s, e) => s + e.ms, 0);
    const rows = [...totals.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 14)
      .map(([name, e]) => `  ${name.padEnd(24)} ${(e.ms / steps).toFixed(3).padStart(8)} ms/step ${(e.calls / steps).toFixed(0).padStart(6)} calls/step`);
    return [
      `profile: ${title}: ${(wall / steps).toFixed(2)} ms/step CPU, ${(kernelMs / steps).toFixed(2)} in kernels, ` +
        `${((wall - kernelMs) / steps).toFixed(2)} outside (engine, tape, JS)`,
      ...rows,
    ].join('\n');
  };
}
