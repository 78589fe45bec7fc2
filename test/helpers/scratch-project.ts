// Scratch folders under test/.tmp, and fixture projects copied into them
// without their .nnc store, for tests that run the CLI on a project of their own.
import { cpSync, mkdirSync, mkdtempSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** A new folder test/.tmp/<prefix>XXXXXX (absolute). */
export function scratchDir(prefix: string): string {
  mkdirSync('test/.tmp', { recursive: true });
  return mkdtempSync(join(resolve('test/.tmp'), prefix));
}

/** test/fixtures/<name> copied to `to`, leaving out any .nnc store; returns `to`. */
export function copyFixture(name: string, to: string): string {
  cpSync(join('test/fixtures', name), to, { recursive: true, filter: (src) => !src.includes('/.nnc') });
  return to;
}
