/**
 * SMS texts: brand house styles, local languages, code shapes, and the protocol constraints (no ':' in
 * codes, no error words in texts) for every platform of the catalog.
 */
import { describe, expect, test } from 'vitest';
import { seedCatalogRows } from '../../src/catalog/catalog-codes.ts';
import { composeSms, extractCode } from '../../src/sim/otp-texts.ts';
import { seededRng } from '../../src/sim/seeded-random.ts';

const { platforms } = seedCatalogRows();
const platform = (code: string) => platforms.find((p) => p.code === code)!;

describe('composeSms', () => {
  test('brand styles: WhatsApp dashed, Telegram 5 digits, Google G- prefix', () => {
    const whatsapp = composeSms(seededRng(1, 'wa'), 1, platform('whatsapp'), { iso2: 'us' }, '123456');
    expect(whatsapp.sender).toBe('WhatsApp');
    expect(whatsapp.text).toContain('123-456');
    const telegram = composeSms(seededRng(1, 'tg'), 1, platform('telegram'), { iso2: 'gb' });
    expect(telegram.code).toMatch(/^\d{5}$/);
    expect(telegram.text).toContain(telegram.code);
    const google = composeSms(seededRng(1, 'go'), 1, platform('google'), { iso2: 'de' });
    expect(google.text).toBe(`G-${google.code} is your Google verification code.`);
  });

  test('local languages appear for Russia, Indonesia, Spain and Brazil', () => {
    const generic = platforms.find((p) => p.id > 100)!;
    const texts = (iso2: string) =>
      Array.from({ length: 40 }, (_, i) => composeSms(seededRng(3, iso2, i), 3, generic, { iso2 }).text).join(
        '\n',
      );
    expect(texts('ru')).toMatch(/[а-яА-Я]/);
    expect(texts('id')).toMatch(/kode/i);
    expect(texts('es')).toMatch(/código/);
    expect(texts('br')).toMatch(/código|Seu/);
    expect(texts('us')).not.toMatch(/[а-яА-Я]/);
  });

  test('every platform: code without ":", 4–8 characters, in the text; no error words', () => {
    const problems: string[] = [];
    let alphanumeric = 0;
    for (const p of platforms) {
      for (const iso2 of ['ru', 'id', 'us']) {
        const sms = composeSms(seededRng(5, p.id, iso2), 5, p, { iso2 });
        if (!/^[0-9A-Z]{4,8}$/.test(sms.code) || sms.code.includes(':'))
          problems.push(`${p.code}: code ${sms.code}`);
        const shown = sms.text.replace(/(\d{3})[- ](\d{3})/, '$1$2');
        if (!shown.includes(sms.code)) problems.push(`${p.code}: text lacks code`);
        if (/SQL|BANNED|BAD_KEY/i.test(sms.text)) problems.push(`${p.code}: error word`);
        if (!sms.sender) problems.push(`${p.code}: no sender`);
      }
      if (/[A-Z]/.test(composeSms(seededRng(5, p.id), 5, p, { iso2: 'us' }).code)) alphanumeric++;
    }
    expect(problems).toEqual([]);
    // Some long-tail services use letters, most do not.
    expect(alphanumeric).toBeGreaterThan(50);
    expect(alphanumeric).toBeLessThan(400);
  });

  test('the same draw gives the same SMS', () => {
    const a = composeSms(seededRng(9, 'x'), 9, platform('facebook'), { iso2: 'br' });
    const b = composeSms(seededRng(9, 'x'), 9, platform('facebook'), { iso2: 'br' });
    expect(a).toEqual(b);
  });
});

describe('extractCode', () => {
  test.each([
    ['Your WhatsApp code: 123-456', '123456'],
    ['Use 123 456 to verify your Instagram account.', '123456'],
    ['G-908172 is your Google verification code.', '908172'],
    ['Telegram code: 55555\n\nhttps://t.me/login/55555', '55555'],
    ['Код подтверждения: 4821.', '4821'],
    ['no code in here', null],
    ['call 123', null],
  ])('%j → %j', (text, code) => {
    expect(extractCode(text)).toBe(code);
  });
});
