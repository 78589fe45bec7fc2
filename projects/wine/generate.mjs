// Writes datasets/cultivars.jsonl and datasets/quality.jsonl: wine analyses
// with the 13 measurements of the classic UCI wine study (three cultivars
// grown in the same region of Italy). The numbers are synthetic: drawn per
// cultivar from normal distributions with that study's class means and
// standard deviations (widened by half, so the cultivars overlap a little
// more than in the study and a perfect score is not a given), with a shared "phenolic" factor so phenols,
// flavanoids, proanthocyanins and OD280 rise and fall together as they do
// in real wine. A fixed-seed PRNG makes the files the same on every run:
// `node projects/wine/generate.mjs`.
//
// quality: an invented tasting score (0-10), linear in alcohol, flavanoids,
// color, malic acid and alcalinity plus noise, so a model can explain about
// three quarters of its variance.
import { join } from 'node:path';
import { createDraws, datasetsDir, writeJsonl } from '../../scripts/data-generators.mjs';

const out = datasetsDir(import.meta.url);
const { random, gaussian } = createDraws(13);

export const FEATURES = [
  'alcohol', 'malic_acid', 'ash', 'alcalinity_of_ash', 'magnesium', 'total_phenols', 'flavanoids',
  'nonflavanoid_phenols', 'proanthocyanins', 'color_intensity', 'hue', 'od280_od315', 'proline',
];
// [mean, standard deviation] per feature, in FEATURES order
const CULTIVARS = {
  barolo: [[13.74, 0.46], [2.01, 0.69], [2.46, 0.23], [17.04, 2.55], [106.3, 10.5], [2.84, 0.34], [2.98, 0.4], [0.29, 0.07], [1.9, 0.41], [5.53, 1.24], [1.06, 0.12], [3.16, 0.36], [1116, 221]],
  grignolino: [[12.28, 0.54], [1.93, 1.02], [2.24, 0.32], [20.24, 3.35], [94.5, 16.8], [2.26, 0.55], [2.08, 0.71], [0.36, 0.12], [1.63, 0.6], [3.09, 0.92], [1.06, 0.2], [2.79, 0.5], [520, 158]],
  barbera: [[13.15, 0.53], [3.33, 1.09], [2.44, 0.18], [21.42, 2.26], [99.3, 10.9], [1.68, 0.36], [0.78, 0.29], [0.45, 0.12], [1.15, 0.41], [7.4, 2.31], [0.68, 0.11], [1.68, 0.27], [630, 115]],
};
// the study's class shares: 59, 71 and 48 of 178 wines
const SHARES = [['barolo', 59], ['grignolino', 71], ['barbera', 48]];
const SPREAD = 1.5;
const PHENOLIC = new Set([5, 6, 8, 11]); // indexes that load on the shared factor
const DECIMALS = [2, 2, 2, 1, 0, 2, 2, 2, 2, 2, 3, 2, 0];

function drawCultivar() {
  let r = random() * 178;
  for (const [name, count] of SHARES) {
    if ((r -= count) < 0) return name;
  }
  return SHARES[SHARES.length - 1][0];
}

function analysis(cultivar) {
  const phenolic = gaussian();
  return CULTIVARS[cultivar].map(([mean, sd], i) => {
    const z = PHENOLIC.has(i) ? 0.7 * phenolic + 0.71 * gaussian() : gaussian();
    const value = Math.max(mean + SPREAD * sd * z, mean * 0.2); // no negative concentrations
    return Number(value.toFixed(DECIMALS[i]));
  });
}

// overall means and spreads, to turn measurements into the quality score
const OVERALL = { alcohol: [13.0, 0.81], flavanoids: [2.03, 1.0], color_intensity: [5.06, 2.32], malic_acid: [2.34, 1.12], alcalinity_of_ash: [19.5, 3.34] };
const z = (row, name) => (row[FEATURES.indexOf(name)] - OVERALL[name][0]) / OVERALL[name][1];
function quality(row) {
  const score = 5.8 + 0.55 * z(row, 'alcohol') + 0.4 * z(row, 'flavanoids') + 0.25 * z(row, 'color_intensity')
    - 0.3 * z(row, 'malic_acid') - 0.2 * z(row, 'alcalinity_of_ash') + 0.4 * gaussian();
  return Number(Math.min(10, Math.max(0, score)).toFixed(1));
}

const cultivars = Array.from({ length: 600 }, () => {
  const label = drawCultivar();
  return { input: analysis(label), label };
});
writeJsonl(join(out, 'cultivars.jsonl'), cultivars);

const scores = Array.from({ length: 400 }, () => {
  const input = analysis(drawCultivar());
  return { input, target: quality(input) };
});
writeJsonl(join(out, 'quality.jsonl'), scores);

console.log(`cultivars.jsonl: ${cultivars.length} wines; quality.jsonl: ${scores.length} wines`);
