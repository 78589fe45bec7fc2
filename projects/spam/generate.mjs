// Writes datasets/messages.jsonl and datasets/urgency.csv from templates with
// a fixed-seed PRNG, so the files are the same on every run:
// `node projects/spam/generate.mjs`.
//
// messages: text messages labelled 1 (spam) or 0 (ham). Spam offers prizes,
//   loans and links; ham is everyday chat. Some ham uses spammy words ("are
//   you free", "we won the match") and some spam is low-key, so single words
//   are not enough.
// urgency:  work messages with an urgency from 0 (whenever) to 1 (drop
//   everything): each message has a base urgency, words like "asap" or
//   "no rush" and exclamation marks move it, plus a little noise.
import { join } from 'node:path';
import { createDraws, datasetsDir, distinct, writeCsv, writeJsonl } from '../../scripts/data-generators.mjs';

const out = datasetsDir(import.meta.url);
const { random, pick, int, shuffle } = createDraws(8008);
const digits = (n) => Array.from({ length: n }, () => int(0, 9)).join('');

const NAMES = ['anna', 'ben', 'carla', 'dev', 'emma', 'finn', 'grace', 'sam', 'tom', 'zoe'];
const DAYS = ['monday', 'tuesday', 'friday', 'saturday', 'sunday', 'tonight', 'tomorrow'];
const MEALS = ['lunch', 'dinner', 'coffee', 'drinks', 'brunch'];
const ITEMS = ['milk', 'bread', 'the kids', 'my jacket', 'some eggs', 'the parcel'];
const TIMES = ['9', '10:30', 'noon', '3pm', '6', 'half past 7'];
const SLOTS = {
  name: () => pick(NAMES), day: () => pick(DAYS), meal: () => pick(MEALS), item: () => pick(ITEMS), time: () => pick(TIMES),
  n: () => String(int(2, 40)), prize: () => pick(['iphone', 'holiday', 'gift card', 'tablet', 'cruise', 'new car']),
  phone: () => `0800 ${digits(6)}`, short: () => digits(5), amount: () => String(int(5, 50) * 100),
  url: () => `www.${pick(['bestdeal', 'prizes', 'secure-login', 'cash4u', 'winnow', 'offers'])}${int(1, 99)}.com`,
  pct: () => String(int(3, 9) * 10), product: () => pick(['shoes', 'watches', 'perfume', 'phones', 'vitamins']),
};
const fill = (template) => template.replace(/\{(\w+)\}/g, (_, slot) => SLOTS[slot]());

const HAM = [
  'are we still on for {meal} {day}?', "i'll be there in {n} minutes", 'can you pick up {item} on the way home',
  'running late, start without me', 'happy birthday {name}! have a great day', 'did you see the game last night?',
  "call me when you're free", 'the meeting moved to {time}', 'thanks for {meal}, it was lovely',
  "don't forget {name}'s party on {day}", 'we won the match! {n} to 2', 'mum says hi. see you {day}',
  'can i borrow your charger?', 'ok see you at {time}', 'are you free for {meal} {day}?', 'just landed, call you later',
  'the train is delayed again, home by {time}', '{name} is bringing the cake', 'where did you park?',
  'got the tickets for {day}!', 'can you text me the address?', 'no worries, take your time',
  // ham that looks like spam
  'the shop has {pct}% off {product}, want to go?', 'i won a {prize} in the office raffle!', 'the photos are up at www.photos{n}.com',
  'can you call {phone}? it is the plumber', 'free {meal} at work today, come by', 'reply yes if you want a lift {day}',
];
const SPAM = [
  'congratulations! you have won a {prize}. call {phone} now to claim', 'urgent: your account is locked. verify at {url}',
  'free {prize} for the first 100 callers! text win to {short}', 'you are selected for a £{amount} cash prize. reply yes to claim',
  'win a brand new {prize}! text go to {short} now', 'limited offer: {pct}% off all {product}. shop now at {url}',
  'your loan of ${amount} is approved. call {phone} today', 'final notice: claim your reward before {day} at {url}',
  'you have 1 unclaimed prize. reply stop to opt out', 'exclusive deal for you: {pct}% off {product} today only',
  'your parcel is on hold, pay the fee at {url}', 'act now! cheap {product} shipped free, visit {url}',
  'you have been chosen for a special reward, reply yes', 'claim your free {prize} today, call {phone}',
  // spam that looks like ham
  'hi {name}, your photos are here: {url}', 'hey, are you free {day}? call me on {phone}',
  'we tried to reach you about your {product} order, call {phone}', 'hi, i saw your profile. text me at {short}',
];

const GREETINGS = ['', '', '', 'hey, ', 'hi {name}, ', 'ok ', 'sorry, '];
const SIGN_OFFS = ['', '', '', ' x', ' :)', ' thanks'];
const ham = distinct(455, () => ({ input: fill(pick(GREETINGS) + pick(HAM) + pick(SIGN_OFFS)), label: 0 }));
const spam = distinct(245, () => ({ input: fill(pick(SPAM)), label: 1 }));
// shuffle the two piles together
const messages = shuffle([...ham, ...spam]);
writeJsonl(join(out, 'messages.jsonl'), messages);

// [message, base urgency]
const WORK = [
  ['the server is down', 0.75], ['the client is waiting for the report', 0.6], ['the build is broken on main', 0.6],
  ['please review my pull request', 0.35], ['can you send me the slides', 0.3], ['lunch on friday', 0.05],
  ['the newsletter is out', 0.02], ['payroll fails to run', 0.7], ['please sign the contract', 0.45],
  ['can we move our 1:1', 0.2], ['the demo starts in 10 minutes', 0.65], ['new coffee machine in the kitchen', 0.0],
  ['invoice 2291 is overdue', 0.5], ['can you update the wiki page', 0.15], ['the backup did not finish', 0.55],
];
// [phrase, change in urgency]; a message takes phrases from one group only
const MODIFIERS = [
  [['asap', 0.3], ['urgent:', 0.3], ['right now', 0.2], ['today', 0.1], ['please call me', 0.15]],
  [['no rush', -0.3], ['whenever you have time', -0.3], ['next week is fine', -0.25], ['fyi', -0.1]],
];

const clamp = (v) => Math.min(1, Math.max(0, v));
const urgency = distinct(500, () => {
  const [message, base] = pick(WORK);
  let text = message;
  let value = base;
  const group = pick(MODIFIERS);
  for (let k = int(0, 2); k > 0; k--) {
    const [phrase, change] = pick(group);
    if (text.includes(phrase)) continue;
    text = phrase.endsWith(':') || phrase === 'fyi' ? `${phrase} ${text}` : `${text}, ${phrase}`;
    value += change;
  }
  const bangs = int(0, 3) === 0 ? int(1, 3) : 0;
  text += bangs ? '!'.repeat(bangs) : pick(['', '.']);
  value += 0.08 * bangs + (random() - 0.5) * 0.1;
  return { input: text, target: Number(clamp(value).toFixed(2)) };
});
writeCsv(join(out, 'urgency.csv'), ['input', 'target'], urgency);

console.log(`messages.jsonl: ${messages.length} messages; urgency.csv: ${urgency.length} rows`);
