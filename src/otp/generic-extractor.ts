/**
 * The generic reading of an SMS: every token that could be its one-time code, each with how far it sits
 * from a word announcing a code, and the rule choosing among them.
 *
 * Candidates:
 * - a standalone run of 4–8 digits ("482913"), glued to nothing but punctuation, a code keyword
 *   ("OTP482913") or non-Latin script ("验证码482913，");
 * - a split code, joined: "123-456", "123 456", "1234-5678";
 * - a prefixed code, digits only: "G-123456", "FB-12345";
 * - a letters-and-digits code when the text clearly marks it ("code: AB12CD", "Ваш код: X7K9P2",
 *   "A7K9P2 is your code");
 * - the code of a WebOTP line ("@example.com #123456").
 *
 * Never candidates: phone numbers ("+62 812-3456-7890", "8 800 555 35 35", "(021) 500-4545"), dates and
 * times ("2025-06-17", "17.06.2025", "17/06", "12:30"), amounts ("Rp 50.000", "$12.99", "1,500 RUB",
 * "1500 руб", "3000元"), links and e-mail addresses, numbers just after an order/account/card/phone word
 * ("Order #12345", "card ending 1234", "Reply STOP to 12345"), and years standing alone ("© 2025").
 *
 * The scan is linear: one pass over digit groups, one over ASCII words, word lists compiled once.
 */
import {
  AFTER_CODE_LEADS,
  CONNECTORS,
  COPULAS,
  CURRENCY_WORDS,
  findCodeKeywords,
  findNotACodeWords,
  NOT_A_CODE_WORD,
  QUANTITY_WORDS,
  UNIT_CHARACTERS,
} from './keywords.ts';
import { isMasked, maskLinks } from './text-masks.ts';
import { type HitIndex, indexHits, isSpacedLetter, type WordHit } from './word-matcher.ts';

export type CandidateKind = 'digits' | 'split' | 'prefixed' | 'alphanumeric' | 'webotp';

export interface Candidate {
  /** The code as a client should type it: split codes joined, prefixes dropped. */
  value: string;
  kind: CandidateKind;
  /** Span of the token in the normalised text (a prefixed code's span includes its prefix). */
  start: number;
  end: number;
  /** Characters between the token and the nearest code keyword; Infinity when none is within reach. */
  distance: number;
}

/** A keyword further than this from a token does not mark it. */
const KEYWORD_REACH = 80;
/** How far back a word like "order" or "card" disqualifies a number. */
const NOT_A_CODE_REACH = 30;
/** Longest text between a keyword and a letters-and-digits code it marks. */
const MARK_REACH = 40;

const SINGLE_SEPARATORS = new Set(['-', '.', ',', '/', ':', ' ']);
/** Characters that, glued before a number, make it something else (phone, id, link, price, masked card). */
const BAD_BEFORE = new Set([
  ..."+#№*•×/\\.@_&?%'©®™",
  '\u2022', // bullet (masked card digits)
]);
const BAD_AFTER = new Set([..."%°‰@_/\\&+'"]);
/** Two-letter prefixes and friends that are ids, not brand prefixes ("ID-12345", "NO-1234"). */
const NOT_A_CODE_PREFIX = new Set([
  'ID',
  'NO',
  'NR',
  'REF',
  'INV',
  'ORD',
  'SKU',
  'TRX',
  'TXN',
  'PO',
  'SO',
  'BK',
]);
const HARD_BREAKS = new Set([...'\n!?。！？']);
const CURRENCY_SYMBOL = /\p{Sc}/u;
const WORD_CHARACTER = /[\p{L}\p{M}$.']/u;
const SENTENCE_BREAK = /[.!?。！？]/;
/** A number that could itself be a code; shorter ones and digits inside names ("Winee3", "1mg") may sit in a gap. */
const LONG_NUMBER = /(?<![\p{L}\d])\d{4,}(?![\p{L}\d])/u;
const PREPOSITIONS = new Set([
  'for',
  'of',
  'on',
  'with',
  'from',
  'to',
  'untuk',
  'dari',
  'ke',
  'pada',
  'для',
  'по',
  'на',
  'от',
  'para',
  'por',
  'pour',
  'per',
  'de',
  'du',
  'des',
  'del',
  'für',
  'zu',
  'cho',
  'için',
  'के',
  'ของ',
  '的',
]);
const GAP_SPLIT = /[\s:=\-–—"'«»“”„‘’[\](){}【】「」『』<>《》*,，、]+/u;

const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
const isAsciiUpper = (ch: string | undefined): boolean => ch !== undefined && ch >= 'A' && ch <= 'Z';
const isAsciiAlnum = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z0-9]/.test(ch);

type Mark = 'strong' | 'bare' | null;

interface DigitGroup {
  start: number;
  end: number;
  /** Separator between the previous group and this one ('' for the first). */
  separator: string;
}

interface Context {
  text: string;
  links: Uint8Array;
  keywords: HitIndex;
  notACode: HitIndex;
}

/** The word (or currency symbol) just before `position`, across at most two spaces; lowercase. */
function wordBefore(text: string, position: number): string {
  let j = position - 1;
  for (let spaces = 0; j >= 0 && text[j] === ' ' && spaces < 2; spaces++) j--;
  const ch = text[j];
  if (ch === undefined) return '';
  if (CURRENCY_SYMBOL.test(ch)) return ch;
  let k = j;
  while (k >= 0 && j - k < 12 && WORD_CHARACTER.test(text[k]!)) k--;
  return trimDots(text.slice(k + 1, j + 1));
}

/** The word (or currency symbol) just after `position`, across at most two spaces; lowercase. */
function wordAfter(text: string, position: number): string {
  let j = position;
  for (let spaces = 0; j < text.length && text[j] === ' ' && spaces < 2; spaces++) j++;
  const ch = text[j];
  if (ch === undefined) return '';
  if (CURRENCY_SYMBOL.test(ch) || UNIT_CHARACTERS.has(ch)) return ch;
  let k = j;
  while (k < text.length && k - j < 12 && WORD_CHARACTER.test(text[k]!)) k++;
  return trimDots(text.slice(j, k));
}

function trimDots(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && word[start] === '.') start++;
  while (end > start && word[end - 1] === '.') end--;
  return word.slice(start, end).toLowerCase();
}

