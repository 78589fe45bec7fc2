// A Keras-style model summary of a plan: layer, type, output shape, params.
import type { Plan } from '../compiler/plan.js';
import { formatShape } from '../compiler/layer-types.js';
import { formatBytes } from '../shared/format-bytes.js';

const int = (n: number) => n.toLocaleString('en-US');

export function modelSummary(plan: Plan): string {
  const rows: string[][] = [['input', plan.project.input.type, formatShape(plan.project.input.shape), '0']];
  for (const layer of plan.layers) rows.push([layer.name, layer.type, formatShape(layer.outputShape), int(layer.params)]);
  const headRows = plan.heads.map((h) => [`${h.name} <- ${h.attach}`, `${h.task} (${h.loss}${h.pool ? `, pool ${h.pool}` : ''})`, formatShape(h.outputShape), int(h.params)]);
  const header = ['Layer', 'Type', 'Output shape', 'Params'];
  const all = [header, ...rows, ...headRows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((cell, i) => (i === 3 ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join('   ').trimEnd();
  const rule = (ch: string) => ch.repeat(widths.reduce((a, b) => a + b, 0) + 9);
  const { params, trainable, weightBytes } = plan.totals;
  return [
    `Model '${plan.project.name}' (plan ${plan.hash.slice(0, 12)})`,
    rule('='),
    line(header),
    rule('-'),
    ...rows.map(line),
    rule('-'),
    'Heads',
    ...headRows.map(line),
    rule('='),
    `Total params: ${int(params)}`,
    `Trainable params: ${int(trainable)}`,
    `Non-trainable params: ${int(params - trainable)}`,
    `Estimated weight memory: ${formatBytes(weightBytes)} (float32; Adam keeps 2 more copies while training)`,
    `${plan.project.input.type === 'text' ? `Vocabulary: ${int(plan.vocabulary.tokens.length)} tokens; d` : 'D'}atasets: ${plan.datasets.map((d) => `${d.name} (${int(d.count)}${d.plugin ? `, ${d.plugin.type} as ${d.type}` : ''})`).join(', ') || 'none'}`,
    ...(plan.plugins ?? []).map((p) => `Plugin '${p.name}': ${p.file} (content hash ${p.hash}); ${pluginUses(plan, p.name)}`),
  ].join('\n');
}

/** What of the plan a plugin defines: "layer 'boost' (scaled_dense), dataset 'reviews' (star_reviews)". */
function pluginUses(plan: Plan, plugin: string): string {
  const layers = plan.layers.filter((l) => l.plugin === plugin).map((l) => `layer '${l.name}' (${l.type})`);
  const datasets = plan.datasets.filter((d) => d.plugin?.name === plugin).map((d) => `dataset '${d.name}' (${d.plugin!.type})`);
  const uses = [...layers, ...datasets];
  return uses.length ? uses.join(', ') : 'none of its types is used';
}
