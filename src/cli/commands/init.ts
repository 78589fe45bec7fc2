import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { defineCommand, UserError } from '../command.js';
import { initTemplate } from '../init-template.js';
import { withPlugin } from '../init-plugin-template.js';
import { installedSchemasDir, SCHEMA_COPY_DIR, SCHEMA_FILES, schemaLocation, type SchemaLocation } from '../schema-location.js';
import { shellQuote } from '../shell-quote.js';

const help = `Usage: nnc init <dir> [--name <name>] [--plugin] [--force]

Creates a small project that trains in seconds: nnc.yaml (Project),
tokens.yaml, layers.yaml, heads.yaml and datasets/reviews.yaml with a JSONL
source, and a .gitignore for the run store (.nnc/).

Every YAML file starts with a yaml-language-server modeline pointing at nnc's
JSON Schemas, so editors complete and check keys. When a package.json above
<dir> lists nnc (npm install -D nnc), the modelines point into
node_modules/nnc/schemas/, which is there for anyone who clones the
repository and runs 'npm install'; otherwise init copies the schemas into
<dir>/.schemas/, to commit with the project (running init again refreshes
that copy).

In a folder that already has files, init adds the files that are missing,
appends the lines its .gitignore needs to yours, and leaves a file that
differs from what it would write as it is, listing it.

Options:
  --name <name>  project name (default: the folder's name, made valid)
  --plugin       also write plugins/scaled-dense.mjs, a plugin with a layer
                 type, listed in nnc.yaml and used in layers.yaml
  --force        overwrite the files that differ (init lists them); the
                 .gitignore is still merged, never replaced
  -h, --help     show this help

Exit code: 0 written, 1 files that differ were left as they are (see
--force), 2 bad command line.`;

type Action = 'create' | 'same' | 'merge' | 'refresh' | 'overwrite' | 'keep';

interface PlannedFile {
  readonly rel: string;
  readonly action: Action;
  /** what to write: the template, or the merged .gitignore */
  readonly text: string;
}

/** The lines of a .gitignore as patterns: '.nnc', '/.nnc/' and '.nnc/' are one. */
function ignorePattern(line: string): string {
  return line.trim().replace(/^\//, '').replace(/\/$/, '');
}

function mergeGitignore(existing: string, wanted: string): string | null {
  const have = new Set(existing.split(/\r?\n/).map(ignorePattern));
  const missing = wanted.split('\n').filter((line) => line.trim() !== '' && !have.has(ignorePattern(line)));
  if (missing.length === 0) return null;
  return `${existing}${existing === '' || existing.endsWith('\n') ? '' : '\n'}${missing.join('\n')}\n`;
}

function planFile(dir: string, rel: string, text: string, force: boolean): PlannedFile {
  const path = join(dir, rel);
  if (!existsSync(path)) return { rel, action: 'create', text };
  if (!statSync(path).isFile()) throw new UserError(`'${join(dir, rel)}' is a folder, but init writes a file there. Move it aside and run init again.`);
  const existing = readFileSync(path, 'utf8');
  if (existing === text) return { rel, action: 'same', text };
  if (rel === '.gitignore') {
    const merged = mergeGitignore(existing, text);
    return merged === null ? { rel, action: 'same', text: existing } : { rel, action: 'merge', text: merged };
  }
  // nnc's own schemas: a copy to keep current, not a file anyone edits
  if (rel.startsWith(`${SCHEMA_COPY_DIR}/`)) return { rel, action: 'refresh', text };
  return { rel, action: force ? 'overwrite' : 'keep', text };
}

function projectName(dir: string, given: string | undefined): string {
  const name = given ?? (basename(dir).toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '').replace(/_+$/, '') || 'model');
  if (!/^[a-z][a-z0-9_]*$/.test(name)) {
    throw new UserError(`The name '${name}' must match ^[a-z][a-z0-9_]*$ (lowercase letters, digits, underscores), e.g. '--name ${name.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^[^a-z]+/, '') || 'my_model'}'.`);
  }
  return name;
}

