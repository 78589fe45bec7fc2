// How the benchmarks start PyTorch: its own process, with OpenBLAS left to
// pick its kernels for this CPU (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE,
// which this machine's environment sets, removed from PyTorch's environment
// only), and optionally one fixed thread count for OpenBLAS and OpenMP.
import { spawnSync } from 'node:child_process';

const PYTHONS = ['python3', '/usr/bin/python3'];

/** PyTorch's environment: this process's, less OpenBLAS' core type and cache size; `threads` fixes OpenBLAS' and OpenMP's thread counts. */
export function torchEnv(threads: number | null): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  if (threads !== null) {
    env.OPENBLAS_NUM_THREADS = String(threads);
    env.OMP_NUM_THREADS = String(threads);
  }
  return env;
}

/** The first python that imports torch, or null. */
export function findPython(): string | null {
  for (const python of PYTHONS) {
    const r = spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8', env: torchEnv(null) });
    if (r.status === 0) return python;
  }
  return null;
}
