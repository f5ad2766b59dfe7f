/**
 * OTP extraction: a corpus of realistic SMS across platforms and languages (one test per message),
 * properties over generated texts, and adversarial long inputs.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { extractOtp } from '../../src/otp/extract-otp.ts';
import { CORPUS, type CorpusCase, NO_CODE_CASES, PROVIDER_CASES } from './corpus.ts';

function title(entry: CorpusCase, index: number): string {
  const where = entry.platform ? entry.platform.trim() || 'generic' : 'generic';
  const text = entry.text.replace(/\s+/g, ' ').slice(0, 60);
  return `#${index + 1} [${entry.lang}] ${where}: ${text} → ${entry.expected ?? 'null'}`;
}

describe('extractOtp corpus', () => {
  const rows = CORPUS.map((entry, index) => ({ name: title(entry, index), entry }));

  it.each(rows)('$name', ({ entry }) => {
    expect(
      extractOtp({ text: entry.text, platformSlug: entry.platform, providerCode: entry.providerCode }),
    ).toBe(entry.expected);
  });

  it('covers enough ground', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(CORPUS.filter((e) => e.expected === null).length).toBeGreaterThanOrEqual(20);
    expect(new Set(CORPUS.filter((e) => !e.lang.startsWith('en')).map((e) => e.lang)).size).toBeGreaterThan(
      15,
    );
    expect(CORPUS.filter((e) => !e.lang.startsWith('en')).length).toBeGreaterThanOrEqual(15);
    expect(NO_CODE_CASES.length).toBeGreaterThanOrEqual(20);
    expect(PROVIDER_CASES.some((e) => e.providerCode?.includes(':'))).toBe(true);
  });

  it('reads the same code with and without the platform for house styles the generic reading knows', () => {
    for (const entry of CORPUS.filter(
      (e) => e.platform && e.providerCode === undefined && !e.needsPlatform,
    )) {
      expect(extractOtp({ text: entry.text }), entry.text).toBe(entry.expected);
    }
  });
});

const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) => d.join(''));

const CODE_TEMPLATES: ReadonlyArray<(code: string) => string> = [
  (code) => `Your verification code is ${code}.`,
  (code) => `${code} is your login code. Don't share it.`,
  (code) => `Code ${code}. Support: +62 812-3456-7890`,
  (code) => `${code} is your verification code. Sent 17.06.2025 12:30`,
  (code) => `Kode OTP Anda: ${code}. Total Rp 50.000. Berlaku 5 menit.`,
  (code) => `Ваш код: ${code}. Звоните 8 800 555 35 35`,
  (code) => `【App】您的验证码是${code}，5分钟内有效。`,
  (code) => `รหัส OTP ของคุณคือ ${code} ใช้ได้ภายใน 5 นาที`,
  (code) => `Tu código es ${code}. Pedido 17/06, total $12.99`,
  (code) => `[App] Your one-time code is ${code}. Reply STOP to 55123`,
  (code) => `Order #99812 confirmed.\nYour delivery code: ${code}`,
];

const twoDigits = (min: number, max: number) =>
  fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));

/** Tokens shaped like phone numbers, dates, times, amounts and years — never a code. */
const distractor = fc.oneof(
  fc
    .tuple(fc.constantFrom('62', '1', '7', '44', '91', '55'), digits(3, 3), digits(4, 4), digits(4, 4))
    .map(([cc, a, b, d]) => `+${cc} ${a}-${b}-${d}`),
  fc.tuple(digits(3, 3), digits(2, 2), digits(2, 2)).map(([a, b, d]) => `8 800 ${a} ${b} ${d}`),
  fc.tuple(digits(3, 3), digits(3, 3), digits(4, 4)).map(([a, b, d]) => `(${a}) ${b}-${d}`),
  fc
    .tuple(twoDigits(1, 28), twoDigits(1, 12), fc.integer({ min: 1990, max: 2035 }))
    .map(([d, m, y]) => `${d}.${m}.${y}`),
  fc
    .tuple(twoDigits(1, 28), twoDigits(1, 12), fc.integer({ min: 1990, max: 2035 }))
    .map(([d, m, y]) => `${y}-${m}-${d}`),
  fc.tuple(twoDigits(1, 28), twoDigits(1, 12)).map(([d, m]) => `${d}/${m}`),
  fc.tuple(twoDigits(0, 23), twoDigits(0, 59)).map(([h, m]) => `${h}:${m}`),
  fc.integer({ min: 1, max: 999 }).map((n) => `Rp ${n}.000`),
  fc.tuple(fc.integer({ min: 1, max: 99_999 }), twoDigits(0, 99)).map(([n, cents]) => `$${n}.${cents}`),
  fc.tuple(fc.integer({ min: 1, max: 999 }), digits(3, 3)).map(([n, rest]) => `${n},${rest} RUB`),
  fc.integer({ min: 1000, max: 999_999 }).map((n) => `€${n}`),
  fc.integer({ min: 1000, max: 999_999 }).map((n) => `${n} руб.`),
  fc.integer({ min: 1000, max: 99_999 }).map((n) => `${n}元`),
  fc.integer({ min: 1900, max: 2099 }).map(String),
);

