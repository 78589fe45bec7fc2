// Writes the three generation datasets of this project from a fixed-seed
// PRNG, so the files are the same on every run: `node projects/qa/generate.mjs`.
//
// facts.jsonl      qa: questions about 24 countries (capital, language,
//                  continent), each asked four ways. The validation split
//                  holds phrasings whose fact the model saw asked another way.
// news.jsonl       article_approximation: one-sentence local news items and
//                  a headline that copies the key words (city, thing, animal).
// sequences.csv    text_generation: the start of a sequence (numbers, days,
//                  months, letters) and its next three items.
import { join } from 'node:path';
import { createDraws, datasetsDir, writeCsv, writeJsonl } from '../../scripts/data-generators.mjs';

const out = datasetsDir(import.meta.url);
const { pick, shuffle } = createDraws(1001);

// --- facts: [country, capital, language, continent]
const COUNTRIES = [
  ['france', 'paris', 'french', 'europe'], ['germany', 'berlin', 'german', 'europe'], ['spain', 'madrid', 'spanish', 'europe'],
  ['italy', 'rome', 'italian', 'europe'], ['portugal', 'lisbon', 'portuguese', 'europe'], ['the netherlands', 'amsterdam', 'dutch', 'europe'],
  ['poland', 'warsaw', 'polish', 'europe'], ['greece', 'athens', 'greek', 'europe'], ['sweden', 'stockholm', 'swedish', 'europe'],
  ['japan', 'tokyo', 'japanese', 'asia'], ['china', 'beijing', 'chinese', 'asia'], ['india', 'new delhi', 'hindi', 'asia'],
  ['thailand', 'bangkok', 'thai', 'asia'], ['south korea', 'seoul', 'korean', 'asia'], ['egypt', 'cairo', 'arabic', 'africa'],
  ['kenya', 'nairobi', 'swahili', 'africa'], ['ethiopia', 'addis ababa', 'amharic', 'africa'], ['brazil', 'brasilia', 'portuguese', 'south america'],
  ['argentina', 'buenos aires', 'spanish', 'south america'], ['peru', 'lima', 'spanish', 'south america'], ['mexico', 'mexico city', 'spanish', 'north america'],
  ['canada', 'ottawa', 'english and french', 'north america'], ['australia', 'canberra', 'english', 'oceania'], ['new zealand', 'wellington', 'english', 'oceania'],
];
const QUESTIONS = [
  ['what is the capital of {c}?', 'which city is the capital of {c}?', 'name the capital of {c}.', '{c} has which capital?'],
  ['what language do people speak in {c}?', 'which language is spoken in {c}?', 'what is the main language of {c}?', 'in {c} people speak which language?'],
  ['on which continent is {c}?', 'which continent is {c} in?', '{c} is on which continent?', 'where is {c}?'],
];
const facts = [];
for (const [country, ...answers] of COUNTRIES) {
  QUESTIONS.forEach((phrasings, relation) => {
    for (const q of phrasings) facts.push({ question: q.replace('{c}', country), answer: answers[relation] });
  });
}
shuffle(facts);
writeJsonl(join(out, 'facts.jsonl'), facts);

// --- news: [article template, headline template]
const CITIES = ['springfield', 'riverton', 'lakeside', 'oakvale', 'millbrook', 'hillcrest', 'fairport', 'stonebridge'];
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
const THINGS = ['bridge', 'library', 'school', 'hospital', 'stadium', 'park'];
const ANIMALS = ['elephant', 'giraffe', 'penguin', 'tiger', 'panda', 'zebra'];
const SHOPS = ['bakery', 'bookshop', 'cinema', 'market', 'cafe'];
const VEHICLES = ['bus', 'tractor', 'boat', 'van', 'bicycle'];
const NUMBERS = ['two', 'three', 'five', 'ten', 'twenty', 'forty', 'fifty'];
const NEWS = [
  ['the {city} council voted on {day} to build a new {thing}.', '{city} builds new {thing}'],
  ['heavy rain flooded {city} on {day} and {n} families left home.', 'floods hit {city}'],
  ['{city} zoo welcomed a baby {animal} on {day}.', 'baby {animal} born in {city}'],
  ['a new {shop} opened in {city} on {day} to long queues.', 'new {shop} opens in {city}'],
  ['police in {city} are looking for a {vehicle} stolen on {day}.', '{vehicle} stolen in {city}'],
  ['the old {thing} in {city} will close on {day} for repairs.', '{city} {thing} closes for repairs'],
  ['fire crews in {city} rescued a {animal} from a roof on {day}.', '{animal} rescued in {city}'],
];
const slots = () => ({ city: pick(CITIES), day: pick(DAYS), thing: pick(THINGS), animal: pick(ANIMALS), shop: pick(SHOPS), vehicle: pick(VEHICLES), n: pick(NUMBERS) });
const news = [];
const seenNews = new Set();
while (news.length < 240) {
  const [article, headline] = pick(NEWS);
  const s = slots();
  const fill = (t) => t.replace(/\{(\w+)\}/g, (_, k) => s[k]);
  const text = fill(article);
  if (seenNews.has(text)) continue;
  seenNews.add(text);
  news.push({ text, summary: fill(headline) });
}
writeJsonl(join(out, 'news.jsonl'), news);

// --- sequences: the next three items after two to four given ones
const SERIES = {
  numbers: { items: 'one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty'.split(' '), cyclic: false },
  days: { items: DAYS, cyclic: true },
  months: { items: 'january february march april may june july august september october november december'.split(' '), cyclic: true },
  letters: { items: 'abcdefghijklmnopqrstuvwxyz'.split(''), cyclic: false },
};
const sequences = [];
for (const { items, cyclic } of Object.values(SERIES)) {
  for (let given = 2; given <= 4; given++) {
    const starts = cyclic ? items.length : items.length - given - 3 + 1;
    for (let start = 0; start < starts; start++) {
      const at = (k) => items[(start + k) % items.length];
      const input = Array.from({ length: given }, (_, k) => at(k)).join(' ');
      const target = [0, 1, 2].map((k) => at(given + k)).join(' ');
      sequences.push({ input, target });
    }
  }
}
shuffle(sequences);
writeCsv(join(out, 'sequences.csv'), ['input', 'target'], sequences);

console.log(`facts.jsonl: ${facts.length}; news.jsonl: ${news.length}; sequences.csv: ${sequences.length}`);
