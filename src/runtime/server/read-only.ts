// The viewer is read-only: the answer to any method but GET/HEAD says which
// YAML file holds what the request tried to change.
import type { Plan } from '../../compiler/plan.js';

/** The file to edit for a path, from the plan's source positions when there is a plan. */
export function fileToEdit(pathname: string, plan: Plan | null): string {
  const section = pathname.replace(/^\/api\//, '').split('/')[0] ?? '';
  switch (section) {
    case 'layers':
      return plan?.layers[0]?.source.file ?? 'layers.yaml';
    case 'heads':
      return plan?.heads[0]?.source.file ?? 'heads.yaml';
    case 'datasets': {
      const name = pathname.split('/')[3];
      const dataset = plan?.datasets.find((d) => d.name === name) ?? plan?.datasets[0];
      return dataset?.sourceRef.file ?? (name ? `datasets/${name}.yaml` : 'datasets/<name>.yaml');
    }
    case 'tokens':
      return 'tokens.yaml';
    default:
      return 'nnc.yaml';
  }
}

export function readOnlyMessage(method: string, pathname: string, plan: Plan | null): string {
  if (pathname.startsWith('/api/runs') || pathname.startsWith('/api/models') || pathname.startsWith('/api/logs')) {
    return `The viewer is read-only, so ${method} ${pathname} is not allowed. Runs come from training: save a YAML file while 'nnc watch' runs, or run 'nnc train'.`;
  }
  const file = fileToEdit(pathname, plan);
  return `The viewer is read-only, so ${method} ${pathname} is not allowed. To change this, edit ${file} in the project folder; 'nnc watch' picks up the save.`;
}
