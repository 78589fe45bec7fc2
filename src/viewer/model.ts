// The viewer's own shapes for what the GET API returns. The API's JSON is
// normalized into these (api.ts) so the tabs do not depend on its details.

export interface TokenRow {
  readonly text: string;
  readonly id: number | null;
  /** occurrences in the datasets, when the server counts them */
  readonly count: number | null;
}

export interface TokenCategory {
  readonly name: string;
  readonly tokens: readonly TokenRow[];
}

export interface TokensView {
  readonly categories: readonly TokenCategory[];
  readonly size: number;
  readonly file: string | null;
}

export interface LayerRow {
  readonly name: string;
  readonly type: string;
  readonly inputShape: readonly number[] | null;
  readonly outputShape: readonly number[];
  readonly params: number;
  readonly config: Readonly<Record<string, unknown>>;
  readonly file: string;
  readonly line: number;
}

export interface HeadRow {
  readonly name: string;
  readonly attach: string;
  readonly task: string;
  readonly loss: string;
  readonly outputShape: readonly number[];
  readonly params: number;
  readonly classes: readonly string[];
  readonly weight: number | null;
  readonly file: string;
  readonly line: number;
}

export interface DatasetRow {
  readonly name: string;
  readonly type: string;
  readonly head: string;
  readonly count: number;
  readonly trainCount: number | null;
  readonly validationCount: number | null;
  readonly validationSplit: number | null;
  readonly source: string | null;
  readonly file: string | null;
  readonly samples: ReadonlyArray<Readonly<Record<string, unknown>>>;
}

export interface Totals {
  readonly params: number;
  readonly weightBytes: number;
}

export type ConnectionState =
  | { readonly state: 'connecting'; readonly attempt: number }
  | { readonly state: 'open' }
  | { readonly state: 'closed'; readonly attempt: number; readonly retryAt: number };
