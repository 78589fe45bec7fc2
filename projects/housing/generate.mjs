// Writes datasets/sales.jsonl: flat sales in an invented city. Each flat has
// six features, [area_m2, rooms, age_years, distance_km, floor, garden], and
// its price in thousands of euros. The price follows a simple market rule
// (euros per square metre fall with the distance to the centre and with the
// building's age; gardens and upper floors add a little) plus 6% noise. One
// sale in 25 is an outlier at about twice its fair price (a luxury refit the
// features do not show): the reason this project uses the Huber loss.
// A fixed-seed PRNG makes the file the same on every run:
// `node projects/housing/generate.mjs`.
import { join } from 'node:path';
import { createDraws, datasetsDir, writeJsonl } from '../../scripts/data-generators.mjs';

const out = datasetsDir(import.meta.url);
const { random, uniform, gaussian } = createDraws(2718);

/** The market rule, in thousands of euros. */
function fairPrice([area, rooms, age, distance, floor, garden]) {
  const perSquareMetre = 3.4 * (0.45 + 0.55 * Math.exp(-distance / 6)) * (1 - 0.005 * Math.min(age, 80));
  return area * perSquareMetre + 8 * rooms + 25 * garden + 3 * Math.min(floor, 6);
}

function flat() {
  const rooms = 1 + Math.floor(random() * 5);
  const area = Math.round(18 + rooms * uniform(16, 30));
  const age = Math.floor(uniform(0, 90));
  const distance = Number((Math.abs(gaussian()) * 7 + 0.3).toFixed(1));
  const garden = random() < (distance > 6 ? 0.45 : 0.12) ? 1 : 0;
  const floor = garden ? 0 : Math.floor(uniform(0, 9));
  return [area, rooms, age, distance, floor, garden];
}

const sales = Array.from({ length: 500 }, () => {
  const input = flat();
  const outlier = random() < 0.04;
  const price = fairPrice(input) * (1 + 0.06 * gaussian()) * (outlier ? uniform(1.8, 2.4) : 1);
  return { input, target: Number(price.toFixed(1)) };
});
writeJsonl(join(out, 'sales.jsonl'), sales);
console.log(`sales.jsonl: ${sales.length} sales`);
