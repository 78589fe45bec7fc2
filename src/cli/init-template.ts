// The project `nnc init` writes: all five kinds, schema modelines, a small
// text classification task that trains in seconds.
export function initTemplate(name: string, schemaDir: string): Record<string, string> {
  const modeline = (kind: string, depth = 0) => `# yaml-language-server: $schema=${'../'.repeat(depth)}${schemaDir}/${kind}.schema.json\n`;
  return {
    'nnc.yaml': `${modeline('project')}apiVersion: nnc/v1
kind: Project
name: ${name}
description: Tell good reviews from bad ones.
input:
  type: text
  tokenizer: word
  maxLength: 12
training:
  epochs: 30
  batchSize: 8
  learningRate: 0.01
  validationSplit: 0.25
monitor:
  weightsEvery: 10
`,
    'tokens.yaml': `${modeline('tokens')}apiVersion: nnc/v1
kind: Tokens
categories:
  special: ["<pad>", "<unk>"]
  general: [good, great, fun, bad, awful, boring, movie, plot]
  punctuation: [".", "!"]
fromDatasets:
  minCount: 1
  maxSize: 500
`,
    'layers.yaml': `${modeline('layers')}apiVersion: nnc/v1
kind: Layers
layers:
  - {name: embed, type: embedding, units: 16}
  - {name: pool, type: pool, mode: mean}
  - {name: hidden, type: dense, units: 16, activation: relu, in: 16}
`,
    'heads.yaml': `${modeline('heads')}apiVersion: nnc/v1
kind: Heads
heads:
  - name: sentiment
    attach: hidden
    task: classification
    loss: crossentropy
    classes: [negative, positive]
`,
    'datasets/reviews.yaml': `${modeline('dataset', 1)}apiVersion: nnc/v1
kind: Dataset
name: reviews
type: binary_classification
head: sentiment
source: reviews.jsonl
samples:
  - {input: "a great movie", label: positive}
  - {input: "the plot was awful", label: negative}
`,
    'datasets/reviews.jsonl': reviews().join('\n') + '\n',
    '.gitignore': '.nnc/\n',
  };
}

function reviews(): string[] {
  const good = ['good', 'great', 'fun', 'lovely', 'brilliant', 'charming'];
  const bad = ['bad', 'awful', 'boring', 'dull', 'terrible', 'weak'];
  const things = ['movie', 'plot', 'film', 'story', 'cast', 'ending'];
  const out: string[] = [];
  for (let i = 0; i < 48; i++) {
    const positive = i % 2 === 0;
    const word = (positive ? good : bad)[(i >> 1) % 6];
    const thing = things[(i * 7) % 6];
    const text = i % 3 === 0 ? `the ${thing} was ${word}` : i % 3 === 1 ? `a ${word} ${thing} !` : `what a ${word} ${thing} .`;
    out.push(JSON.stringify({ input: text, label: positive ? 'positive' : 'negative' }));
  }
  return out;
}
