// The viewer bundle (dist/viewer/) as static files. A request path is resolved
// inside the bundle folder and refused when it (or a link in it) leads outside.
import { createReadStream, realpathSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, relative, resolve, sep, isAbsolute } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/** The file a URL path names inside `root`, or null when it is outside, missing or not a file. */
export function resolveStatic(root: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const base = resolve(root);
  const wanted = resolve(base, '.' + sep + (decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^[/\\]+/, '')));
  if (!inside(base, wanted)) return null;
  try {
    const real = realpathSync(wanted);
    if (!inside(realpathSync(base), real)) return null;
    return statSync(real).isFile() ? real : null;
  } catch {
    return null;
  }
}

export function hasBundle(root: string): boolean {
  return resolveStatic(root, '/index.html') !== null;
}

export function sendFile(res: ServerResponse, file: string, head: boolean): void {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    // removed since it was resolved (a rebuild under way)
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(head ? undefined : 'Not found.\n');
    return;
  }
  res.writeHead(200, {
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': size,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
  });
  if (head) {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Served when dist/viewer/ holds no index.html: says how to build the viewer and where the API is. */
export function fallbackPage(bundleDir: string, projects: readonly string[]): string {
  const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
  const links = projects.map((p) => `<li>${esc(p)}: <a href="/api/layers?project=${encodeURIComponent(p)}">layers</a>, <a href="/api/runs?project=${encodeURIComponent(p)}">runs</a>, <a href="/api/diagnostics?project=${encodeURIComponent(p)}">diagnostics</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>nnc</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:44rem;margin:3rem auto;padding:0 1rem}code{background:#eee;padding:0 .2em}pre{background:#f6f6f6;padding:.5rem;max-height:20rem;overflow:auto}</style></head>
<body><h1>nnc</h1>
<p>The viewer is not built: there is no <code>${esc(join(bundleDir, 'index.html'))}</code>. Run <code>npm run build</code> and reload.</p>
<p>The JSON API works meanwhile: <a href="/api/projects">/api/projects</a></p><ul>${links}</ul>
<p>Live messages from <code>/ws</code>:</p><pre id="log"></pre>
<script>
const log = document.getElementById('log');
const ws = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws');
ws.onmessage = (e) => { const m = JSON.parse(e.data); log.textContent = (m.type + ' ' + e.data.slice(0, 160) + '\\n' + log.textContent).slice(0, 20000); };
</script></body></html>
`;
}
