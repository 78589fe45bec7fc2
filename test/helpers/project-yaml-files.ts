// Every YAML file of the example projects, for the tests that hold them all
// to the format (schemas, validation).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const PROJECTS_DIR = join(import.meta.dirname, '..', '..', 'projects');

/** Paths of the .yaml and .yml files below `dir`, in directory order, skipping dot entries and node_modules; [] when `dir` is missing. */
export function yamlFilesBelow(dir: string): string[] {
  const found: string[] = [];
  const collect = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder)) {
      if (entry.startsWith('.') || entry === 'node_modules') continue;
      const path = join(folder, entry);
      if (statSync(path).isDirectory()) collect(path);
      else if (/\.ya?ml$/.test(entry)) found.push(path);
    }
  };
  collect(dir);
  return found;
}
