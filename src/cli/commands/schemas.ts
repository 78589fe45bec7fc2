// `nnc schemas`: the JSON Schemas of one project for editors, nnc's own with
// the project's plugin types added (their arguments, defaults, descriptions
// and sample fields), so completion and hover work for them too.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { compile } from '../../compiler/index.js';
import { pluginDatasetSchemaText, pluginLayersSchemaText } from '../../compiler/plugins/plugin-schemas.js';
import { activePlugins } from '../../compiler/plugins/registry.js';
import { defineCommand, UserError } from '../command.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { projectDir } from '../project-dir.js';
import { installedSchemasDir, SCHEMA_FILES } from '../schema-location.js';
import { MESSAGES } from '../../compiler/diagnostic-messages.js';

/** the codes of a plugin that did not load (load-plugins.ts) */
const PLUGIN_CODES = new Set([MESSAGES.pluginNotFound.code, MESSAGES.pluginSyntax.code, MESSAGES.pluginThrows.code, MESSAGES.notAPlugin.code, MESSAGES.pluginClash.code]);

export default defineCommand({
  name: 'schemas',
  help: `Usage: nnc schemas [project] [--out <dir>]

Writes the JSON Schemas of the project (default: the current folder) for
editors: nnc's schemas, with the layer and dataset types of the plugins that
nnc.yaml lists ('plugins:') added to layers.schema.json and
dataset.schema.json. Point the modelines at them, e.g.
  # yaml-language-server: $schema=.nnc/schemas/layers.schema.json
Run it again after changing a plugin.

Options:
  --out <dir>  where to write them (default: <project>/.nnc/schemas)
  -h, --help   show this help

Exit code: 0 written, 1 a plugin did not load (the schemas are written without
its types), 2 bad command line.`,
  options: { out: { type: 'string' } },
  async run({ values, positionals }) {
    if (positionals.length > 1) throw new UserError(`expected at most one project folder, got ${positionals.length}.`);
    const dir = projectDir(positionals[0]);
    const out = values.out === undefined ? join(dir, '.nnc', 'schemas') : resolve(values.out as string);
    if (values.out === '') throw new UserError("'--out' needs a folder, such as '.nnc/schemas'.");
    // compiling loads the plugins; the rest of the project may have errors (the schemas help fix them)
    const result = compile(dir);
    const failed = result.diagnostics.filter((d) => PLUGIN_CODES.has(d.code));
    if (failed.length) printDiagnostics({ ...result, diagnostics: failed }, { stream: process.stderr });
    const set = activePlugins();
    const source = installedSchemasDir();
    try {
      mkdirSync(out, { recursive: true });
      for (const file of SCHEMA_FILES) {
        const text = readFileSync(join(source, file), 'utf8');
        const written = file === 'layers.schema.json' ? pluginLayersSchemaText(set) : file === 'dataset.schema.json' ? pluginDatasetSchemaText(JSON.parse(text), set) : text;
        writeFileSync(join(out, file), written);
      }
    } catch (error) {
      throw new UserError(`cannot write the schemas to '${relative(process.cwd(), out) || '.'}': ${(error as Error).message}.`, 1);
    }
    const types = [...set.layers.keys(), ...set.datasets.keys()];
    console.log(`Wrote ${SCHEMA_FILES.length} schemas to ${relative(process.cwd(), out) || '.'}/${types.length ? ` with the plugin types ${types.map((t) => `'${t}'`).join(', ')}` : ' (no plugin types)'}.`);
    return failed.length ? 1 : 0;
  },
});
