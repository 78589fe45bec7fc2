// What the server accepts before it looks at a request: the request target as
// a URL path, and the Host and Origin names. Nothing here throws: a target
// that is not a URL, a Host that is not a host and an Origin that is not an
// origin are answers (null, false), and the server turns them into 400/403.
//
// DNS rebinding: a web page on a name of its own that resolves to 127.0.0.1
// reaches a loopback server with that name in Host and Origin. Names are
// therefore compared as literals (vite's server.allowedHosts, webpack-dev-server's
// allowedHosts): localhost, 127.0.0.0/8 as a dotted IPv4 address, [::1], the
// address the server was bound to, and names the caller allows. A name that
// merely starts with "127." is a DNS name like any other.
import { isIPv4, isIPv6 } from 'node:net';
import { hostname as machineName } from 'node:os';

/** The base request paths are resolved against; never seen outside this module. */
const BASE = 'http://viewer.local';
const ABSOLUTE = /^[a-z][a-z0-9+.-]*:\/\//i;
const WEB_SCHEMES = new Set(['http:', 'https:', 'ws:', 'wss:']);

/** A Host or an Origin's host, split into a lower-case name ([::1] keeps its brackets) and a port. */
export interface Authority {
  readonly name: string;
  readonly port: number | null;
}

export type TargetAnswer =
  | { readonly ok: true; readonly url: URL; /** the authority of an absolute-form target, which stands for Host (RFC 9112 3.2.2) */ readonly authority: string | null }
  | { readonly ok: false; readonly error: string };

/** At most 80 characters of something a client sent, for a message. */
export function shown(text: string): string {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 80 ? `${clean.slice(0, 77)}...` : clean;
}

/**
 * The request target as a URL: origin-form (`/api/runs?limit=5`) or
 * absolute-form (`http://127.0.0.1:8000/ws`). Anything else (`*`,
 * `host:port`, an absolute URL with a bad port or host) is an error.
 */
export function parseTarget(raw: string | undefined): TargetAnswer {
  const target = raw ?? '';
  const bad = (why: string): TargetAnswer => ({ ok: false, error: `The request target '${shown(target)}' ${why}.` });
  if (target.startsWith('/')) {
    try {
      // appended, not resolved: '//evil/x' stays a path instead of naming a host
      return { ok: true, url: new URL(BASE + target), authority: null };
    } catch {
      return bad('is not a valid URL path');
    }
  }
  if (!ABSOLUTE.test(target)) return bad("is not a path starting with '/' or an absolute http:// URL");
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return bad('is not a valid URL');
  }
  if (!WEB_SCHEMES.has(url.protocol)) return bad('is not an http:// or ws:// URL');
  if (url.username || url.password) return bad('carries a user name or password');
  return { ok: true, url: new URL(BASE + url.pathname + url.search), authority: url.host };
}

/** `name[:port]` as in a Host header; null when it is not one. */
export function parseAuthority(value: string): Authority | null {
  const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._~-]+)(?::(\d{1,5}))?$/i.exec(value);
  if (!m) return null;
  const port = m[2] === undefined ? null : Number(m[2]);
  // Stryker disable next-line ConditionalExpression: equivalent, null > 65535 is false
  if (port !== null && port > 65535) return null;
  let name = m[1]!.toLowerCase();
  if (name.startsWith('[')) {
    const inner = name.slice(1, -1);
    if (!isIPv6(inner)) return null;
    name = `[${normalizeIPv6(inner)}]`;
  }
  return { name, port };
}

function normalizeIPv6(address: string): string {
  try {
    return new URL(`http://[${address}]/`).hostname.slice(1, -1);
    // Stryker disable next-line BlockStatement: unreachable, callers pass addresses isIPv6 accepted
  } catch {
    return address;
  }
}

