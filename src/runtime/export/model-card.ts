// The model card of an export: what the model does, how it was trained and how
// well, as card.json (what `nnc serve` answers on GET /model) and README.md.
import type { Plan } from '../../compiler/plan.js';
import type { RunRecord } from '../store/types.js';
import type { ConvertedLayer } from './portable-topology.js';

export interface ModelCard {
  readonly name: string;
  readonly description: string;
  readonly input: { readonly type: string; readonly tokenizer?: string; readonly lowercase?: boolean; readonly maxLength?: number; readonly features?: number };
  readonly heads: readonly { readonly name: string; readonly task: string; readonly loss: string; readonly classes: readonly string[]; readonly outputs: number }[];
  readonly run: {
    readonly id: string;
    readonly status: string;
    readonly backend: string;
    readonly startedAt: string;
    readonly endedAt: string | null;
    readonly epochs: number | null;
    readonly planHash: string;
    readonly modelHash: string;
    readonly gitCommit: string | null;
    readonly gitDirty: boolean;
  };
  /** best validation value of each metric in the run, e.g. "sentiment.val_accuracy" */
  readonly metrics: Readonly<Record<string, number>>;
  readonly data: { readonly validationSplit: number; readonly datasets: readonly { readonly name: string; readonly type: string; readonly head: string; readonly samples: number }[] };
  readonly parameters: number;
  /** each layer's class in the export: standard tfjs-layers / Keras, nnc's (nnc-layers.js), or a plugin's (`plugin`) */
  readonly layers: readonly (ConvertedLayer & { readonly plugin?: string })[];
  /** the plugins whose layer classes the model needs (register them before tf.loadLayersModel); absent when none */
  readonly plugins?: readonly { readonly name: string; readonly file: string; readonly hash: string; readonly layerTypes: readonly string[] }[];
}

export function modelCard(plan: Plan, run: RunRecord, layers: readonly ConvertedLayer[]): ModelCard {
  const { input } = plan.project;
  return {
    name: plan.project.name,
    description: plan.project.description,
    input: input.type === 'text'
      ? { type: 'text', tokenizer: input.tokenizer, lowercase: input.lowercase, maxLength: input.maxLength }
      : { type: 'features', features: input.features },
    heads: plan.heads.map((h) => ({ name: h.name, task: h.task, loss: h.loss, classes: h.classes, outputs: h.units })),
    run: {
      id: run.id,
      status: run.status,
      backend: run.backend,
      startedAt: new Date(run.startedAt).toISOString(),
      endedAt: run.endedAt === null ? null : new Date(run.endedAt).toISOString(),
      epochs: typeof run.info['epochs'] === 'number' ? run.info['epochs'] : null,
      planHash: run.planHash,
      modelHash: run.modelHash,
      gitCommit: run.gitCommit,
      gitDirty: run.gitDirty,
    },
    metrics: run.best,
    data: {
      validationSplit: plan.project.training.validationSplit,
      datasets: (plan.datasets ?? []).map((d) => ({ name: d.name, type: d.type, head: d.head, samples: d.count })),
    },
    parameters: plan.totals.params,
    ...pluginsOf(plan, layers),
  };
}

/** Layers of plugin types are the plugin's classes, not standard ones; the card names the plugins the model needs. */
function pluginsOf(plan: Plan, layers: readonly ConvertedLayer[]): Pick<ModelCard, 'layers' | 'plugins'> {
  const byLayer = new Map(plan.layers.filter((l) => l.plugin).map((l) => [l.name, l.plugin!]));
  if (byLayer.size === 0) return { layers };
  const needed = new Set(byLayer.values());
  return {
    layers: layers.map((l) => (byLayer.has(l.name) ? { ...l, standard: false, plugin: byLayer.get(l.name)! } : l)),
    plugins: (plan.plugins ?? []).filter((p) => needed.has(p.name)).map(({ name, file, hash, layerTypes }) => ({ name, file, hash, layerTypes })),
  };
}

const cell = (value: unknown) => String(value).replace(/\|/g, '\\|');

