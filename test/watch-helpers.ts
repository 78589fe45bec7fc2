// Shared by the watch and server tests: temporary projects, a real WebSocket
// client that records every message, and small waits.
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import WebSocket from 'ws';
import type { BatchFrame, ServerMessage } from '../src/shared/protocol.js';
import { textProject } from './helpers/text-project.js';

export const TINY = join(import.meta.dirname, 'fixtures', 'tiny');

/** A small text-classification project, written inline (used where the tiny fixture is not needed). */
export const DEMO: Record<string, string> = textProject({
  settings: 'training:\n  epochs: 2\n  batchSize: 4\n',
  samples: [
    '{input: "a great movie", label: 1}',
    '{input: "the plot was awful", label: 0}',
    '{input: "great acting and a great plot", label: 1}',
    '{input: "awful and boring", label: 0}',
    '{input: "i loved it", label: 1}',
    '{input: "i hated it", label: 0}',
  ],
});

/**
 * A project that learns in a couple of seconds: reviews built from a few good
 * and bad words, labelled by which kind is in the majority. Deterministic.
 */
export function learnableProject(options: { epochs?: number; samples?: number } = {}): Record<string, string> {
  const good = ['great', 'good', 'fine', 'lovely', 'superb', 'fun', 'moving', 'clever'];
  const bad = ['awful', 'bad', 'dull', 'boring', 'weak', 'silly', 'flat', 'messy'];
  const fill = ['the', 'movie', 'was', 'and', 'plot', 'acting', 'a', 'very'];
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = (list: string[]) => list[Math.floor(rand() * list.length)]!;
  const samples: string[] = [];
  for (let i = 0; i < (options.samples ?? 240); i++) {
    const positive = i % 2 === 0;
    const words = [pick(fill), pick(fill), pick(positive ? good : bad), pick(fill), pick(positive ? good : bad), pick(positive ? bad : good), pick(fill)];
    samples.push(`{input: "${words.join(' ')}", label: ${positive ? 1 : 0}}`);
  }
  const settings = `training:
  seed: 3
  epochs: ${options.epochs ?? 6}
  batchSize: 16
  learningRate: 0.02
  validationSplit: 0.25
monitor:
  weightsEvery: 10
`;
  return textProject({ name: 'learn', settings, units: 16, samples });
}

const made: string[] = [];

/** A fresh temporary folder holding `files` (or a copy of a fixture folder). */
export function tempProject(files: Record<string, string> | string = DEMO): string {
  const root = mkdtempSync(join(tmpdir(), 'nnc-watch-'));
  made.push(root);
  const dir = join(root, 'project');
  if (typeof files === 'string') cpSync(files, dir, { recursive: true, filter: (src) => !src.includes(`${join(files, '.nnc')}`) });
  else for (const [rel, text] of Object.entries(files)) write(dir, rel, text);
  return dir;
}

export function removeTempProjects(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function write(dir: string, rel: string, text: string): void {
  const path = join(dir, rel);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** How editors like vim and VS Code save: write a temporary file beside it, then rename it over the original. */
export function atomicWrite(dir: string, rel: string, text: string, n = 0): void {
  const path = join(dir, rel);
  const temp = join(dirname(path), `.${rel.split('/').pop()}.${process.pid}.${n}.tmp`);
  writeFileSync(temp, text);
  renameSync(temp, path);
}

export function remove(dir: string, rel: string): void {
  const path = join(dir, rel);
  if (existsSync(path)) rmSync(path);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function until<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 10_000, everyMs = 10): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}.`);
    await sleep(everyMs);
  }
}

export interface Received {
  readonly message: ServerMessage;
  /** performance.now() when it arrived */
  readonly at: number;
}

export interface TestClient {
  readonly messages: Received[];
  of<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>>;
  /** resolves with the first message after index `from` matching `match` */
  next<T extends ServerMessage['type']>(type: T, match?: (m: Extract<ServerMessage, { type: T }>) => boolean, from?: number, timeoutMs?: number): Promise<Extract<ServerMessage, { type: T }>>;
  close(): void;
}

/** A WebSocket client on /ws (path 'ws?batch=1' for batch frames, which it unpacks). */
export async function connect(url: string, headers: Record<string, string> = {}, path = 'ws'): Promise<TestClient> {
  const ws = new WebSocket(url.replace(/^http/, 'ws') + path, { headers });
  const messages: Received[] = [];
  ws.on('message', (data) => {
    const at = performance.now();
    const frame = JSON.parse(String(data)) as ServerMessage | BatchFrame;
    for (const message of frame.type === 'batch' ? frame.messages : [frame]) messages.push({ message, at });
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused with ${res.statusCode}`)));
  });
  const of = <T extends ServerMessage['type']>(type: T) =>
    messages.map((r) => r.message).filter((m): m is Extract<ServerMessage, { type: T }> => m.type === type);
  const next = <T extends ServerMessage['type']>(
    type: T,
    match: (m: Extract<ServerMessage, { type: T }>) => boolean = () => true,
    from = 0,
    timeoutMs = 15_000,
  ): Promise<Extract<ServerMessage, { type: T }>> =>
    until(
      `a '${type}' message`,
      () => messages.slice(from).map((r) => r.message).find((m): m is Extract<ServerMessage, { type: T }> => m.type === type && match(m as Extract<ServerMessage, { type: T }>)),
      timeoutMs,
      5,
    );
  return {
    messages,
    of,
    next,
    close() {
      ws.terminate();
    },
  };
}
