// PyTorch on the benchmark models (bench/torch_models.py), as a long-lived
// child process: one JSON line per measurement, in the same run as nnc's.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { torchEnv } from './torch-env.js';

/** samples/s by wall clock and by CPU time; null when the configuration cannot train. */
export interface TorchMeasure {
  wall: number | null;
  cpu: number | null;
  note: string;
}

export interface Torch {
  readonly note: string;
  readonly threads: number;
  readonly cores: number;
  measure(model: string, threads: number): Promise<TorchMeasure>;
  close(): void;
}

export async function startTorch(): Promise<Torch | string> {
  for (const python of ['python3', '/usr/bin/python3']) {
    let child: ChildProcessWithoutNullStreams;
    try {
      // OpenBLAS picks its own kernels (torch-env.ts); the long-lived child answers between nnc's measurements
      child = spawn(python, ['bench/torch_models.py', '--serve'], { env: torchEnv(null) });
    } catch {
      continue;
    }
    child.on('error', () => {});
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    if (first.done) continue; // this python cannot import torch
    const info = JSON.parse(first.value as string) as { threads: number; cores: number; version: string };
    return {
      note: `PyTorch ${info.version} (${python}), default ${info.threads} thread(s)`,
      threads: info.threads,
      cores: info.cores,
      async measure(model, threads) {
        child.stdin.write(`${threads}\t${model}\n`);
        const reply = await lines.next();
        if (reply.done) return { wall: null, cpu: null, note: 'torch exited' };
        const { wall, cpu } = JSON.parse(reply.value as string) as { wall: number; cpu: number };
        return { wall, cpu, note: '' };
      },
      close: () => child.stdin.end(),
    };
  }
  return 'PyTorch not available (python3 cannot import torch)';
}
