// Viewer server cases the mutation run of the server area
// (`npm run mutate -- server`) found unpinned: a write to a server that
// serves no project yet.
import { request } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createViewerServer, type ViewerServer } from '../src/runtime/server/server.js';

const servers: ViewerServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const s of servers) await s.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
function bundle(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnc-bundle-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>nnc</title>');
  return dir;
}
function post(port: number, path: string): Promise<{ status: number; allow: unknown; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', headers: { host: `127.0.0.1:${port}` } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, allow: res.headers.allow, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
describe('viewer server', () => {
  it('a write to the page of a server with no project yet is the read-only 405, not a failure', async () => {
    const s = await createViewerServer({ projects: [], bundleDir: bundle(), port: 0 });
    servers.push(s);
    const answer = await post(s.port, '/');
    expect([answer.status, answer.allow]).toEqual([405, 'GET, HEAD']);
    expect(JSON.parse(answer.body)).toEqual({ error: expect.stringMatching(/^The viewer is read-only, so POST \/ is not allowed\. /) });
  });

});
