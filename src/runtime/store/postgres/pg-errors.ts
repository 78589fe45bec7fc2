// PostgreSQL's and the network's errors as StoreErrors: one sentence naming
// the store by its redacted URL and saying what to do, never the password.
import { StoreError, isStoreError } from '../store-error.js';
import { PostgresError } from './sync-client.js';

/** The URL with its password replaced by *** (the user is kept), for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/pass/i.test(key)) u.searchParams.set(key, '***');
    return u.toString().replace(/%2A%2A%2A/g, '***');
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@');
  }
}

/** Removes the password from text PostgreSQL or node-postgres wrote, should it ever hold it. */
function scrub(text: string, url: string): string {
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // not a URL: nothing to take out
  }
  const secrets = [password, process.env.PGPASSWORD ?? ''].filter((s) => s.length >= 3);
  let out = text.split(url).join(redactUrl(url));
  for (const secret of secrets) out = out.split(secret).join('***');
  return out.replace(/\.$/, '');
}

function hostOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname || process.env.PGHOST || 'localhost'}:${u.port || process.env.PGPORT || '5432'}`;
  } catch {
    return 'its host';
  }
}

/** The StoreError for an error from PostgreSQL; null for anything else (a bug). */
export function postgresStoreError(error: unknown, url: string): StoreError | null {
  if (isStoreError(error)) return error;
  if (!(error instanceof PostgresError)) return null;
  const where = `'${redactUrl(url)}'`;
  const reason = scrub(error.message, url);
  switch (error.code) {
    case 'ECONNREFUSED':
      return new StoreError(`Cannot reach the run store ${where}: nothing accepts connections at ${hostOf(url)} (${reason}). Start PostgreSQL there, or fix the host and port in --store / NNC_STORE.`, redactUrl(url), 'io');
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new StoreError(`Cannot reach the run store ${where}: the host is unknown (${reason}). Fix the host name in --store / NNC_STORE.`, redactUrl(url), 'io');
    case 'ETIMEDOUT':
    case 'timeout':
      return new StoreError(`The run store ${where} did not answer (${reason}). Check that PostgreSQL runs and the network lets this machine reach it.`, redactUrl(url), 'io');
    case '28P01':
    case '28000':
      return new StoreError(`PostgreSQL refused the login to the run store ${where} (${reason}). Check the user and password in the URL or in PGUSER / PGPASSWORD (or ~/.pgpass); nothing was changed.`, redactUrl(url), 'io');
    case '3D000':
      return new StoreError(`The run store ${where} names a database that does not exist (${reason}). Create it (createdb <name>) or name an existing one in the URL.`, redactUrl(url), 'io');
    case '42501':
      return new StoreError(`The run store ${where} refused this user (${reason}). Grant the user the rights nnc needs (GRANT CREATE ON DATABASE <db> TO <user>, or on the schema nnc), or connect as the store's owner; nothing was changed.`, redactUrl(url), 'readonly');
    case '53100':
      return new StoreError(`The disk of the run store ${where} is full (${reason}). Free some space on the server; what was stored before is kept.`, redactUrl(url), 'full');
    case '53300':
      return new StoreError(`The run store ${where} has no free connection (${reason}). Close other clients or raise max_connections.`, redactUrl(url), 'locked');
    case 'closed':
      return new StoreError(`The connection to the run store ${where} is closed (${reason}); nothing more is written. Run the command again.`, redactUrl(url), 'io');
    default:
      return new StoreError(`The run store ${where} failed: ${reason}${error.code ? ` (${error.code})` : ''}.`, redactUrl(url), 'io');
  }
}
