// How messages name data and values: "'units' in layer 'hidden'",
// "item 2 of 'classes' in head 'mood'", "the string \"64\"", "'a', 'b' or 'c'".
import type { PathSegment } from '../load.js';

/** How to name things in messages: the root (document or external record) and the data. */
export interface Subject {
  readonly root: unknown;
  /** 'the Layers document', or 'record 12' for one external sample */
  readonly rootLabel: string;
}

export const NAME_PATTERN = '^[a-z][a-z0-9_]*$';

const ITEM_NOUNS: Record<string, string> = { layers: 'layer', heads: 'head', samples: 'sample' };

/** The JSON pointer of an ajv error as keys and indexes. */
export function dataPath(root: unknown, pointer: string): PathSegment[] {
  const path: PathSegment[] = [];
  let node = root;
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.includes('~') ? raw.replace(/~1/g, '/').replace(/~0/g, '~') : raw;
    const segment: PathSegment = Array.isArray(node) && /^\d+$/.test(part) ? Number(part) : part;
    path.push(segment);
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return path;
}

export function pointerOf(path: readonly PathSegment[]): string {
  return path.map((segment) => `/${String(segment).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

/** Where the named item (a layer, head, sample or category) of a path ends, or 0. */
function itemDepth(path: readonly PathSegment[]): number {
  if (path.length >= 2 && typeof path[0] === 'string' && typeof path[1] === 'number' && ITEM_NOUNS[path[0]]) return 2;
  if (path.length >= 2 && path[0] === 'categories') return 2;
  return 0;
}

function itemName(path: readonly PathSegment[], subject: Subject): string {
  if (path[0] === 'categories') return `category '${String(path[1])}'`;
  const noun = ITEM_NOUNS[path[0] as string];
  const name = (valueAt(subject.root, path) as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' && name !== '' ? `${noun} '${name}'` : `${noun} ${(path[1] as number) + 1}`;
}

/** The object at `path`, as the owner of a key: "layer 'hidden'", "'training.schedule'", "the Project document". */
export function ownerOf(path: readonly PathSegment[], subject: Subject): string {
  if (path.length === 0) return subject.rootLabel;
  if (itemDepth(path) === path.length) return itemName(path, subject);
  return labelOf(path, subject);
}

/** The value at `path`, as the subject of a sentence: "'units' in layer 'hidden'", "item 2 of 'classes' in head 'mood'". */
export function labelOf(path: readonly PathSegment[], subject: Subject): string {
  if (path.length === 0) return subject.rootLabel;
  const depth = itemDepth(path);
  if (depth === path.length) return itemName(path, subject);
  const rest = path.slice(depth);
  const last = rest[rest.length - 1];
  const where = depth > 0 ? ` in ${itemName(path.slice(0, depth), subject)}` : subject.rootLabel.startsWith('the ') ? '' : ` in ${subject.rootLabel}`;
  if (typeof last === 'number') {
    const of = rest.length > 1 ? `'${rest.slice(0, -1).join('.')}'${where}` : depth > 0 ? itemName(path.slice(0, depth), subject) : subject.rootLabel;
    return `item ${last + 1} of ${of}`;
  }
  return `'${rest.join('.')}'${where}`;
}

/** A valid name close to an invalid one: 'Hidden Layer' -> 'hidden_layer'. */
export function nameFor(text: string): string | undefined {
  const name = text
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .replace(/^[^a-z]+/, '')
    .replace(/_+/g, '_')
    .replace(/_$/, '');
  return name && name !== text && new RegExp(NAME_PATTERN).test(name) ? name : undefined;
}

export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'string') return `the string ${JSON.stringify(clip(value))}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return 'a list';
  return 'a mapping';
}

export function show(value: unknown): string {
  if (typeof value === 'string') return `'${clip(value)}'`;
  if (value === null || value === undefined) return 'empty';
  if (typeof value === 'object') return Array.isArray(value) ? 'a list' : 'a mapping';
  return String(value);
}

/** A value as YAML flow text, for "for example 'units: 64'". */
export function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}: ${flow(v)}`).join(', ')}}`;
  if (typeof value === 'string' && !/^[\w./-]+$/.test(value)) return JSON.stringify(value);
  return String(value);
}

export function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

export function list(items: readonly unknown[], conjunction: 'and' | 'or', quote = true): string {
  const words = items.map((item) => (quote ? `'${String(item)}'` : String(item)));
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} ${conjunction} ${words[words.length - 1]}`;
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

export function cap(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