function isMoneyOrQuantity(text: string, start: number, end: number): boolean {
  const before = wordBefore(text, start);
  if (before && (CURRENCY_WORDS.has(before) || CURRENCY_SYMBOL.test(before))) return true;
  const after = wordAfter(text, end);
  if (!after) return false;
  return (
    CURRENCY_WORDS.has(after) ||
    QUANTITY_WORDS.has(after) ||
    CURRENCY_SYMBOL.test(after[0]!) ||
    UNIT_CHARACTERS.has(after[0]!)
  );
}

function keywordEndingAt(keywords: HitIndex, position: number): boolean {
  return keywords.near(position, position).some((k) => k.end === position);
}

/**
 * What is glued to the left of a digit token: nothing that matters ('ok'), a brand prefix such as "G-"
 * (its start), or something that makes the token not a code ('reject').
 */
function leftEdge(ctx: Context, start: number): 'ok' | 'reject' | number {
  const { text } = ctx;
  const ch = text[start - 1];
  if (ch === undefined) return 'ok';
  if (isSpacedLetter(ch)) return keywordEndingAt(ctx.keywords, start) ? 'ok' : 'reject';
  if (ch === '-') {
    let k = start - 2;
    while (k >= 0 && start - 2 - k < 4 && isAsciiUpper(text[k])) k--;
    const letters = text.slice(k + 1, start - 1);
    const beforeLetters = text[k];
    if (
      letters.length >= 1 &&
      !isAsciiUpper(beforeLetters) &&
      !isSpacedLetter(beforeLetters) &&
      !isDigit(beforeLetters) &&
      beforeLetters !== '-' &&
      !NOT_A_CODE_PREFIX.has(letters)
    ) {
      return k + 1;
    }
    return 'reject';
  }
  if (BAD_BEFORE.has(ch) || CURRENCY_SYMBOL.test(ch)) return 'reject';
  return 'ok';
}

function rightEdgeOk(text: string, end: number): boolean {
  const ch = text[end];
  if (ch === undefined) return true;
  if (isSpacedLetter(ch) || BAD_AFTER.has(ch) || CURRENCY_SYMBOL.test(ch) || UNIT_CHARACTERS.has(ch)) {
    return false;
  }
  if (ch === '-' && isAsciiAlnum(text[end + 1])) return false;
  return true;
}

function keywordDistance(keywords: HitIndex, start: number, end: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (const k of keywords.near(start - KEYWORD_REACH, end + KEYWORD_REACH)) {
    const gap = k.end <= start ? start - k.end : k.start >= end ? k.start - end : 0;
    if (gap < best) best = gap;
  }
  return best <= KEYWORD_REACH ? best : Number.POSITIVE_INFINITY;
}

