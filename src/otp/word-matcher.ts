/**
 * Finding any of a list of words in a text, the way SMS texts need it: case-insensitive, inflections and
 * compounds allowed where a language builds them ("кода", "kodunuz", "Bestätigungscode"), and scripts
 * written without spaces (Chinese, Thai, Japanese) matched anywhere.
 *
 * An entry is a literal with optional '*' markers: `*code*` matches anywhere, even inside a word;
 * `verif*` must start a word and may continue ("verification", "verifikasi"); `pin` must be a whole word.
 * Word boundaries only concern letters of the scripts that separate words with spaces (Latin, Cyrillic,
 * Greek); an entry in any other script is always matched anywhere.
 *
 * Hits are widened to the whole word they sit in (for Latin, Cyrillic, Greek and Arabic letters), so the
 * text between a hit and a candidate code is only ever the words in between.
 */

export interface WordHit {
  start: number;
  end: number;
}

export type WordMatcher = (text: string) => WordHit[];

const SPACED_LETTER = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;
const WORD_LETTER = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}\p{Script=Arabic}\p{M}]/u;
const BOUNDARY_BEFORE = String.raw`(?<![\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}])`;
const BOUNDARY_AFTER = String.raw`(?![\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}])`;

export function isSpacedLetter(ch: string | undefined): boolean {
  return ch !== undefined && SPACED_LETTER.test(ch);
}

function isWordLetter(ch: string | undefined): boolean {
  return ch !== undefined && WORD_LETTER.test(ch);
}

function escapeLiteral(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s+');
}

function alternation(literals: string[]): string {
  // Longest first, so "kode verifikasi" wins over "kode" at the same position.
  const unique = [...new Set(literals)].sort((a, b) => b.length - a.length);
  return unique.map(escapeLiteral).join('|');
}

export function compileWordList(entries: readonly string[]): WordMatcher {
  const anywhere: string[] = [];
  const wordStart: string[] = [];
  const wholeWord: string[] = [];
  for (const entry of entries) {
    const open = entry.startsWith('*');
    const close = entry.endsWith('*');
    const literal = entry.slice(open ? 1 : 0, close ? -1 : undefined).toLowerCase();
    if (!literal) continue;
    const spacedStart = isSpacedLetter(literal[0]);
    const spacedEnd = isSpacedLetter(literal.at(-1));
    if (open || !spacedStart) anywhere.push(literal);
    else if (close || !spacedEnd) wordStart.push(literal);
    else wholeWord.push(literal);
  }
  const patterns: RegExp[] = [];
  if (anywhere.length) patterns.push(new RegExp(`(?:${alternation(anywhere)})`, 'giu'));
  if (wordStart.length) patterns.push(new RegExp(`${BOUNDARY_BEFORE}(?:${alternation(wordStart)})`, 'giu'));
  if (wholeWord.length) {
    patterns.push(new RegExp(`${BOUNDARY_BEFORE}(?:${alternation(wholeWord)})${BOUNDARY_AFTER}`, 'giu'));
  }

  return (text) => {
    const hits: WordHit[] = [];
    for (const pattern of patterns) {
      pattern.lastIndex = 0;
      for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
        if (m[0].length === 0) {
          pattern.lastIndex++;
          continue;
        }
        let start = m.index;
        let end = start + m[0].length;
        if (isWordLetter(text[start])) while (start > 0 && isWordLetter(text[start - 1])) start--;
        if (isWordLetter(text[end - 1])) while (end < text.length && isWordLetter(text[end])) end++;
        hits.push({ start, end });
        if (end > pattern.lastIndex) pattern.lastIndex = end;
      }
    }
    hits.sort((a, b) => a.start - b.start || a.end - b.end);
    return hits;
  };
}

/** Hits sorted by start, searchable by position, so each lookup only visits the hits around it. */
export interface HitIndex {
  /** Hits overlapping [from, to]. */
  near(from: number, to: number): WordHit[];
}

export function indexHits(hits: readonly WordHit[]): HitIndex {
  const sorted = [...hits].sort((a, b) => a.start - b.start);
  const longest = sorted.reduce((max, h) => Math.max(max, h.end - h.start), 0);
  return {
    near(from, to) {
      const lowest = from - longest;
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sorted[mid]!.start < lowest) lo = mid + 1;
        else hi = mid;
      }
      const found: WordHit[] = [];
      for (let i = lo; i < sorted.length && sorted[i]!.start <= to; i++) {
        if (sorted[i]!.end >= from) found.push(sorted[i]!);
      }
      return found;
    },
  };
}