function schemaFiles(location: SchemaLocation): Record<string, string> {
  if (location.kind !== 'copy') return {};
  const from = installedSchemasDir();
  return Object.fromEntries(SCHEMA_FILES.map((file) => [`${SCHEMA_COPY_DIR}/${file}`, readFileSync(join(from, file), 'utf8')]));
}

function schemaNote(location: SchemaLocation, dir: string): string {
  switch (location.kind) {
    case 'package':
      return `The schema modelines point into ${location.dir}/ (nnc is listed in ${relative(process.cwd(), location.packageJson) || 'package.json'}): they resolve after 'npm install'.`;
    case 'nnc-repository':
      return `The schema modelines point into nnc's own schemas/ (${location.dir}/), as the example projects' do.`;
    case 'copy':
      return `No package.json above ${relative(process.cwd(), dir) || '.'} lists nnc, so the schema modelines point into a copy of nnc's schemas in ${SCHEMA_COPY_DIR}/: commit it with the project. With nnc as a dependency ('npm install -D nnc'), 'nnc init' points them into node_modules/nnc/schemas/ instead.`;
  }
}

export default defineCommand({
  name: 'init',
  help,
  options: { name: { type: 'string' }, force: { type: 'boolean', default: false }, plugin: { type: 'boolean', default: false } },
  async run({ values, positionals }) {
    const target = positionals[0];
    if (target === undefined || target === '') throw new UserError(`Give the folder to create, e.g. 'nnc init my-model'.`);
    if (positionals.length > 1) {
      throw new UserError(`Expected one folder, got ${positionals.length}: ${positionals.map((p) => `'${p}'`).join(', ')}. Quote a name with spaces: nnc init ${shellQuote(positionals.join(' '))}`);
    }
    const dir = resolve(target);
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`'${target}' is a file. Give a new folder, or one to add the project to.`);
    const name = projectName(dir, values.name as string | undefined);
    const location = schemaLocation(dir);
    const template = initTemplate(name, location.dir);
    const files = { ...(values.plugin === true ? withPlugin(template) : template), ...schemaFiles(location) };
    const force = values.force === true;
    const plan = Object.entries(files).map(([rel, text]) => planFile(dir, rel, text, force));

    for (const file of plan) {
      if (file.action === 'same' || file.action === 'keep') continue;
      const path = join(dir, file.rel);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, file.text);
    }

    const shown = shellQuote(target);
    const of = (action: Action) => plan.filter((f) => f.action === action).map((f) => f.rel);
    const created = of('create');
    const kept = of('keep');
    if (created.length === plan.length) {
      console.log(`Created project '${name}' in ${target}:`);
      for (const rel of created) console.log(`  ${rel}`);
    } else {
      console.log(`Project '${name}' in ${target}:`);
      const lines: Array<[Action, string]> = [
        ['create', 'created'],
        ['merge', 'merged (appended the lines it lacked)'],
        ['refresh', "refreshed (nnc's schemas)"],
        ['overwrite', 'overwrote (it differed; --force)'],
        ['keep', 'kept as it is (it differs from the template)'],
        ['same', 'unchanged'],
      ];
      for (const file of plan) console.log(`  ${file.rel}: ${lines.find(([a]) => a === file.action)![1]}`);
    }
    console.log(`\n${schemaNote(location, dir)}`);
    if (kept.length > 0) {
      console.error(
        `\nnnc init: ${kept.length === 1 ? '1 file differs' : `${kept.length} files differ`} from what init writes and ${kept.length === 1 ? 'was' : 'were'} left as ${kept.length === 1 ? 'it is' : 'they are'}: ${kept.join(', ')}. ` +
          `Run 'nnc init ${shown} --force' to overwrite ${kept.length === 1 ? 'it' : 'them'}.`,
      );
      return 1;
    }
    console.log(`\nNext: nnc check ${shown} && nnc train ${shown}`);
    return 0;
  },
});
