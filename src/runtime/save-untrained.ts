// `nnc build --out`: the untrained model in TensorFlow.js format next to plan.json.
import type { Plan } from '../compiler/plan.js';
import { loadTf } from './backend/index.js';
import { buildModel } from './emit/index.js';
import { checkpointHandler } from './store/checkpoint.js';

export async function saveUntrainedModel(plan: Plan, dir: string, backend?: string): Promise<string> {
  const { tf, backend: used } = await loadTf(backend);
  const model = buildModel(tf, plan);
  await model.save(checkpointHandler(dir));
  model.dispose();
  return used;
}
