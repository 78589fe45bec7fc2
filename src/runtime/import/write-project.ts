// An imported model as nnc's YAML: nnc.yaml (the input; training settings from
// plan.json when the model is an nnc export; training.init), tokens.yaml (the
// vocabulary of preprocess.json, or a placeholder of the embedding's size),
// layers.yaml and heads.yaml (tasks, losses and classes from preprocess.json,
// else read from each head's activation). What nnc assumes is an info note.
import type { Diagnostic } from '../../compiler/diagnostics.js';
import type { Plan, PlanHead } from '../../compiler/plan.js';
import { SPECIAL } from '../../compiler/vocabulary.js';
import type { Preprocess } from '../export/portable/preprocess.js';
import type { ImportedModel } from './read-model.js';
import { MESSAGES } from '../../compiler/diagnostic-messages.js';

export const INIT_DIR = 'init';

export interface ProjectFiles {
  /** file name -> YAML text */
  readonly files: Record<string, string>;
  readonly diagnostics: Diagnostic[];
  /** the token list tokens.yaml gives (text input), to compare with the compiled vocabulary */
  readonly tokens: readonly string[] | null;
}

const q = (value: unknown) => JSON.stringify(value);
const flow = (entries: Record<string, unknown>) => `{${Object.entries(entries).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${Array.isArray(v) ? `[${v.map(q).join(', ')}]` : typeof v === 'string' ? yamlWord(v) : q(v)}`).join(', ')}}`;
const yamlWord = (s: string) => (/^[a-zA-Z_][a-zA-Z0-9_.]*$/.test(s) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(s) ? s : q(s));

export function projectFiles(model: ImportedModel, source: string, preprocess: Preprocess | null, plan: Plan | null): ProjectFiles {
  const diagnostics: Diagnostic[] = [];
  const note = (message: string, severity: Diagnostic['severity'] = 'info', code = MESSAGES.importNote.code) => diagnostics.push({ code, severity, message, file: source, line: 1, column: 1, length: 1 });
  const header = (_kind: string) => `# written by 'nnc import ${source.split('/').pop()}'\napiVersion: nnc/v1\n`;
  const name = (preprocess?.project ?? plan?.project.name ?? model.name).toLowerCase().replace(/[^a-z0-9_]/g, '_').replace(/^[^a-z]+/, '') || 'imported';

  // input
  let input: Record<string, unknown>;
  if (model.input.kind === 'text') {
    const given = preprocess?.input.type === 'text' ? preprocess.input : null;
    if (!given) note(`The model takes ${model.input.steps} token ids and its folder has no preprocess.json: nnc assumes the word tokenizer, lowercase text and ${model.input.steps} steps (input in nnc.yaml); set them to what the model was trained with.`);
    input = { type: 'text', tokenizer: given?.tokenizer ?? 'word', lowercase: given?.lowercase ?? true, maxLength: model.input.steps, ...(given && given.truncate !== 'start' ? { truncate: given.truncate } : {}) };
  } else {
    input = { type: 'features', features: model.input.features };
    if (!preprocess?.scaling) note("nnc standardizes feature vectors with the training split's mean and std before the first layer; a model trained on raw features sees other numbers until it is trained again.");
  }

  // training: the exported run's settings, and the imported weights
  const training: Record<string, unknown> = {};
  const t = plan?.project.training;
  if (t) {
    Object.assign(training, { seed: t.seed, epochs: t.epochs, batchSize: t.batchSize, optimizer: t.optimizer, learningRate: t.learningRate });
    if (t.schedule.type !== 'none') training['schedule'] = t.schedule;
    if (t.clipNorm !== null) training['clipNorm'] = t.clipNorm;
    training['validationSplit'] = t.validationSplit;
    if (t.earlyStopping) training['earlyStopping'] = { monitor: t.earlyStopping.monitor, patience: t.earlyStopping.patience };
    if (t.checkpoint) training['checkpoint'] = { monitor: t.checkpoint.monitor, mode: t.checkpoint.mode };
    if ((t.testSplit ?? 0) > 0 || t.stratify) note(`The exported run held out a test split (${t.testSplit}) or stratified its splits; nnc.yaml gives validationSplit only: add 'split' under training to hold out a test split again.`);
  } else note("The model's folder has no plan.json: training settings in nnc.yaml are nnc's defaults.");
  training['init'] = INIT_DIR;
  const trainingYaml = Object.entries(training).map(([k, v]) => `  ${k}: ${typeof v === 'object' ? flow(v as Record<string, unknown>) : typeof v === 'string' ? yamlWord(v) : q(v)}`).join('\n');
  const files: Record<string, string> = {
    'nnc.yaml': `${header('project')}kind: Project\nname: ${name}\ndescription: ${q(`Imported from ${source.split('/').pop()}${plan ? ` (nnc project '${plan.project.name}')` : ''}.`)}\ninput: ${flow(input)}\ntraining:\n${trainingYaml}\n  # ${INIT_DIR}/: the imported weights, where every new run starts (layers matched by name)\n`,
  };

  // vocabulary
  let tokens: string[] | null = null;
  if (model.input.kind === 'text') {
    const size = model.vocabularySize ?? 0;
    if (preprocess?.vocabulary.tokens.length) {
      tokens = [...preprocess.vocabulary.tokens];
      if (size && tokens.length !== size) note(`preprocess.json lists ${tokens.length} tokens, but the embedding has ${size} rows.`, 'error', MESSAGES.importNotAChain.code);
    } else {
      tokens = ['<pad>', '<unk>', ...Array.from({ length: Math.max(size - 2, 0) }, (_, i) => `token_${i + 2}`)];
      note(`The model's folder has no preprocess.json, so its vocabulary is unknown: tokens.yaml lists ${size} placeholder tokens ('<pad>', '<unk>', 'token_2', ...) to keep the embedding's ${size} rows. Replace them, in order, with the words the model was trained on.`);
    }
    const special = tokens.filter((tk) => (SPECIAL as readonly string[]).includes(tk));
    const rest = tokens.filter((tk) => !(SPECIAL as readonly string[]).includes(tk));
    const list = (items: string[]) => (items.length ? `\n${chunks(items).map((c) => `    ${c.map(q).join(', ')},`).join('\n').replace(/,$/, '')}\n  ]` : ']');
    files['tokens.yaml'] = `${header('tokens')}kind: Tokens\n# the vocabulary the model was trained with, in id order; a token added here (or fromDatasets) grows the embedding, which then no longer fits ${INIT_DIR}/\ncategories:\n  special: [${special.map(q).join(', ')}]\n  imported: [${list(rest)}\n`;
  }

  files['layers.yaml'] = `${header('layers')}kind: Layers\nlayers:\n${model.layers.map((l) => `  - ${flow({ name: l.name, type: l.type, ...l.args })}`).join('\n')}\n`;

  // heads
  const heads: string[] = [];
  for (const head of model.heads) {
    const given = preprocess?.heads.find((h) => h.name === head.name);
    const planned = plan?.heads.find((h) => h.name === head.name) as PlanHead | undefined;
    const entry: Record<string, unknown> = { name: head.name, attach: head.attach };
    if (given) {
      Object.assign(entry, { task: given.task, loss: given.loss });
      if (given.task === 'classification') entry['classes'] = given.classes;
    } else if (head.activation === 'softmax' && model.input.kind === 'text' && head.units === model.vocabularySize && head.pool === null) {
      Object.assign(entry, { task: 'generation', loss: 'crossentropy' });
      note(`Head '${head.name}' is a softmax over the vocabulary: imported as a generation head.`);
    } else if (head.activation === 'softmax') {
      Object.assign(entry, { task: 'classification', loss: 'crossentropy', classes: Array.from({ length: head.units }, (_, i) => `class_${i}`) });
      note(`Head '${head.name}' is a softmax over ${head.units} classes: imported as classification with classes 'class_0'...; name them in heads.yaml.`);
    } else if (head.activation === 'sigmoid' && head.units === 1) {
      Object.assign(entry, { task: 'classification', loss: 'bce', classes: ['class_0', 'class_1'] });
      note(`Head '${head.name}' is one sigmoid output: imported as two-class classification (bce) with classes 'class_0', 'class_1'; name them in heads.yaml.`);
    } else if (head.activation === 'linear') {
      Object.assign(entry, { task: 'regression', loss: 'mse' });
      note(`Head '${head.name}' is a linear output of ${head.units}: imported as regression with the mse loss.`);
    } else {
      note(`Head '${head.name}' ends in '${head.activation}' over ${head.units} outputs; an nnc head ends in softmax (classification), one sigmoid (two classes) or nothing (regression).`, 'error', MESSAGES.importDifferentComputation.code);
      continue;
    }
    if (planned && planned.labelSmoothing) entry['labelSmoothing'] = planned.labelSmoothing;
    if (head.pool) entry['pool'] = head.pool;
    if (planned && planned.weight !== 1) entry['weight'] = planned.weight;
    heads.push(`  - ${flow(entry)}`);
  }
  files['heads.yaml'] = `${header('heads')}kind: Heads\nheads:\n${heads.join('\n')}\n`;
  note(`The project has no datasets: add one per head under datasets/ (kind: Dataset) to train it further from ${INIT_DIR}/.`);
  return { files, diagnostics, tokens };
}

function chunks(items: string[], size = 12): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
