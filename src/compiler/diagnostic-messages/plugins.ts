// NNC309x: plugins (plugins/load-plugins.ts, plugins/apply.ts);
// NNC310x: nnc import (src/runtime/import), which reports on a model.json
// rather than on YAML, at its line 1.
import { entry } from './entry.js';
import { project } from './example-project.js';

const withPlugins = (list: string) => ({ 'nnc.yaml': project(`input: {type: text}\nplugins: ${list}\n`) });

export const PLUGIN_MESSAGES = {
  pluginNotFound: entry(3090, 'error', "Plugin '{plugin}' is not installed where the project can find it: no package '{plugin}' in the node_modules of the project folder or above. Run 'npm install {plugin}' there, or remove the entry.", "Install the package, fix the path (relative to the project folder, starting with './'), or remove the entry.",
    "A 'plugins' entry names a package that is not installed, or a file that does not exist.",
    { steps: "plugins: [nnc-plugin-missing] in nnc.yaml, with no such package in node_modules" }),
  pluginSyntax: entry(3091, 'error', "Plugin '{plugin}' does not load: {error}. Fix '{file}', or remove the entry.", 'Fix the syntax error in the plugin file.',
    'The plugin file is not valid JavaScript.',
    { steps: "plugins: ['./plugins/broken.mjs'], a file with a syntax error" }),
  pluginThrows: entry(3092, 'error', "Plugin '{plugin}' does not load: {error}. Fix '{file}', or remove the entry.", 'Fix the error the plugin throws while it loads.',
    'The plugin module threw while it was loaded, or imports something that is missing.',
    { steps: "plugins: ['./plugins/throws.mjs'], a module whose top level throws" }),
  notAPlugin: entry(3093, 'error', "Plugin '{plugin}' is not an nnc plugin: {shape}. Export one with 'export default { name, layers: [...], datasets: [...] }'.", "Export default { name, layers: [...], datasets: [...] } from the module.",
    'The module loads, but its default export is not an nnc plugin object.',
    { steps: "plugins: ['./plugins/empty.mjs'], a module that exports nothing" }),
  pluginClash: entry(3094, 'error', "Plugin '{plugin}' cannot be used: {clash}. Rename the type in '{file}', or remove one of the plugins.", 'Remove the duplicate entry, or rename the clashing type.',
    'A plugin listed twice, or two plugins (or a plugin and nnc) that define a type of the same name.',
    { files: withPlugins("['./plugins/a.mjs', './plugins/a.mjs']") }),
  pluginNotRun: entry(3095, 'info', "Plugin '{plugin}' was not run: {reason}. Layers and datasets of its types are read as written, unchecked.", "Nothing to do, or run the command that trusts plugins (nnc diff --trust-plugins).",
    "nnc diff compiles revisions without running their plugins unless given --trust-plugins; layers and datasets of plugin types are then compared as written.",
    { steps: 'nnc diff HEAD~1 in a project with plugins' }),
  pluginEncode: entry(3096, 'error', "Plugin '{plugin}' failed to encode sample {n}: {error}. Fix the sample, or the plugin's 'encode'.", "Fix the sample, or the plugin's encode.",
    "A plugin dataset type's encode turns each sample into a built-in type's sample; it threw, or returned a sample that does not fit.",
    { steps: "a sample of a plugin dataset type whose encode throws on it (projects/plugin-demo with a star_reviews sample of 6 stars)" }),
  pluginSourceNotSupported: entry(3098, 'error', "Dataset type '{type}' (plugin '{plugin}') takes inline samples only: nnc reads a 'source' file in the built-in layouts. Move the samples under 'samples', or convert the file to '{encodes}' and use that type.", "Move the samples inline, or convert the file to the built-in type the plugin encodes to.",
    'Samples of plugin dataset types are encoded inline; a source file is read in the built-in layouts only.',
    { steps: "a dataset of a plugin type with 'source: reviews.jsonl'" }),
  importUnsupportedLayer: entry(3100, 'error', "Layer '{layer}' is a '{class}', which nnc has no layer type for. nnc imports Embedding, Dense, Conv1D, LSTM, GRU, LayerNormalization, Dropout, Activation, GlobalAveragePooling1D/GlobalMaxPooling1D and nnc's own classes.", 'Import a model made of the layer classes nnc knows.',
    'nnc import writes a project for a TensorFlow.js layers model; a layer class with no nnc layer type cannot be written.',
    { steps: 'nnc import model.json --out my-model, for a model with a Conv2D layer' }),
  importDifferentComputation: entry(3101, 'error', "Layer '{layer}' ({class}) has {what}, which nnc's layers do not compute. Change it in the source model, or import a model without it.", 'Change the setting in the source model, or import one without it.',
    "A layer setting nnc's layers do not compute (an unknown activation, a constraint, a bias-less recurrent layer).",
    { steps: "nnc import model.json --out my-model, for a model whose Dense layer uses activation 'hard_swish'" }),
  importNotAChain: entry(3102, 'error', "Layer '{layer}' takes {count} inputs; nnc imports a chain of layers, each taking the one before it.", 'Import a model that is a chain of layers with Dense heads branching off it.',
    'nnc models are a chain of layers with heads; shared layers, merges and heads that are not Dense layers cannot be written as one.',
    { steps: 'nnc import model.json --out my-model, for a model with a Concatenate layer' }),
  importNote: entry(3103, 'info', "Layer names were changed to fit nnc's names (lowercase letters, digits, '_'): {renamed}.", 'Nothing to do: nnc says what it changed.',
    'What nnc import decided on its own: renamed layers, a source model it could not run to compare with.',
    { steps: "nnc import model.json --out my-model, for a model with a layer named 'Dense_1'" }),
  importOutputsDiffer: entry(3104, 'warning', "The imported model's outputs differ from the source model's by up to {difference} on the same inputs: a layer computes differently in nnc (see the warnings above).", 'Check the layers the warnings above name.',
    'nnc import runs both models on the same inputs and compares their outputs.',
    { steps: "nnc import model.json --out my-model, for a Keras model whose Embedding has mask_zero: true" }),
  importUnreadable: entry(3105, 'error', "Cannot read '{file}': {reason}. Give the model.json of a TensorFlow.js layers model.", 'Give the model.json of a TensorFlow.js layers model, and an empty folder for --out.',
    'The file given to nnc import is not a TensorFlow.js layers model, or the output folder already holds a project.',
    { steps: 'nnc import missing.json --out my-model' }),
} as const;
