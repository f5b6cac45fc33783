/**
 * The word-language data set: words of five languages from the Debian word lists (packages
 * wamerican, wfrench, wngerman, witalian, wspanish), as padded character ids for a recurrent
 * model and as bags of characters for a baseline. Shared by examples/word-language.ts and its test.
 */
import { readFileSync } from 'node:fs';

/** The languages, in label order, and the file of each under /usr/share/dict. */
export const LANGUAGES: readonly (readonly [string, string])[] = [
  ['english', 'american-english'],
  ['french', 'french'],
  ['german', 'ngerman'],
  ['italian', 'italian'],
  ['spanish', 'spanish'],
];

/** Words with their labels, as character ids [n, maxLength] (0 pads the end) and as bags of characters. */
export interface WordSplit {
  words: string[];
  /** The language index of each word. */
  labels: Int32Array;
  /** Row i holds the ids of word i's characters, then zeros. */
  ids: Int32Array;
  /** Row i counts each character of word i ([n, alphabet.length + 1]; column 0 unused). */
  bags: Float32Array;
}

/** Train and test words, and the alphabet that numbers the characters. */
export interface WordDataset {
  /** Character i + 1 has id i + 1; id 0 is padding. */
  alphabet: string[];
  maxLength: number;
  train: WordSplit;
  test: WordSplit;
}

/** Options of `loadWordLanguages`. */
export interface WordDatasetArgs {
  /** Training words per language. */
  trainPerLanguage: number;
  /** Held-out words per language (never among the training words). */
  testPerLanguage: number;
  /** Longest word kept, in characters (default 12). */
  maxLength?: number;
  /** Which words are drawn (default 1). */
  seed?: number;
  /** Where the word lists are (default /usr/share/dict). */
  dir?: string;
}

/** A small seeded generator (mulberry32), so that the same seed draws the same words everywhere. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reads the five word lists, lowercases them, keeps words of letters only (accents included:
 * they are signal) of 2 to `maxLength` characters, drops words found in more than one language,
 * and draws a balanced train and test set.
 */
export function loadWordLanguages(args: WordDatasetArgs): WordDataset {
  const maxLength = args.maxLength ?? 12;
  const dir = args.dir ?? '/usr/share/dict';
  const letters = /^\p{L}+$/u;
  const lists = LANGUAGES.map(([, file]) => {
    const words = new Set<string>();
    for (const line of readFileSync(`${dir}/${file}`, 'utf8').split('\n')) {
      const w = line.trim().toLowerCase();
      if (w.length >= 2 && [...w].length <= maxLength && letters.test(w)) words.add(w);
    }
    return words;
  });
  const seen = new Map<string, number>();
  for (const list of lists) for (const w of list) seen.set(w, (seen.get(w) ?? 0) + 1);
  // The lists are sorted files, so the words come in a fixed order.
  const unique = lists.map((list) => [...list].filter((w) => seen.get(w) === 1));
  const characters = new Set<string>();
  for (const list of unique) for (const w of list) for (const c of w) characters.add(c);
  const alphabet = [...characters].sort();
  const idOf = new Map(alphabet.map((c, i) => [c, i + 1]));

  const random = generator(args.seed ?? 1);
  const picked = unique.map((list) => {
    const need = args.trainPerLanguage + args.testPerLanguage;
    if (list.length < need) throw new Error(`word-language: only ${list.length} usable words, ${need} wanted.`);
    const copy = [...list];
    for (let i = 0; i < need; i++) {
      const j = i + Math.floor(random() * (copy.length - i));
      [copy[i], copy[j]] = [copy[j]!, copy[i]!];
    }
    return copy.slice(0, need);
  });
  const split = (from: number, count: number): WordSplit => {
    // The languages take turns, so that any slice of the split is balanced.
    const entries: (readonly [string, number])[] = [];
    for (let k = 0; k < count; k++) picked.forEach((words, label) => entries.push([words[from + k]!, label]));
    const n = entries.length;
    const ids = new Int32Array(n * maxLength);
    const bags = new Float32Array(n * (alphabet.length + 1));
    entries.forEach(([w], i) => {
      [...w].forEach((c, t) => {
        const id = idOf.get(c)!;
        ids[i * maxLength + t] = id;
        bags[i * (alphabet.length + 1) + id]! += 1;
      });
    });
    return { words: entries.map(([w]) => w), labels: Int32Array.from(entries, ([, l]) => l), ids, bags };
  };
  return { alphabet, maxLength, train: split(0, args.trainPerLanguage), test: split(args.trainPerLanguage, args.testPerLanguage) };
}
