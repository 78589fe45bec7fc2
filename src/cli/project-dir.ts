// Resolving the [project] argument shared by most commands.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from './command.js';

export function projectDir(arg: string | undefined): string {
  if (arg === '') throw new UserError(`The project folder is '' (an empty argument). Give the folder that holds nnc.yaml, or leave it out for the current folder.`);
  const dir = resolve(arg ?? '.');
  let stat;
  try {
    stat = statSync(dir);
  } catch {
    throw new UserError(`The project folder '${arg ?? '.'}' does not exist. Give the path of a folder with nnc YAML files, or create one with 'nnc init ${arg ?? '<dir>'}'.`);
  }
  if (!stat.isDirectory()) {
    throw new UserError(`'${arg}' is a file, not a project folder. Give the folder that holds nnc.yaml.`);
  }
  return dir;
}
