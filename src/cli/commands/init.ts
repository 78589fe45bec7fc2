import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand, UserError } from '../command.js';
import { initTemplate } from '../init-template.js';

/** nnc's schemas/ folder: next to dist/ when built, next to src/ in tests. */
function schemasDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'schemas', 'project.schema.json'))) return join(dir, 'schemas');
    dir = dirname(dir);
  }
  return join(dir, 'schemas');
}

export default defineCommand({
  name: 'init',
  summary: 'scaffold a small working project',
  help: `Usage: nnc init <dir> [--name name] [--force]

Creates a small project that trains in seconds: nnc.yaml (Project),
tokens.yaml, layers.yaml, heads.yaml and datasets/reviews.yaml with a JSONL
source. Every file starts with a yaml-language-server modeline pointing at
nnc's JSON Schemas, so editors complete and check keys.

Options:
  --name name  project name (default: the folder's name, made valid)
  --force      write into a folder that is not empty
  -h, --help   show this help`,
  options: { name: { type: 'string' }, force: { type: 'boolean', default: false } },
  async run({ values, positionals }) {
    const target = positionals[0];
    if (!target) throw new UserError(`give the folder to create, e.g. 'nnc init my-model'.`);
    const dir = resolve(target);
    if (existsSync(dir) && readdirSync(dir).length > 0 && !values.force) {
      throw new UserError(`'${target}' is not empty. Choose a new folder, or pass --force to write into it.`);
    }
    const name = (values.name as string | undefined) ?? (basename(dir).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '') || 'model');
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new UserError(`the name '${name}' must match ^[a-z][a-z0-9_]*$ (lowercase letters, digits, underscores).`);
    const schemaRel = relative(dir, schemasDir()).split(sep).join('/');
    const files = initTemplate(name, schemaRel);
    for (const [rel, text] of Object.entries(files)) {
      const path = join(dir, rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, text);
    }
    console.log(`Created project '${name}' in ${target}:`);
    for (const rel of Object.keys(files)) console.log(`  ${rel}`);
    console.log(`\nNext: nnc check ${target} && nnc train ${target}`);
    return 0;
  },
});
