// Heads: attach points, task/loss rules, pooling, output width and classes.
import { diagnosticAt, relatedAt, type Diagnostic } from './diagnostics.js';
import type { CheckedLayer, DatasetInput } from './check.js';
import { nameSuggestion } from './check.js';
import { formatShape } from './layer-types.js';
import type { LoadedDocument, PathSegment } from './load.js';
import type { PlanHead, PlanProject } from './plan.js';
import type { RawHead } from './raw.js';
import { DATASET_TASK } from './samples.js';
import { MESSAGES } from './diagnostic-messages.js';

/** A head as the plan will hold it, before hashes, with where it is written. */
export type CheckedHead = Omit<PlanHead, 'hash' | 'chainHash' | 'source'> & {
  readonly document: LoadedDocument;
  readonly path: readonly PathSegment[];
};

interface HeadInput {
  readonly document: LoadedDocument;
  readonly raw: readonly RawHead[];
  readonly layers: readonly CheckedLayer[];
  readonly layersDoc: LoadedDocument;
  readonly project: PlanProject;
  readonly vocabularySize: number;
  readonly datasets: readonly DatasetInput[];
  readonly diagnostics: Diagnostic[];
}

export function checkHeads(input: HeadInput): CheckedHead[] {
  const { document, diagnostics } = input;
  const heads: CheckedHead[] = [];
  const seen = new Set<string>();
  const byName = new Map(input.layers.map((l) => [l.name, l]));
  input.raw.forEach((raw, index) => {
    const path = ['heads', index];
    const at = (key: string | null, code: number, message: string, severity: 'error' | 'warning' = 'error') =>
      diagnostics.push(diagnosticAt(document, key ? [...path, key] : path, code, message, { severity }));
    if (seen.has(raw.name)) {
      const first = input.raw.findIndex((h) => h.name === raw.name);
      diagnostics.push(diagnosticAt(document, [...path, 'name'], MESSAGES.duplicateName.code, `The head name '${raw.name}' is already used. Head names must be unique; rename one.`, { related: [relatedAt(document, ['heads', first, 'name'], `the first head named '${raw.name}'`)] }));
      return;
    }
    seen.add(raw.name);
    if (byName.has(raw.name) || byName.has(`${raw.name}_pool`)) {
      const clash = byName.has(raw.name) ? raw.name : `${raw.name}_pool`;
      at('name', MESSAGES.headNamedLikeLayer.code, `Head '${raw.name}' has the name of layer '${clash}', and the model needs a distinct name for each. Rename the head or the layer.`);
      return;
    }
    const layer = byName.get(raw.attach);
    if (!layer) {
      at('attach', MESSAGES.unknownLayer.code, `Head '${raw.name}' attaches to '${raw.attach}', which is not a layer.${nameSuggestion(raw.attach, byName.keys())} Attach it to one of: ${[...byName.keys()].map((n) => `'${n}'`).join(', ')}.`);
      return;
    }
    const task = raw.task;
    const loss = raw.loss ?? (task === 'regression' ? 'mse' : 'crossentropy');
    // the schema checks 'loss' against 'task' (NNC2007), and the default loss fits
    const labelSmoothing = raw.labelSmoothing ?? 0;
    if (labelSmoothing > 0 && loss !== 'crossentropy') {
      at('labelSmoothing', MESSAGES.labelSmoothing.code, `labelSmoothing applies to the 'crossentropy' loss only, but head '${raw.name}' uses '${loss}'. Remove labelSmoothing or use crossentropy.`);
    }
    const shape = layer.outputShape;
    const sequence = shape.length === 2;
    if (task === 'generation' && !sequence) {
      at('attach', MESSAGES.generationNeedsSequence.code, `Generation head '${raw.name}' predicts a token at every step, so it must attach to a sequence output, but '${layer.name}' outputs ${formatShape(shape)}. Attach it to a layer with returnSequences: true or an attention layer, before any pool.`);
      return;
    }
    if (task === 'generation' && input.project.input.type !== 'text') {
      at('task', MESSAGES.generationNeedsText.code, `Generation head '${raw.name}' produces tokens, which needs a text input. Set input.type: text in the Project or change the task.`);
      return;
    }
    if (raw.pool !== undefined && (!sequence || task === 'generation')) {
      at('pool', MESSAGES.poolIgnored.code, `Head '${raw.name}' has pool: ${raw.pool}, but ${task === 'generation' ? 'a generation head keeps every step' : `'${layer.name}' outputs a vector ${formatShape(shape)}`}, so it is ignored. Remove 'pool'.`, 'warning');
    }
    const pool = sequence && task !== 'generation' ? raw.pool ?? 'mean' : null;
    const width = shape[shape.length - 1];
    const datasets = input.datasets.filter((d) => d.raw.head === raw.name && DATASET_TASK[d.raw.type] === task);

    let classes: string[] = [];
    let units: number;
    let activation: PlanHead['activation'];
    if (task === 'classification') {
      classes = raw.classes ? raw.classes.map(String) : classesFromData(datasets);
      // Stryker disable all: unreachable from documents that pass the schema ('classes' are unique strings, NNC2010)
      if (raw.classes && new Set(classes).size !== classes.length) {
        at('classes', MESSAGES.classes.code, `Head '${raw.name}' lists a class twice. List each class once.`);
        return;
      }
      // Stryker restore all
      if (loss === 'bce' && classes.length !== 2) {
        at('loss', MESSAGES.bceNeedsTwoClasses.code, `Loss 'bce' needs exactly two classes, but head '${raw.name}' has ${classes.length}${classes.length ? ` (${classes.map((c) => `'${c}'`).join(', ')})` : ''}. Use 'crossentropy' or give the head two classes.`);
        return;
      }
      // Stryker disable next-line ConditionalExpression,EqualityOperator: equivalent, a head without datasets has two classes (listed, at least 2 by the schema, or '0' and '1')
      if (classes.length < 2 && datasets.length > 0) {
        at(raw.classes ? 'classes' : 'name', MESSAGES.classes.code, `Classification head '${raw.name}' has ${classes.length} class${classes.length === 1 ? '' : 'es'}; it needs at least two. Add samples of another class, or list the classes under 'classes'.`);
        return;
      }
      units = loss === 'bce' ? 1 : Math.max(classes.length, 2);
      activation = loss === 'bce' ? 'sigmoid' : 'softmax';
    } else if (task === 'regression') {
      units = 1;
      for (const d of datasets) {
        if (d.targetWidth !== null) {
          units = d.targetWidth;
          break;
        }
      }
      activation = 'linear';
    } else {
      units = input.vocabularySize;
      activation = 'softmax';
    }
    const outputShape = task === 'generation' ? [shape[0], units] : [units];
    heads.push({
      name: raw.name,
      attach: raw.attach,
      task,
      loss,
      labelSmoothing,
      classes,
      pool,
      weight: raw.weight ?? 1,
      units,
      activation,
      inputShape: shape,
      outputShape,
      params: width * units + units,
      document,
      path,
    });
  });
  return heads;
}

/** Classes from the datasets' labels: 0/1 labels give ['0', '1']; names are sorted for stable ids. */
function classesFromData(datasets: readonly DatasetInput[]): string[] {
  const labels = new Set<string>();
  let numeric = true;
  for (const d of datasets) {
    for (const label of d.labelValues) {
      labels.add(String(label));
      if (typeof label !== 'number') numeric = false;
    }
  }
  const list = [...labels];
  if (numeric && datasets.every((d) => d.raw.type === 'binary_classification')) return ['0', '1'];
  // Stryker disable next-line EqualityOperator,ConditionalExpression: equivalent, labels are distinct and Array.prototype.sort only asks whether the result is below 0
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
