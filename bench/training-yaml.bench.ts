// The benchmark models as users get them: written as nnc/v1 YAML, compiled,
// emitted by nnc and trained by nnc's own loop (batching, multi-task step,
// clipping, metrics) on the default backend, next to PyTorch on the same
// shapes in the same run (bench/torch_models.py, when python3 has torch).
//   node scripts/bench.mjs training-yaml
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../src/compiler/index.js';
import { loadTf } from '../src/runtime/backend/index.js';
import { buildModel } from '../src/runtime/emit/index.js';
import { prepareData, train } from '../src/runtime/train/index.js';
import { startTorch } from './torch.js';
import { SAMPLES, YAML_MODELS as MODELS, writeProject } from './yaml-models.js';

const root = 'bench/.tmp/yaml-models';
const { tf, backend } = await loadTf();
const torch = await startTorch();
console.log(`nnc ${backend} backend: models compiled from YAML and trained by nnc's loop (${SAMPLES} samples, 3 epochs, the best epoch after the first); ${typeof torch === 'string' ? torch : torch.note}\n`);
console.log('| model (batch) | params | nnc samples/s | torch samples/s (1 thread) | nnc / torch |\n|---|---|---|---|---|');
for (const m of MODELS) {
  const dir = join(root, m.name.replace(/\W+/g, '-'));
  writeProject(dir, m);
  const { plan, data, diagnostics } = compile(dir);
  if (!plan) {
    console.log(`| ${m.name} | compile failed: ${diagnostics[0]?.message} |`);
    continue;
  }
  const model = buildModel(tf, plan);
  const epochs: number[] = [];
  await train({ tf, plan, model, data: prepareData(plan, data), events: { onEpoch: (e) => void (e.epoch > 1 && epochs.push(e.samplesPerSecond)) } });
  model.dispose();
  const nnc = Math.max(...epochs);
  const t = typeof torch === 'string' ? null : await torch.measure(m.name, 1);
  const ratio = t?.wall ? (nnc / t.wall).toFixed(2) : '-';
  console.log(`| ${m.name} (${m.batch}) | ${plan.totals.params.toLocaleString('en-US')} | ${Math.round(nnc).toLocaleString('en-US')} | ${t?.wall ? Math.round(t.wall).toLocaleString('en-US') : '-'} | ${ratio} |`);
}
if (typeof torch !== 'string') torch.close();
rmSync(root, { recursive: true, force: true });
