// The small project every catalogue example changes: the same files as the
// test suite's base project (test/helpers/text-project.ts), written here so
// that the documentation shows what the examples start from.
export const EXAMPLE_PROJECT: Readonly<Record<string, string>> = {
  'nnc.yaml': 'apiVersion: nnc/v1\nkind: Project\nname: demo\ninput:\n  type: text\n  maxLength: 8\n',
  'layers.yaml': 'apiVersion: nnc/v1\nkind: Layers\nlayers:\n  - {name: embed, type: embedding, units: 8}\n  - {name: pool, type: pool, mode: mean}\n  - {name: hidden, type: dense, units: 8, activation: relu}\n',
  'heads.yaml': 'apiVersion: nnc/v1\nkind: Heads\nheads:\n  - name: sentiment\n    attach: hidden\n    task: classification\n    loss: crossentropy\n',
  'datasets/reviews.yaml': 'apiVersion: nnc/v1\nkind: Dataset\nname: reviews\ntype: binary_classification\nhead: sentiment\nsamples:\n  - {input: "a great movie", label: 1}\n  - {input: "the plot was awful", label: 0}\n',
};

/** Example file texts, as the catalogue writes them. */
export const project = (body: string) => `apiVersion: nnc/v1\nkind: Project\nname: demo\n${body}`;
export const layers = (...lines: string[]) => `apiVersion: nnc/v1\nkind: Layers\nlayers:\n${lines.map((l) => `  - ${l}\n`).join('')}`;
export const heads = (body: string) => `apiVersion: nnc/v1\nkind: Heads\nheads:\n${body}`;
export const dataset = (body: string) => `apiVersion: nnc/v1\nkind: Dataset\nname: reviews\n${body}`;
export const tokens = (body: string) => `apiVersion: nnc/v1\nkind: Tokens\n${body}`;
export const EMBED = '{name: embed, type: embedding, units: 8}';
export const POOL = '{name: pool, type: pool, mode: mean}';
export const HIDDEN = '{name: hidden, type: dense, units: 8, activation: relu}';
export const HEAD = '  - name: sentiment\n    attach: hidden\n    task: classification\n';
export const TWO_SAMPLES = 'samples:\n  - {input: "a great movie", label: 1}\n  - {input: "the plot was awful", label: 0}\n';
