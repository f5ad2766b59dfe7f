/**
 * The one-time code of an SMS.
 *
 * 1. The provider's own reading wins when it gave one (colons removed: handler-protocol clients split
 *    `STATUS_OK:<code>` on ':').
 * 2. For platforms with a distinctive house style (platform-patterns.ts) the token where that style puts
 *    the code, provided the generic reading also accepts it.
 * 3. The generic reading (generic-extractor.ts): the candidate closest to a code keyword in any of the
 *    supported languages, then a 6-character one, then the first; phone numbers, dates, times, amounts,
 *    links and order/account numbers are never candidates.
 *
 * Null when the text holds no recognisable code. Pure and linear in the text's length.
 */
import { type Candidate, findCandidates, pickBest } from './generic-extractor.ts';
import { normalizeText } from './normalize.ts';
import { platformCodeLocations } from './platform-patterns.ts';

export interface OtpInput {
  /** The SMS text as received. */
  text: string;
  /** numpool platform slug ("whatsapp", "telegram"…), when known. */
  platformSlug?: string | null;
  /** The provider's own reading of the code, if any. */
  providerCode?: string | null;
}

export function extractOtp(input: OtpInput): string | null {
  const given = typeof input.providerCode === 'string' ? input.providerCode.replaceAll(':', '').trim() : '';
  if (given) return given;
  if (typeof input.text !== 'string' || input.text.length === 0) return null;

  const text = normalizeText(input.text);
  const candidates = findCandidates(text);
  if (candidates.length === 0) return null;

  const slug = typeof input.platformSlug === 'string' ? input.platformSlug.trim().toLowerCase() : '';
  if (slug) {
    const located = locateByPlatform(slug, text, candidates);
    if (located) return located.value;
  }
  return pickBest(candidates)?.value ?? null;
}

function locateByPlatform(slug: string, text: string, candidates: readonly Candidate[]): Candidate | null {
  for (const position of platformCodeLocations(slug, text)) {
    const hit = candidates.find((c) => c.start <= position && position < c.end);
    if (hit) return hit;
  }
  return null;
}
