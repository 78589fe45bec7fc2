// Writes datasets/reviews.jsonl and datasets/topics.csv: short movie reviews
// built from templates with a fixed-seed PRNG, so the files are the same on
// every run. `node projects/sentiment/generate.mjs` regenerates them.
//
// reviews: sentiment follows the adjectives and closing remarks; about one
//   review in five uses a negation ("was not boring" is positive), which a
//   bag of words cannot read but the LSTM can.
// topics:  the aspect a review talks about (acting, plot, music, visuals,
//   ending), whatever its sentiment.
import { join } from 'node:path';
import { createDraws, datasetsDir, distinct, writeCsv, writeJsonl } from '../../scripts/data-generators.mjs';

const out = datasetsDir(import.meta.url);
const { random, pick, chance } = createDraws(20240611);

const SUBJECTS = {
  acting: ['the acting', 'the cast', 'the lead actor', 'the lead actress', 'the performances', 'the supporting cast', 'the villain'],
  plot: ['the plot', 'the story', 'the script', 'the twists', 'the pacing', 'the dialogue', 'the premise'],
  music: ['the soundtrack', 'the score', 'the music', 'the songs', 'the theme song', 'the sound design'],
  visuals: ['the cinematography', 'the visual effects', 'the camera work', 'the costumes', 'the sets', 'the lighting', 'the colors'],
  ending: ['the ending', 'the finale', 'the last act', 'the final scene', 'the conclusion', 'the last ten minutes'],
};
const TOPICS = Object.keys(SUBJECTS);

const POSITIVE = ['great', 'brilliant', 'wonderful', 'superb', 'moving', 'charming', 'clever', 'gripping', 'beautiful', 'stunning', 'delightful', 'excellent', 'memorable', 'fantastic', 'fresh', 'powerful'];
const NEGATIVE = ['awful', 'boring', 'dull', 'terrible', 'clumsy', 'forgettable', 'weak', 'messy', 'painful', 'bland', 'predictable', 'disappointing', 'dreadful', 'lazy', 'flat', 'tedious'];
const ADVERBS = ['really', 'truly', 'quite', 'very', 'simply', 'pretty', 'so'];
const OPENERS = ['honestly', 'overall', 'to be fair', 'i think', 'in my opinion', 'for me', 'well', 'i have to say'];
const CLOSERS = {
  positive: ['i would watch it again', 'highly recommended', 'five stars', 'go see it', 'loved every minute', 'a real treat'],
  negative: ['i want my money back', 'avoid this one', 'one star', 'skip it', 'what a waste of time', 'i almost fell asleep'],
  neutral: ['saw it last night', 'watched it with my family', 'saw it at the cinema', 'watched it on a plane', 'my friend picked it'],
};

const PLURAL = new Set(['the performances', 'the twists', 'the songs', 'the visual effects', 'the costumes', 'the sets', 'the colors', 'the last ten minutes']);
const be = (subject, singular, plural) => (PLURAL.has(subject) ? plural : singular);

/** One review clause about `subject` with sentiment `polarity`. */
function clause(subject, polarity) {
  const was = be(subject, 'was', 'were');
  const is = be(subject, 'is', 'are');
  const same = polarity === 'positive' ? POSITIVE : NEGATIVE;
  const other = polarity === 'positive' ? NEGATIVE : POSITIVE;
  if (chance(0.2)) {
    // negation: "not" + an adjective of the other polarity
    return pick([`${subject} ${was} not ${pick(other)} at all`, `${subject} ${was} not ${pick(other)}`, `${subject} ${is} never ${pick(other)}`, `i did not find ${subject} ${pick(other)}`]);
  }
  const a = pick(same);
  let b = pick(same);
  while (b === a) b = pick(same);
  return pick([
    `${subject} ${was} ${a}`,
    `${subject} ${is} ${pick(ADVERBS)} ${a}`,
    `${subject} felt ${a}`,
    `${subject} ${was} ${a} and ${b}`,
    `i found ${subject} ${a}`,
    `${subject} ${was} ${pick(ADVERBS)} ${a} and ${b}`,
  ]);
}

function review(topic, polarity) {
  let text = clause(pick(SUBJECTS[topic]), polarity);
  if (chance(0.35)) text = `${pick(OPENERS)}, ${text}`;
  const r = random();
  if (r < 0.3) text += `${pick(['. ', ', ', ' - '])}${pick(CLOSERS[polarity])}`;
  else if (r < 0.5) text += `${pick(['. ', ', '])}${pick(CLOSERS.neutral)}`;
  return text + pick(['', '', '.', '.', '!']);
}

const TOPIC_SENTENCES = {
  acting: ['the actors delivered every line with care', 'the cast had {adj} chemistry', 'nobody in the cast could act', 'the performances carried the whole film', 'the lead actor was {adj} in the role', 'the casting was {adj}', 'every actor seemed to be in a different movie', 'the villain stole every scene'],
  plot: ['the story made no sense', 'the twists kept coming', 'i could not follow the story', 'the script had {adj} dialogue', 'there were plot holes everywhere', 'the storyline was {adj}', 'i guessed the twist in the first scene', 'the premise was {adj}'],
  music: ['the songs stayed in my head for days', 'the score swelled in every scene', 'the music was too loud', 'i hummed the theme song all the way home', 'the soundtrack was {adj}', 'the orchestra sounded {adj}', 'the sound mix drowned out the dialogue'],
  visuals: ['every frame looked like a painting', 'the effects looked {adj}', 'the camera never stopped moving', 'the colors were {adj}', 'the costumes looked {adj}', 'the shots were framed with care', 'the night scenes were too dark to see'],
  ending: ['the ending came too fast', 'the final scene left me speechless', 'i did not expect the ending', 'the finale tied everything together', 'the last act dragged on', 'the conclusion was {adj}', 'the film just stopped without an ending'],
};

/** A sentence about `topic`: half of them reviews, half plain remarks. */
function topicSentence(topic) {
  if (chance(0.5)) return review(topic, chance(0.5) ? 'positive' : 'negative');
  const sentence = pick(TOPIC_SENTENCES[topic]).replace('{adj}', () => pick([...POSITIVE, ...NEGATIVE]));
  return `${chance(0.3) ? pick(OPENERS) + ', ' : ''}${sentence}${pick(['', '.', '!'])}`;
}

const reviews = distinct(800, () => {
  const label = chance(0.5) ? 'positive' : 'negative';
  return { input: review(pick(TOPICS), label), label };
});
writeJsonl(join(out, 'reviews.jsonl'), reviews);

const topics = distinct(600, () => {
  const label = pick(TOPICS);
  return { input: topicSentence(label), label };
});
writeCsv(join(out, 'topics.csv'), ['input', 'label'], topics);

console.log(`reviews.jsonl: ${reviews.length} reviews; topics.csv: ${topics.length} rows`);