/**
 * "Код подтверждения Ticketmaster: …", "Ваш код Conta Simples: …": the word is part of the name of the
 * service the keyword introduces (no preposition between, as "OTP for order 12345" would have).
 */
function namesAfterKeyword(ctx: Context, word: WordHit): boolean {
  let nearest: WordHit | undefined;
  for (const k of ctx.keywords.near(word.start - 30, word.start)) {
    if (k.end <= word.start && (!nearest || k.end > nearest.end)) nearest = k;
  }
  if (!nearest) return false;
  const gap = ctx.text.slice(nearest.end, word.start);
  if (gap.length > 30 || SENTENCE_BREAK.test(gap) || gap.includes('\n') || LONG_NUMBER.test(gap))
    return false;
  const words = gapWords(gap);
  return words.length <= 3 && !words.some((w) => PREPOSITIONS.has(w.toLowerCase()));
}

/** An order, account, card or phone word shortly before `start`, with no code keyword after it. */
function followsNotACodeWord(ctx: Context, start: number): boolean {
  const { text } = ctx;
  let windowStart = Math.max(0, start - NOT_A_CODE_REACH);
  for (let j = start - 1; j >= windowStart; j--) {
    if (HARD_BREAKS.has(text[j]!)) {
      windowStart = j + 1;
      break;
    }
  }
  let last: WordHit | undefined;
  for (const hit of ctx.notACode.near(windowStart, start)) {
    if (hit.start >= windowStart && hit.end <= start) last = hit;
  }
  if (!last || namesAfterKeyword(ctx, last)) return false;
  const marker = last;
  // The word names the number right after it ("order 12345", "card ending in 1234", "STOP ABC to 81010"),
  // not a later one ("card XX1234 is 482913") nor one it is merely said to be ("… Winter Loan é 2483").
  const between = text.slice(marker.end, start);
  const words = gapWords(between);
  if (/\d/.test(between) || words.length > 2 || words.some(isCopula)) return false;
  return !ctx.keywords.near(marker.end, start).some((k) => k.start >= marker.end && k.end <= start);
}

/** Every run of digits with the separators between them: "8 800 555-35-35", "17.06.2025", "123 456". */
function digitClusters(text: string): DigitGroup[][] {
  const clusters: DigitGroup[][] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isDigit(text[i])) {
      i++;
      continue;
    }
    const groups: DigitGroup[] = [];
    let separator = '';
    for (;;) {
      const start = i;
      while (i < n && isDigit(text[i])) i++;
      groups.push({ start, end: i, separator });
      const a = text[i];
      const b = text[i + 1];
      if (a !== undefined && SINGLE_SEPARATORS.has(a) && isDigit(b)) {
        separator = a;
        i += 1;
        continue;
      }
      if (((a === ')' && (b === ' ' || b === '-')) || (a === ' ' && b === '(')) && isDigit(text[i + 2])) {
        separator = a + b;
        i += 2;
        continue;
      }
      break;
    }
    clusters.push(groups);
  }
  return clusters;
}

function isPhoneLike(text: string, groups: DigitGroup[]): boolean {
  const first = groups[0]!;
  if (text[first.start - 1] === '+') return true;
  if (groups.length < 2) return false;
  if (groups.some((g) => g.separator.length === 2)) return true;
  const digits = groups.reduce((sum, g) => sum + g.end - g.start, 0);
  if (digits >= 9) return true;
  return groups.length >= 3 && groups.every((g, i) => i === 0 || g.separator === '-' || g.separator === ' ');
}

function pushDigitCandidate(
  ctx: Context,
  out: Candidate[],
  kind: 'digits' | 'split',
  start: number,
  end: number,
  value: string,
): void {
  const { text } = ctx;
  if (isMasked(ctx.links, start, end)) return;
  const left = leftEdge(ctx, start);
  if (left === 'reject' || !rightEdgeOk(text, end)) return;
  if (typeof left === 'number') {
    if (kind !== 'digits') return;
    const distance = keywordDistance(ctx.keywords, left, end);
    out.push({ value, kind: 'prefixed', start: left, end, distance: Math.min(distance, KEYWORD_REACH) });
    return;
  }
  if (isMoneyOrQuantity(text, start, end)) return;
  // "Praymeriz 2020: 3358027": a number followed by a colon and another value is a label.
  if (/^ ?: ?[0-9A-Za-z]/.test(text.slice(end, end + 4))) return;
  out.push({ value, kind, start, end, distance: keywordDistance(ctx.keywords, start, end) });
}

