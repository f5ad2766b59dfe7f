/**
 * House styles of the platforms whose SMS format is distinctive, by numpool platform slug
 * (src/catalog/seed/platforms.json): Google's "G-123456", WhatsApp's "123-456", Instagram's "123 456",
 * Telegram's five digits and web-login codes, TikTok's "[TikTok] 123456", Facebook's "FB-12345",
 * Microsoft's "Security code: 1234567", Steam Guard's five letters and digits…
 *
 * A pattern only says where the code is (its first capture group, else the whole match); the token found
 * there must still be a candidate of the generic reading, so a house pattern can never return a phone
 * number, an amount or a date. Patterns are anchored on a brand or keyword and only use bounded gaps, so
 * they stay linear on long texts.
 */

/** Where a code is: brand, then a short gap without digits, then the code — or the code, then the brand. */
function brand(names: string, digits = '4,8', flags = 'dgiu'): RegExp[] {
  const name = String.raw`(?<![\p{L}\p{N}])(?:${names})(?![\p{L}])`;
  const code = String.raw`(?<![\d+#])(\d{3}[- ]\d{3}(?![\d-])|\d{${digits}}(?!\d))`;
  return [
    new RegExp(String.raw`${name}[^\d\n]{0,60}?${code}`, flags),
    new RegExp(String.raw`${code}[^\d\n]{0,40}?${name}`, flags),
  ];
}

const SPLIT_DASHED = /(?<![\d+-])(\d{3}-\d{3})(?![\d-])/dg;
const SPLIT_SPACED = /(?<![\d+-]|\d )(\d{3} \d{3})(?![\d-]| \d)/dg;

export const PLATFORM_PATTERNS: Readonly<Record<string, readonly RegExp[]>> = {
  whatsapp: [SPLIT_DASHED, ...brand('whatsapp|ватсап|вотсап|واتساب', '6')],
  telegram: [
    // my.telegram.org: "This is your login code:\nAb1CdEf2GhI"
    /login code:\s{0,4}([A-Za-z0-9]{6,16})(?![A-Za-z0-9_-])/dgi,
    ...brand('telegram|телеграм', '5,6'),
    /(?:code|код|kode|c[oó]digo|kod|mã|รหัส|码|碼|رمز|कोड)[^\d\n]{0,30}?(?<![\d+#/])(\d{5})(?!\d)/dgiu,
  ],
  google: [/(?<![A-Za-z0-9-])G-(\d{4,8})(?!\d)/dg, ...brand('google|gmail|youtube', '6')],
  facebook: [/(?<![A-Za-z0-9-])FB-(\d{4,8})(?!\d)/dg, ...brand('facebook|fb|meta', '5,8')],
  instagram: [SPLIT_SPACED, ...brand('instagram|threads', '6')],
  twitter: [
    /(?:twitter|(?<![\p{L}\p{N}])X(?![\p{L}\p{N}]))[^\n]{0,40}?code is:?\s{0,2}([A-Za-z0-9]{6,10})(?![A-Za-z0-9])/dgu,
    ...brand('twitter', '6,8'),
    ...brand('X', '6,8', 'dgu'),
  ],
  discord: brand('discord', '6'),
  tiktok: [/\[tiktok\]\s{0,3}(\d{4,8})(?!\d)/dgi, ...brand('tiktok|douyin|抖音', '4,8')],
  apple: brand('apple|icloud', '6'),
  microsoft: [
    /(?:security code|código de seguridad|código de segurança|код безопасности|kode keamanan|mã bảo mật)[^\d\n]{0,15}?(?<![\d+#])(\d{4,8})(?!\d)/dgiu,
    /\buse (\d{4,8}) as (?:your )?microsoft/dgi,
    ...brand('microsoft|outlook|hotmail|skype|xbox', '4,8'),
  ],
  amazon: brand('amazon|aws', '6'),
  openai: brand('openai|chatgpt', '6'),
  paypal: brand('paypal', '6'),
  wechat: brand('wechat|weixin|微信', '4,8'),
  vk: brand('vk|vkontakte|вконтакте|вк', '4,8'),
  ok: brand('OK|OK\\.RU|ok\\.ru|Одноклассники|ОДНОКЛАССНИКИ', '4,8', 'dgu'),
  mailru: brand('mail\\.ru|mail|почта|майл', '4,8'),
  line: brand('LINE', '4,6', 'dgu'),
  tinder: brand('tinder', '4,6'),
  uber: brand('uber', '4,6'),
  netflix: brand('netflix', '4,6'),
  snapchat: brand('snapchat|snap', '6'),
  viber: brand('viber|вайбер', '4,6'),
  kakaotalk: brand('kakao|kakaotalk|카카오톡|카카오', '4,8'),
  naver: brand('naver|네이버', '4,8'),
  yahoo: brand('yahoo', '4,8'),
  linkedin: brand('linkedin', '6'),
  signal: brand('signal', '6'),
  steam: [
    /steam[^\n]{0,40}?(?:code|код|kode|c[oó]digo|kod)[^A-Za-z0-9\n]{0,5}([A-Za-z0-9]{5})(?![A-Za-z0-9])/dgiu,
  ],
  shopee: brand('shopee', '6'),
  gojek: brand('gojek|goto', '4,6'),
  grab: brand('grab', '4,6'),
  tokopedia: brand('tokopedia', '4,6'),
  lazada: brand('lazada', '4,6'),
  yandex: brand('yandex|яндекс', '4,8'),
};

/** Start offsets, in text order per pattern and patterns in order, where a platform's house style puts its code. */
export function* platformCodeLocations(slug: string, text: string): Generator<number> {
  if (!Object.hasOwn(PLATFORM_PATTERNS, slug)) return;
  const patterns = PLATFORM_PATTERNS[slug]!;
  for (const pattern of patterns) {
    pattern.lastIndex = 0;
    for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
      const span = m.indices?.[1] ?? m.indices?.[0];
      if (span) yield span[0];
      if (m[0].length === 0) pattern.lastIndex++;
    }
  }
}
