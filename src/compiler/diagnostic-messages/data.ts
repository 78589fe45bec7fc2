// NNC4xxx: a dataset's source file (data.ts, dataset-columns.ts). Errors in a
// record point at the record's line in the data file (JSONL: its line; CSV:
// its line with the header counted), with a related location at 'source:'.
import { entry } from './entry.js';
import { dataset } from './example-project.js';

const SOURCE = (file: string) => dataset(`type: binary_classification\nhead: sentiment\nsource: ${file}\n`);

export const DATA_MESSAGES = {
  sourceMissing: entry(4001, 'error', "Cannot read the source '{source}': {reason}. Check the path; it is relative to this file.", 'Check the path; it is relative to the YAML file that names it.',
    "A dataset's source file does not exist or cannot be read.",
    { files: { 'datasets/reviews.yaml': SOURCE('reviews.jsonl') } }),
  malformedRecord: entry(4002, 'error', "Record {n} of '{source}' is not valid JSON ({reason}). Write one JSON object per line.", 'Write one JSON object per line (JSONL), or an array of objects (JSON).',
    'A JSONL line that is not a JSON object, or a .json file that is not an array of objects. The diagnostic points at the line in the data file.',
    { files: { 'datasets/reviews.yaml': SOURCE('reviews.jsonl'), 'datasets/reviews.jsonl': '{"input": "good", "label": 1}\n{"input": "bad", "label": 0\n' } }),
  sourceOutsideProject: entry(4003, 'error', "The source '{source}' is outside the project folder, so it was not read. Move the file into the project and point 'source' at it with a path relative to this file.", 'Move the file into the project, or copy it there instead of linking to it.',
    'nnc reads only files inside the project folder, symlinks resolved, so that a project cannot read files of the machine it is checked on.',
    { files: { 'datasets/reviews.yaml': SOURCE('../../secret.jsonl') } }),
  recordDoesNotFit: entry(4005, 'error', "Record {n} of '{source}' {problem}. Fix the record or change the dataset's type.", "Fix the record, or change the dataset's type.",
    "A record whose fields do not fit the dataset's type (a missing field, a label that is not 0, 1 or a class name). The diagnostic points at the record's line in the data file, so that an editor jumps there; the related location is the dataset's 'source:' key. The first 5 such records are shown, then a count.",
    { files: { 'datasets/reviews.yaml': SOURCE('reviews.jsonl'), 'datasets/reviews.jsonl': '{"input": "good", "label": 1}\n\n{"input": "bad"}\n' } }),
  badCsv: entry(4006, 'error', "The CSV '{source}' cannot be parsed: {reason}. Give every row as many cells as the header, and quote cells that hold commas.", 'Give every row as many cells as the header, and quote cells that hold commas.',
    'A CSV row whose cells do not match the header, or an unclosed quote.',
    { files: { 'datasets/reviews.yaml': SOURCE('reviews.csv'), 'datasets/reviews.csv': 'input,label\ngood film,1\nbad\n' } }),
  emptySource: entry(4007, 'warning', "The source '{source}' holds no records. Add records or remove 'source'.", "Add records, or remove 'source'.",
    'A source file with no records adds nothing to its dataset.',
    { files: { 'datasets/reviews.yaml': dataset('type: binary_classification\nhead: sentiment\nsource: reviews.jsonl\nsamples:\n  - {input: "good", label: 1}\n  - {input: "bad", label: 0}\n'), 'datasets/reviews.jsonl': '\n' } }),
  sourceNotRegular: entry(4008, 'error', "Cannot read the source '{source}': it is not a regular file. Point 'source' at a regular file.", "Point 'source' at a regular file.",
    'A source that is a FIFO, a device or a socket is refused without being opened.',
    { steps: 'mkfifo datasets/reviews.jsonl && nnc check' }),
  sourceTooLarge: entry(4009, 'error', "Cannot read the source '{source}': it is larger than 256 MiB. Split it into several datasets, each with its own source.", 'Split it into several datasets, each with its own source.',
    'A source over 256 MiB (about 3 million short records) is not read. The limit lives in src/compiler/limits.ts.',
    { steps: 'a datasets/reviews.jsonl of 300 MiB' }),
  csvHeader: entry(4010, 'error', "The header of '{source}' {problem}; a '{type}' record has the columns '{a}' and '{b}'. Rename the columns in the first line.", "Name the columns in the CSV's first line after the dataset type's fields.",
    "A CSV's first line names its columns, and they must be the fields of the dataset's type. A header that lacks one or has another is one error at the header, not one per record.",
    { files: { 'datasets/reviews.yaml': SOURCE('reviews.csv'), 'datasets/reviews.csv': 'text,label\ngood film,1\nbad film,0\n' } }),
} as const;
