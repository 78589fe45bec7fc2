// The shared store the queue commands need (nnc worker, train --queue,
// sweep --queue): a postgres:// URL from --store or NNC_STORE, and errors
// with the password taken out.
import { UserError } from './command.js';

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The --store value, else NNC_STORE; a UserError when neither is a PostgreSQL URL. */
export function sharedStoreUrl(flag: unknown, what: string): string {
  const value = typeof flag === 'string' && flag !== '' ? flag : process.env.NNC_STORE;
  if (!value) throw new UserError(`'${what}' needs a shared store: give '--store postgres://user@host/db' or set NNC_STORE (README.md, "Team store").`);
  if (!isPostgresUrl(value)) throw new UserError(`'${what}' needs a PostgreSQL store (postgres://…); '--store' / NNC_STORE names something else. A queue lives in PostgreSQL: README.md, "Team store", says how to start one.`);
  return value;
}

/** An error's message with the URL's password (and PGPASSWORD) replaced by ***. */
export function printableError(error: unknown, url: string): string {
  let text = error instanceof Error ? error.message : String(error);
  let password = '';
  try {
    password = decodeURIComponent(new URL(url).password);
  } catch {
    // not a URL
  }
  for (const secret of [password, process.env.PGPASSWORD ?? '']) if (secret.length >= 3) text = text.split(secret).join('***');
  return text.replace(/\.$/, '');
}