function collectDigitCandidates(ctx: Context, out: Candidate[]): void {
  const { text } = ctx;
  for (const groups of digitClusters(text)) {
    if (isPhoneLike(text, groups)) continue;
    // Segments: groups joined by anything but a space ("17.06.2025", "123-456", "482913").
    const segments: DigitGroup[][] = [];
    for (const g of groups) {
      if (g.separator === ' ' || segments.length === 0) segments.push([g]);
      else segments.at(-1)!.push(g);
    }
    const length = (g: DigitGroup) => g.end - g.start;
    const digitsOf = (g: DigitGroup) => text.slice(g.start, g.end);
    if (segments.length === 2 && segments.every((s) => s.length === 1 && length(s[0]!) === 3)) {
      const [a, b] = [segments[0]![0]!, segments[1]![0]!];
      pushDigitCandidate(ctx, out, 'split', a.start, b.end, digitsOf(a) + digitsOf(b));
      continue;
    }
    for (const segment of segments) {
      const first = segment[0]!;
      if (segment.length === 1) {
        if (length(first) >= 4 && length(first) <= 8) {
          pushDigitCandidate(ctx, out, 'digits', first.start, first.end, digitsOf(first));
        }
        continue;
      }
      const second = segment[1]!;
      if (
        segment.length === 2 &&
        second.separator === '-' &&
        length(first) === length(second) &&
        (length(first) === 3 || length(first) === 4)
      ) {
        pushDigitCandidate(ctx, out, 'split', first.start, second.end, digitsOf(first) + digitsOf(second));
      }
    }
  }
}

function gapWords(gap: string): string[] {
  return gap.split(GAP_SPLIT).filter((w) => w.length > 0);
}

function isCopula(word: string | undefined): boolean {
  if (word === undefined) return false;
  const lower = word.toLowerCase();
  return COPULAS.some((c) => lower === c || (!isSpacedLetter(c[0]) && lower.endsWith(c)));
}

/**
 * How clearly a keyword just before the token marks it: 'strong' when the text says "is" or puts a
 * colon, bracket or quote right before it ("code: AB12CD", "kode Anda adalah JBG2W", "验证码是AB12",
 * "인증번호 [A1B2]"); 'bare' when only connecting words sit between ("Ваш код X7K9P2"), which is also
 * where brand names stand ("kode OTP WEBDE Anda").
 */
