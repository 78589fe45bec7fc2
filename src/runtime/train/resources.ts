// What the training process costs, read at every stats tick: CPU time over
// wall time since the previous read (process.cpuUsage covers every thread, so
// a backend with threads can pass 100%: one core is 100), resident set size
// and the V8 heap in use (the worker's own heap when training runs in a
// worker thread). Stored as the run's `sys.*` metric series.
import type { MetricPoint } from '../store/types.js';
import type { TrainStats } from './types.js';

export interface ResourceUsage {
  /** CPU time / wall time since the previous read, in % of one core */
  readonly cpuPercent: number;
  readonly rssBytes: number;
  readonly heapUsedBytes: number;
}

export interface ResourceMeter {
  read(): ResourceUsage;
}

export function createResourceMeter(now: () => number = () => performance.now()): ResourceMeter {
  let lastCpu = process.cpuUsage();
  let lastTime = now();
  return {
    read() {
      const cpu = process.cpuUsage(lastCpu);
      const time = now();
      const wallMs = time - lastTime;
      lastCpu = process.cpuUsage();
      lastTime = time;
      const memory = process.memoryUsage();
      return {
        cpuPercent: wallMs > 0 ? ((cpu.user + cpu.system) / 1000 / wallMs) * 100 : 0,
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
      };
    },
  };
}

/** The store's names for the resource series of a run (metrics rows, one per stats tick). */
export const RESOURCE_SERIES = {
  cpu: 'sys.cpu_percent',
  rss: 'sys.rss',
  heap: 'sys.heap_used',
  tensors: 'sys.tensors',
  tensorBytes: 'sys.tensor_bytes',
  throughput: 'sys.samples_per_second',
} as const;

/** A stats tick's resource figures as metric points ("lr" is stored beside them with the losses). */
export function resourcePoints(stats: TrainStats): MetricPoint[] {
  const at = (name: string, value: number): MetricPoint => ({ step: stats.step, epoch: stats.epoch, name, value });
  const points = [
    at(RESOURCE_SERIES.tensors, stats.memory.numTensors),
    at(RESOURCE_SERIES.tensorBytes, stats.memory.numBytes),
    at(RESOURCE_SERIES.throughput, stats.samplesPerSecond),
  ];
  const r = stats.resources;
  if (r) points.push(at(RESOURCE_SERIES.cpu, r.cpuPercent), at(RESOURCE_SERIES.rss, r.rssBytes), at(RESOURCE_SERIES.heap, r.heapUsedBytes));
  return points;
}
