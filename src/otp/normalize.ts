/**
 * Text normalisation before extraction: one canonical form for the characters SMS gateways vary on, so the
 * extractor only ever sees ASCII digits, ASCII colons and hyphens, and plain spaces.
 *
 * - NFC, so accented keywords ("mã", "código") compare equal whether sent composed or decomposed;
 * - digits of other scripts (Arabic-Indic, Persian, Devanagari, Bengali, Thai, full-width…) → 0-9;
 * - full-width Latin letters, colon and hyphen → ASCII (East-Asian gateways send "：１２３４５６");
 * - non-breaking, zero-width and bidirectional-control characters → a plain space.
 *
 * Deliberately not NFKC: that would also turn the ideographic comma "，" into "," and glue a code to the
 * number after it ("123456，5分钟" must not read as the amount "123456,5").
 */

/** Code points of the digit zero in scripts whose digits SMS texts use (each block is 0-9 in order). */
const DIGIT_ZEROS = [
  0x0660, // Arabic-Indic
  0x06f0, // Extended Arabic-Indic (Persian, Urdu)
  0x0966, // Devanagari
  0x09e6, // Bengali
  0x0a66, // Gurmukhi
  0x0ae6, // Gujarati
  0x0be6, // Tamil
  0x0c66, // Telugu
  0x0ce6, // Kannada
  0x0d66, // Malayalam
  0x0e50, // Thai
  0x0ed0, // Lao
  0x1040, // Myanmar
  0x17e0, // Khmer
  0xff10, // full-width
];

const DIGIT_OF = new Map<string, string>();
for (const zero of DIGIT_ZEROS) {
  for (let d = 0; d <= 9; d++) DIGIT_OF.set(String.fromCharCode(zero + d), String(d));
}

const SPECIAL = new Map<string, string>([
  ['\uff1a', ':'], // full-width colon
  ['\ufe55', ':'], // small colon
  ['\uff0d', '-'], // full-width hyphen-minus
  ['\u2010', '-'], // hyphen
  ['\u2011', '-'], // non-breaking hyphen
  ['\u2012', '-'], // figure dash
  ['\u2212', '-'], // minus sign
  ['\ufe63', '-'], // small hyphen-minus
  ['\u066b', '.'], // Arabic decimal separator
  ['\u066c', ','], // Arabic thousands separator
  ['\u2028', '\n'],
  ['\u2029', '\n'],
]);

const ODD_CHARACTERS =
  /[\u0660-\u0669\u06f0-\u06f9\u0966-\u096f\u09e6-\u09ef\u0a66-\u0a6f\u0ae6-\u0aef\u0be6-\u0bef\u0c66-\u0c6f\u0ce6-\u0cef\u0d66-\u0d6f\u0e50-\u0e59\u0ed0-\u0ed9\u1040-\u1049\u17e0-\u17e9\uff10-\uff19\uff21-\uff3a\uff41-\uff5a\uff1a\ufe55\uff0d\u2010-\u2012\u2212\ufe63\u066b\u066c\u2028\u2029\u00a0\u2000-\u200f\u202a-\u202f\u205f-\u2064\u2066-\u2069\u3000\u061c\ufeff\t\r\v\f]/g;

function replacement(ch: string): string {
  const digit = DIGIT_OF.get(ch);
  if (digit !== undefined) return digit;
  const special = SPECIAL.get(ch);
  if (special !== undefined) return special;
  const code = ch.charCodeAt(0);
  // Full-width Latin letters: U+FF21–FF3A, U+FF41–FF5A sit 0xFEE0 above ASCII.
  if ((code >= 0xff21 && code <= 0xff3a) || (code >= 0xff41 && code <= 0xff5a)) {
    return String.fromCharCode(code - 0xfee0);
  }
  if (ch === '\r') return '\n';
  return ' ';
}

export function normalizeText(text: string): string {
  return text.normalize('NFC').replace(ODD_CHARACTERS, replacement);
}
