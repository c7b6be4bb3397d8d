import { distance } from 'fastest-levenshtein';

/**
 * The candidate `word` was most likely meant to be (`retry_limt` -> `retry_limit`, `depends_on` ->
 * `depends_on_step`), or `undefined` when none is close enough to be a helpful guess.
 */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: { candidate: string; score: number } | undefined;
  const allowed = Math.max(1, Math.floor(word.length / 3));
  for (const candidate of candidates) {
    const edits = distance(word.toLowerCase(), candidate.toLowerCase());
    const prefix = word.length >= 4 && candidate.startsWith(word);
    if (edits > allowed && !prefix) continue;
    const score = prefix ? Math.min(edits, allowed) : edits;
    if (!best || score < best.score) best = { candidate, score };
  }
  return best?.candidate;
}

/** `; did you mean 'x'?` when there is a close candidate, `''` otherwise. */
export function didYouMean(word: string, candidates: Iterable<string>): string {
  const guess = suggest(word, candidates);
  return guess === undefined ? '' : `; did you mean '${guess}'?`;
}