function markBefore(ctx: Context, start: number): Mark {
  let nearest: WordHit | undefined;
  for (const k of ctx.keywords.near(start - MARK_REACH, start)) {
    if (k.end <= start && (!nearest || k.end > nearest.end)) nearest = k;
  }
  if (!nearest) return null;
  const gap = ctx.text.slice(nearest.end, start);
  if (gap.length > MARK_REACH || SENTENCE_BREAK.test(gap) || LONG_NUMBER.test(gap)) return null;
  const words = gapWords(gap);
  const punctuated = /(?:[:=]\s*["'«“([【「]?|["'«“([【「])\s*$/u.test(gap);
  if ((punctuated || isCopula(words.at(-1))) && words.length <= 5) return 'strong';
  if (words.every((w) => CONNECTORS.has(w.toLowerCase()))) return 'bare';
  return null;
}

/** A keyword just after the token, introduced by "is your", "es tu", "adalah", "—", "是"… */
function markAfter(ctx: Context, end: number): Mark {
  let nearest: WordHit | undefined;
  for (const k of ctx.keywords.near(end, end + MARK_REACH)) {
    if (k.start >= end && (!nearest || k.start < nearest.start)) nearest = k;
  }
  if (!nearest) return null;
  const gap = ctx.text.slice(end, nearest.start);
  if (gap.length > MARK_REACH || SENTENCE_BREAK.test(gap) || gap.includes('\n') || LONG_NUMBER.test(gap)) {
    return null;
  }
  const words = gapWords(gap);
  // "ABC code" is a modifier ("Your WEBDE verification code"); "ABC — code" is not.
  if (words.length === 0) return /[–—]/.test(gap) ? 'strong' : null;
  if (words.length > 6) return null;
  const lead = words[0]!.toLowerCase();
  return AFTER_CODE_LEADS.some((l) => lead === l || (!isSpacedLetter(l[0]) && lead.startsWith(l)))
    ? 'strong'
    : null;
}

function looksLikeCode(token: string): boolean {
  const hasDigit = /\d/.test(token);
  const hasLetter = /[A-Za-z]/.test(token);
  if (!hasLetter) return false; // digits alone are read by collectDigitCandidates
  if (hasDigit) return token.length >= 4 && token.length <= 16;
  if (NOT_A_CODE_WORD.has(token.toLowerCase())) return false;
  if (/^[A-Z]{4,8}$/.test(token)) return true;
  // Long random-looking mixed-case strings ("qWeRtYuIoPa"), only ever taken when strongly marked.
  const upper = token.replace(/[^A-Z]/g, '').length;
  const lower = token.length - upper;
  return token.length >= 10 && token.length <= 16 && upper >= 3 && lower >= 3;
}

function collectAlphanumericCandidates(ctx: Context, out: Candidate[]): void {
  const { text } = ctx;
  const words = /[A-Za-z0-9]+/g;
  for (let m = words.exec(text); m; m = words.exec(text)) {
    const token = m[0];
    const start = m.index;
    const end = start + token.length;
    if (!looksLikeCode(token) || isMasked(ctx.links, start, end)) continue;
    const left = text[start - 1];
    const right = text[end];
    if (isSpacedLetter(left) || isSpacedLetter(right)) continue;
    if (left !== undefined && "-_@/\\#&?%'.".includes(left)) continue;
    if (right !== undefined && "-_@/\\&%'".includes(right)) continue;
    if (right === '.' && isAsciiAlnum(text[end + 1])) continue;
    if (ctx.keywords.near(start, end).some((k) => k.start <= start && k.end >= end)) continue;
    // "Ваш код SOKOLOV: 614432": a token followed by a colon is a label.
    if (/^\s*:/.test(text.slice(end, end + 4))) continue;
    const before = markBefore(ctx, start);
    const mark = before === 'strong' ? before : (markAfter(ctx, end) ?? before);
    if (mark === null) continue;
    if (mark === 'bare' && !/\d/.test(token)) continue;
    out.push({
      value: token,
      kind: 'alphanumeric',
      start,
      end,
      // Barely marked, it only wins when no digit code sits near a keyword.
      distance: mark === 'strong' ? keywordDistance(ctx.keywords, start, end) : KEYWORD_REACH + 1,
    });
  }
}

const WEB_OTP = /(?:^|\s)@[A-Za-z0-9.-]{1,253}[ \t]{1,3}#([A-Za-z0-9]{4,16})(?![A-Za-z0-9])/dg;

/** The code of a WebOTP / SMS-retriever line: "@example.com #123456". */
function collectWebOtpCandidates(ctx: Context, out: Candidate[]): void {
  WEB_OTP.lastIndex = 0;
  for (let m = WEB_OTP.exec(ctx.text); m; m = WEB_OTP.exec(ctx.text)) {
    const [start, end] = m.indices![1]!;
    out.push({ value: m[1]!, kind: 'webotp', start, end, distance: 0 });
  }
}

/** A year-shaped number (1900–2099) is a code only when a keyword marks it ("Your code is 2019"). */
function isYear(candidate: Candidate): boolean {
  return (
    candidate.kind === 'digits' && candidate.value.length === 4 && /^(?:19|20)\d\d$/.test(candidate.value)
  );
}

/** Every token of `text` (already normalised) that may be its one-time code, in text order. */
export function findCandidates(text: string): Candidate[] {
  const links = maskLinks(text);
  const outsideLinks = (h: WordHit) => !isMasked(links, h.start, h.end);
  const ctx: Context = {
    text,
    links,
    keywords: indexHits(findCodeKeywords(text).filter(outsideLinks)),
    notACode: indexHits(findNotACodeWords(text).filter(outsideLinks)),
  };
  const found: Candidate[] = [];
  collectWebOtpCandidates(ctx, found);
  collectDigitCandidates(ctx, found);
  collectAlphanumericCandidates(ctx, found);
  return found
    .filter((c) => c.kind === 'webotp' || !followsNotACodeWord(ctx, c.start))
    .filter((c) => !isYear(c) || markBefore(ctx, c.start) !== null || markAfter(ctx, c.end) === 'strong')
    .sort((a, b) => a.start - b.start);
}

/** The closest to a code keyword; then a 6-character code; then the first in the text. */
export function pickBest(candidates: readonly Candidate[]): Candidate | null {
  let best: Candidate | null = null;
  for (const c of candidates) {
    if (!best) {
      best = c;
      continue;
    }
    if (c.distance !== best.distance) {
      if (c.distance < best.distance) best = c;
      continue;
    }
    const sixC = c.value.length === 6;
    const sixBest = best.value.length === 6;
    if (sixC !== sixBest) {
      if (sixC) best = c;
      continue;
    }
    if (c.start < best.start) best = c;
  }
  return best;
}
