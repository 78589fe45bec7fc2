// Writes datasets/reviews.yaml (a 'star_reviews' Dataset, the plugin's type)
// from templates with a fixed-seed PRNG: `node projects/plugin-demo/generate.mjs`.
// Plugin dataset types take inline samples, so the samples are written into
// the YAML, one `- {review: ..., stars: n}` a line.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDraws, datasetsDir, distinct } from '../../scripts/data-generators.mjs';

const { pick, int } = createDraws(1818);
const THINGS = ['film', 'movie', 'story', 'plot', 'cast', 'ending', 'script', 'soundtrack'];
const GOOD = ['great', 'wonderful', 'brilliant', 'moving', 'funny', 'superb', 'clever', 'lovely'];
const BAD = ['awful', 'boring', 'dull', 'terrible', 'weak', 'clumsy', 'tedious', 'silly'];
const OPENERS = ['the', 'this', 'a truly', 'honestly the', 'i thought the'];

const good = () => `${pick(OPENERS)} ${pick(THINGS)} was ${pick(GOOD)}`;
const bad = () => `${pick(OPENERS)} ${pick(THINGS)} was ${pick(BAD)}`;
const ROWS = {
  1: () => `${bad()} and ${pick(BAD)}`,
  2: () => bad(),
  3: () => (int(0, 1) ? `${good()} but the ${pick(THINGS)} was ${pick(BAD)}` : `${bad()} but the ${pick(THINGS)} was ${pick(GOOD)}`),
  4: () => good(),
  5: () => `${good()} and ${pick(GOOD)}`,
};

const rows = distinct(360, () => {
  const stars = int(1, 5);
  return { input: ROWS[stars](), stars };
});
const lines = [
  '# yaml-language-server: $schema=../../../schemas/dataset.schema.json',
  '# Written by generate.mjs. A dataset type from the plugin: each sample has the',
  "# plugin's fields (review, stars); the plugin encodes it as a classification sample.",
  'apiVersion: nnc/v1',
  'kind: Dataset',
  'name: reviews',
  'type: star_reviews',
  'head: rating',
  'samples:',
  ...rows.map((r) => `  - {review: ${JSON.stringify(r.input)}, stars: ${r.stars}}`),
];
writeFileSync(join(datasetsDir(import.meta.url), 'reviews.yaml'), `${lines.join('\n')}\n`);