export function renderModelCard(card: ModelCard): string {
  const { run } = card;
  const input = card.input.type === 'text'
    ? `text: ${card.input.tokenizer} tokens${card.input.lowercase ? ', lowercased' : ''}, ${card.input.maxLength} per input (padded on the left)`
    : `${card.input.features} numbers per input, standardized with the training split's mean and std`;
  const lines = [
    `# ${card.name}`,
    '',
    ...(card.description ? [card.description, ''] : []),
    `A model trained by nnc and exported to run without it. Input: ${input}.`,
    '',
    '```js',
    "import { load } from './predict.js';   // needs only @tensorflow/tfjs",
    'const model = await load();            // this folder (a path or URL also works)',
    `console.log(await model.predict([${card.input.type === 'text' ? "'some text'" : `[${Array.from({ length: Math.min(card.input.features ?? 3, 3) }, (_, i) => i + 1).join(', ')}${(card.input.features ?? 0) > 3 ? ', ...' : ''}]`}]));`,
    '```',
    '',
    '## Heads',
    '',
    '| head | task | loss | outputs |',
    '|---|---|---|---|',
    ...card.heads.map((h) => `| ${cell(h.name)} | ${h.task} | ${h.loss} | ${h.classes.length > 0 ? h.classes.map(cell).join(', ') : h.outputs} |`),
    '',
    `\`predict(inputs)\` answers for the first head ('${card.heads[0]?.name}'); \`predict(inputs, {head: 'name'})\` for another.`,
    '',
    '## Metrics (the best value of each in the run)',
    '',
    ...(Object.keys(card.metrics).length === 0
      ? ['The run stored no metrics.']
      : ['| metric | value |', '|---|---|', ...Object.entries(card.metrics).map(([k, v]) => `| ${cell(k)} | ${Number(v.toPrecision(5))} |`)]),
    '',
    '## Training',
    '',
    `- run \`${run.id}\` (${run.status}${run.epochs === null ? '' : `, ${run.epochs} epochs`}) on the ${run.backend} backend, ${run.startedAt}`,
    `- plan hash \`${run.planHash}\`, model hash \`${run.modelHash}\``,
    `- git commit ${run.gitCommit ? `\`${run.gitCommit}\`${run.gitDirty ? ' with uncommitted changes' : ''}` : 'unknown (not a git checkout)'}`,
    `- ${card.parameters.toLocaleString('en-US')} parameters`,
    `- data (${Math.round(card.data.validationSplit * 100)}% of each dataset held out for validation):`,
    ...card.data.datasets.map((d) => `  - ${d.name}: ${d.samples} ${d.type} samples for head '${d.head}'`),
    '',
    '## Files',
    '',
    '- `model.json`, `weights.bin`: the model in TensorFlow.js layers format',
    '- `nnc-layers.js`: the layer classes tfjs-layers lacks; `import \'./nnc-layers.js\'` before `tf.loadLayersModel`',
    '- `preprocess.json`: tokenizer, vocabulary, scaling, classes and decoding settings',
    '- `predict.js`: raw inputs in, the same objects as `nnc predict --format json` out',
    '- `card.json`: this card as data; `plan.json`: the plan the model was trained on',
    '',
    ...(card.plugins?.length
      ? [
          '## Plugins',
          '',
          'The model has layers of plugin types: register each plugin\'s layer class with tf before loading it (`tf.serialization.registerClass(plugin.layers[i].layerClass(tf))`), with the plugin file the model was trained with:',
          '',
          ...card.plugins.map((p) => `- '${p.name}': \`${p.file}\` (content hash \`${p.hash}\`), layer types ${p.layerTypes.map((t) => `'${t}'`).join(', ')}`),
          '',
        ]
      : []),
    '## Layers',
    '',
    '| layer | class | |',
    '|---|---|---|',
    ...card.layers.map((l) => `| ${cell(l.name)} | ${l.to} | ${l.plugin ? `plugin '${cell(l.plugin)}'` : l.standard ? 'standard (Keras-compatible)' : 'nnc-layers.js'} |`),
    '',
  ];
  return lines.join('\n');
}
