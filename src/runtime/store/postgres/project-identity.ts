// Which project of a shared store a folder is: the name its Project document
// gives, and the folder's git remote (origin) when there is one, so every
// clone of one repository writes to one project while two unrelated folders
// that happen to share a name without a remote share it too (say so in the
// README). Credentials in a remote URL are never kept.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export interface ProjectIdentity {
  readonly name: string;
  /** the git remote 'origin' without credentials, or '' */
  readonly remote: string;
}

/** The name of the folder's Project document, or the folder's name when none can be read. */
export function projectNameOf(dir: string): string {
  const folder = basename(resolve(dir));
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort();
  } catch {
    return folder;
  }
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch {
      continue;
    }
    if (!/^kind:\s*Project\b/m.test(text)) continue;
    for (const doc of parseAllDocuments(text)) {
      if (!('toJS' in doc)) continue;
      let value: { kind?: unknown; name?: unknown } | null;
      try {
        value = doc.toJS() as { kind?: unknown; name?: unknown } | null;
      } catch {
        continue; // a document that does not parse: the compiler reports it; the folder's name stands in
      }
      if (value?.kind === 'Project' && typeof value.name === 'string' && value.name !== '') return value.name;
    }
  }
  return folder;
}

/** A remote URL without user and password (https://user:token@host/x -> https://host/x). */
export function withoutCredentials(remote: string): string {
  const trimmed = remote.trim();
  try {
    const u = new URL(trimmed);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    // scp-like git@host:path has no secret beyond the user name
    return trimmed;
  }
}

export function gitRemoteOf(dir: string): string {
  let inside = false;
  for (let at = resolve(dir); ; at = dirname(at)) {
    if (existsSync(join(at, '.git'))) inside = true;
    if (inside || dirname(at) === at) break;
  }
  if (!inside) return '';
  try {
    const out = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000, windowsHide: true });
    return withoutCredentials(out);
  } catch {
    return '';
  }
}

export function projectIdentity(dir: string): ProjectIdentity {
  return { name: projectNameOf(dir), remote: gitRemoteOf(dir) };
}