describe('extractOtp properties', () => {
  it('finds any 4–8 digit code embedded in a template, exactly', () => {
    fc.assert(
      fc.property(digits(4, 8), fc.nat(CODE_TEMPLATES.length - 1), (code, t) => {
        expect(extractOtp({ text: CODE_TEMPLATES[t]!(code) })).toBe(code);
      }),
      { numRuns: 500 },
    );
  });

  it('finds nothing in a text of phone numbers, dates, times, amounts and years', () => {
    fc.assert(
      fc.property(
        fc.array(distractor, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(' ', ', ', '; ', '\n', ' and ', ' | '),
        (tokens, separator) => {
          expect(extractOtp({ text: tokens.join(separator) })).toBeNull();
        },
      ),
      { numRuns: 500 },
    );
  });

  it('returns the provider code (colons removed) whenever it has content', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), (text, providerCode) => {
        const cleaned = providerCode.replaceAll(':', '').trim();
        fc.pre(cleaned.length > 0);
        expect(extractOtp({ text, providerCode })).toBe(cleaned);
      }),
    );
  });

  it('never throws and only returns short codes without colons', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'grapheme', maxLength: 200 }),
        fc.option(fc.constantFrom('whatsapp', 'telegram', 'google', 'steam', 'ok', 'line', 'unknown')),
        (text, platformSlug) => {
          const code = extractOtp({ text, platformSlug });
          if (code !== null) expect(code).toMatch(/^[A-Za-z0-9]{4,16}$/);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('extractOtp on long adversarial input (about 4 KB)', () => {
  const cases: Array<[string, string, string | null]> = [
    ['digit-dash chain', '1-'.repeat(2048), null],
    ['digit-space chain', '1 '.repeat(2048), null],
    ['letter-digit chain', 'a1'.repeat(2048), null],
    ['dotted name', `https://${'a.'.repeat(2000)}`, null],
    ['dotted name without scheme', `${'a.'.repeat(2000)}com/1234`, null],
    ['repeated keyword, then a code', `${'code '.repeat(800)}482913`, '482913'],
    ['one long word, then a code', `${'x'.repeat(4000)} code 482913`, '482913'],
    ['one long Cyrillic keyword', `${'код'.repeat(1300)} 4821`, '4821'],
    ['repeated phone numbers', '8 800 555 35 35, '.repeat(250), null],
    ['repeated amounts', 'Rp 50.000 '.repeat(400), null],
    ['at-signs', `${'@'.repeat(4000)} code 5521`, '5521'],
    ['e-mail-like run', `${'a'.repeat(4000)}@`, null],
    ['colons and hashes', ': #'.repeat(1400), null],
    ['keyword colon chains', 'code: '.repeat(700), null],
    ['brand words for a platform pattern', `${'Telegram '.repeat(450)}12345`, '12345'],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    expect(text.length).toBeGreaterThanOrEqual(3900);
    expect(extractOtp({ text })).toBe(expected);
    expect(extractOtp({ text, platformSlug: 'telegram' })).toBe(expected);
  });
});
