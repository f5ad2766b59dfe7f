/**
 * Spans of a text that never hold a code: links (their ids and paths are digits too: "t.me/login/12345",
 * "v.whatsapp.com/123456") and e-mail addresses. Every pattern here is linear: character classes with
 * bounded repetition, no nested quantifiers over overlapping classes.
 */

const TOP_LEVEL_DOMAINS = [
  'com',
  'net',
  'org',
  'info',
  'biz',
  'io',
  'co',
  'me',
  'app',
  'dev',
  'ai',
  'gg',
  'tv',
  'ly',
  'gl',
  'link',
  'page',
  'site',
  'online',
  'shop',
  'store',
  'xyz',
  'top',
  'cc',
  'to',
  'fm',
  'ru',
  'su',
  'ua',
  'by',
  'kz',
  'uz',
  'id',
  'my',
  'sg',
  'ph',
  'vn',
  'th',
  'cn',
  'hk',
  'tw',
  'jp',
  'kr',
  'in',
  'pk',
  'bd',
  'tr',
  'ae',
  'sa',
  'eg',
  'ir',
  'br',
  'mx',
  'ar',
  'cl',
  'pe',
  'es',
  'pt',
  'fr',
  'de',
  'it',
  'nl',
  'pl',
  'uk',
  'us',
  'ca',
  'au',
  'ng',
  'ke',
  'za',
].join('|');

const URL_END = String.raw`[^\s<>"'，。、）」】]`;
/** "https://…", "www.…". */
const SCHEME_URL = new RegExp(String.raw`\b(?:https?://|www\.)${URL_END}{0,2000}`, 'gi');
/** A bare domain with a known TLD, with an optional path: "t.me/login/12345", "apple.com". */
const KNOWN_DOMAIN = new RegExp(
  String.raw`(?<![A-Za-z0-9.-])[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,5}\.(?:${TOP_LEVEL_DOMAINS})(?![A-Za-z0-9-])(?:[/?#]${URL_END}{0,2000})?`,
  'gi',
);
/** Any dotted name followed by a path: "example.xyz/abc123". */
const PATH_URL = new RegExp(
  String.raw`(?<![A-Za-z0-9.-])[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){0,5}\.[A-Za-z]{2,24}/${URL_END}{0,2000}`,
  'gi',
);
const EMAIL = /[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63}){1,5}/g;

/** One byte per UTF-16 unit of `text`: 1 where the unit belongs to a link or an e-mail address. */
export function maskLinks(text: string): Uint8Array {
  const mask = new Uint8Array(text.length);
  for (const pattern of [SCHEME_URL, KNOWN_DOMAIN, PATH_URL, EMAIL]) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      mask.fill(1, m.index, m.index + m[0].length);
      if (m[0].length === 0) pattern.lastIndex++;
    }
  }
  return mask;
}

export function isMasked(mask: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (mask[i]) return true;
  return false;
}