/** A bind address or a Host name that is this machine's loopback: localhost, 127.x.y.z (dotted IPv4), ::1. */
export function isLoopbackName(name: string): boolean {
  const n = name.toLowerCase();
  if (n === 'localhost') return true;
  if (isIPv4(n)) return n.startsWith('127.');
  // Stryker disable next-line LogicalOperator,StringLiteral: equivalent, a name with one bracket is no IPv6 address either way
  const inner = n.startsWith('[') && n.endsWith(']') ? n.slice(1, -1) : n;
  return isIPv6(inner) && normalizeIPv6(inner) === '::1';
}

const isWildcard = (host: string) => host === '0.0.0.0' || host === '::' || host === '[::]';

/**
 * Which names a server bound to `bindHost` answers to. A loopback server:
 * loopback literals only. A server bound to one address: that one too. A
 * server bound to every address (0.0.0.0, ::): any IP address literal (an
 * address needs no DNS, so it cannot be rebound) and this machine's name.
 * `extra` names are allowed as well.
 */
// Stryker disable next-line ArrayDeclaration: equivalent, the default only feeds a loop
export function createNamePolicy(bindHost: string, extra: readonly string[] = []): (name: string) => boolean {
  const allowed = new Set<string>();
  const add = (host: string) => {
    const authority = parseAuthority(isIPv6(host) ? `[${host}]` : host);
    if (authority) allowed.add(authority.name);
  };
  for (const name of extra) add(name);
  const wildcard = isWildcard(bindHost);
  if (wildcard) add(machineName());
  else if (
    // Stryker disable next-line ConditionalExpression: equivalent, a loopback bind address is answered as a loopback name already (here, not before the else, so Stryker attaches it to the condition)
    !isLoopbackName(bindHost)
  )
    add(bindHost);
  return (name) => {
    if (isLoopbackName(name) || allowed.has(name)) return true;
    // Stryker disable next-line StringLiteral: equivalent, parseAuthority gives IPv6 names in brackets only
    return wildcard && (isIPv4(name) || (name.startsWith('[') && isIPv6(name.slice(1, -1))));
  };
}

export type HostAnswer = { readonly ok: true } | { readonly ok: false; readonly status: 400 | 403; readonly error: string };

/** The Host header (or an absolute-form target's authority) against the policy. */
export function checkHost(value: string | undefined, allowedName: (name: string) => boolean): HostAnswer {
  if (value === undefined || value === '') {
    return { ok: false, status: 400, error: 'The request has no Host header; HTTP/1.1 requires one (send Host: 127.0.0.1:<port>).' };
  }
  const authority = parseAuthority(value);
  if (!authority) return { ok: false, status: 400, error: `The Host header '${shown(value)}' is not a host name or address with an optional port.` };
  if (!allowedName(authority.name)) {
    return {
      ok: false,
      status: 403,
      error: `This server answers to localhost, 127.0.0.1 and [::1] (and the address it was started on), not to '${shown(authority.name)}': a name that resolves here could be a DNS-rebinding page. Open the viewer at http://127.0.0.1:<port>/.`,
    };
  }
  return { ok: true };
}

/**
 * A browser page on another site must not read the live stream: an upgrade
 * with an Origin is accepted only when the Origin is an allowed name and
 * either is the Host the request was sent to, or a loopback name for the same
 * port on a loopback Host. Requests without an Origin are not from a browser page.
 * Without `allowedName`, a name equal to the Host is trusted (the caller checked the Host).
 */
export function checkOrigin(origin: string | undefined, hostHeader: string | undefined, port: number, allowedName?: (name: string) => boolean): boolean {
  if (origin === undefined) return true; // not a browser (curl, a test client, another tool)
  const m = /^(https?):\/\/([^/?#]+)$/i.exec(origin.replace(/\/$/, ''));
  if (!m) return false;
  const authority = parseAuthority(m[2]!);
  if (!authority || (allowedName && !allowedName(authority.name))) return false;
  const defaultPort = m[1]!.toLowerCase() === 'https' ? 443 : 80;
  const originPort = authority.port ?? defaultPort;
  const host = hostHeader === undefined ? null : parseAuthority(hostHeader);
  if (host && host.name === authority.name && (host.port ?? defaultPort) === originPort) return true;
  return isLoopbackName(authority.name) && originPort === port && (host === null || isLoopbackName(host.name));
}
