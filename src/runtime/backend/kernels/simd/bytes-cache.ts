// The SIMD module's bytes, remembered between processes: assembling them in
// JavaScript takes ~50-130 ms of every start-up (cold code building many small
// arrays), compiling them ~10 ms. The bytes depend only on nnc's own code, so
// they are kept per build of nnc (the key is this file's path, size and
// modification time: a rebuild or another version writes new ones; files no
// build used for a month are removed) in $NNC_CACHE_DIR, else $XDG_CACHE_HOME/nnc, else ~/.cache/nnc.
// Each file carries a SHA-256 of its bytes; a file that does not match, or any
// failure to read or write, falls back to assembling. NNC_CACHE=0 turns it off.
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAX_BYTES = 1 << 20;
const STALE_MS = 30 * 24 * 3600 * 1000;

function cacheDir(): string | null {
  if (process.env.NNC_CACHE === '0') return null;
  if (process.env.NNC_CACHE_DIR) return process.env.NNC_CACHE_DIR;
  try {
    return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'nnc');
  } catch {
    return null;
  }
}

function buildKey(): string {
  let id = import.meta.url;
  try {
    const s = statSync(fileURLToPath(import.meta.url));
    id += `:${s.size}:${s.mtimeMs}`;
  } catch {
    // not a file (bundled in memory): the URL alone
  }
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}

const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest();

/** `make()`'s bytes, from the cache when this build wrote them before (name: what they are, e.g. 'simd-fma'). */
export function cachedBytes(name: string, make: () => Uint8Array): Uint8Array {
  const dir = cacheDir();
  if (!dir) return make();
  const file = join(dir, `${name}-${buildKey()}.bin`);
  try {
    if (lstatSync(file).isFile()) {
      const stored = readFileSync(file);
      if (stored.length > 32 && stored.length <= MAX_BYTES) {
        const bytes = new Uint8Array(stored.buffer, stored.byteOffset + 32, stored.length - 32);
        if (digest(bytes).equals(stored.subarray(0, 32))) return bytes;
      }
    }
  } catch {
    // missing or unreadable: assemble
  }
  const bytes = make();
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    // other builds' files of this name go after a month unused (several builds may be in use at once: a
    // checkout and an installed nnc; removing them at once would have each throw the other's away)
    for (const old of readdirSync(dir)) {
      if (!old.startsWith(`${name}-`) || !old.endsWith('.bin')) continue;
      const path = join(dir, old);
      if (Date.now() - statSync(path).atimeMs > STALE_MS && Date.now() - statSync(path).mtimeMs > STALE_MS) rmSync(path, { force: true });
    }
    const temp = `${file}.${process.pid}.tmp`;
    writeFileSync(temp, Buffer.concat([digest(bytes), bytes]), { mode: 0o600 });
    renameSync(temp, file);
  } catch {
    // a read-only home: assemble every time
  }
  return bytes;
}
