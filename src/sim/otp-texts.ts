/**
 * One-time-code SMS as services really word them: the big brands in their own house style, everyone else
 * from generic templates in the country's likely language (English, Russian, Indonesian, Spanish,
 * Portuguese), with a code length fixed per service (4–8 digits; a few services use letters too).
 *
 * Protocol constraints: a code never contains ':' (clients split getStatus on it), and no text contains
 * SQL, BANNED or BAD_KEY (clients substring-match those as errors).
 */
import { hashOf, type SeededRng, unit } from './seeded-random.ts';

export interface ComposedSms {
  text: string;
  code: string;
  sender: string;
}

type Language = 'en' | 'ru' | 'id' | 'es' | 'pt';

const RUSSIAN_SPEAKING = new Set(['ru', 'kz', 'by', 'kg', 'uz', 'tj', 'am', 'az', 'md']);
const SPANISH_SPEAKING = new Set([
  'es',
  'mx',
  'co',
  'ar',
  'cl',
  'pe',
  've',
  'ec',
  'gt',
  'cu',
  'bo',
  'do',
  'hn',
  'py',
  'sv',
  'ni',
  'cr',
  'pa',
  'uy',
]);
const PORTUGUESE_SPEAKING = new Set(['br', 'pt', 'ao', 'mz', 'cv', 'gw', 'st', 'tl']);

function languageFor(rng: SeededRng, iso2: string | null): Language {
  // Most local services write in the local language; international ones often in English.
  const local = rng.float() < 0.7;
  if (!iso2 || !local) return 'en';
  if (RUSSIAN_SPEAKING.has(iso2)) return 'ru';
  if (iso2 === 'id') return 'id';
  if (SPANISH_SPEAKING.has(iso2)) return 'es';
  if (PORTUGUESE_SPEAKING.has(iso2)) return 'pt';
  return 'en';
}

const GENERIC: Record<Language, ReadonlyArray<(name: string, code: string) => string>> = {
  en: [
    (n, c) => `Your ${n} verification code is ${c}.`,
    (n, c) => `${c} is your ${n} code. Do not share it with anyone.`,
    (n, c) => `[${n}] Your one-time code is ${c}. It expires in 10 minutes.`,
    (n, c) => `Use ${c} to verify your ${n} account.`,
  ],
  ru: [
    (n, c) => `Код подтверждения ${n}: ${c}. Никому его не сообщайте.`,
    (n, c) => `${c} — ваш код для входа в ${n}.`,
    (n, c) => `Ваш код ${n}: ${c}. Не передавайте его третьим лицам.`,
  ],
  id: [
    (n, c) => `Kode verifikasi ${n} Anda adalah ${c}. Jangan berikan kode ini kepada siapa pun.`,
    (n, c) => `<#> ${c} adalah kode OTP ${n} Anda. Berlaku 5 menit.`,
  ],
  es: [
    (n, c) => `Tu código de verificación de ${n} es ${c}.`,
    (n, c) => `${c} es tu código de ${n}. No lo compartas con nadie.`,
  ],
  pt: [
    (n, c) => `Seu código de verificação ${n} é ${c}. Não compartilhe.`,
    (n, c) => `${c} é o seu código ${n}.`,
  ],
};

interface BrandStyle {
  sender: string;
  length: number;
  text: (code: string, language: Language) => string;
}

const dashed = (code: string) => (/^\d{6}$/.test(code) ? `${code.slice(0, 3)}-${code.slice(3)}` : code);
const spaced = (code: string) => (/^\d{6}$/.test(code) ? `${code.slice(0, 3)} ${code.slice(3)}` : code);

/** House styles of the most popular platforms, by numpool platform slug. */
const BRANDS: Readonly<Record<string, BrandStyle>> = {
  whatsapp: {
    sender: 'WhatsApp',
    length: 6,
    text: (c, l) =>
      l === 'ru'
        ? `Ваш код WhatsApp: ${dashed(c)}. Никому не сообщайте этот код.`
        : l === 'id'
          ? `Kode WhatsApp Anda: ${dashed(c)}. Jangan bagikan kode ini.`
          : `Your WhatsApp code: ${dashed(c)}\nDon't share this code with others`,
  },
  telegram: {
    sender: 'Telegram',
    length: 5,
    text: (c, l) =>
      l === 'ru'
        ? `Код подтверждения Telegram: ${c}. Не давайте код никому.`
        : `Telegram code: ${c}\n\nYou can also tap on this link to log in:\nhttps://t.me/login/${c}`,
  },
  google: { sender: 'Google', length: 6, text: (c) => `G-${c} is your Google verification code.` },
  facebook: { sender: 'Facebook', length: 5, text: (c) => `${c} is your Facebook confirmation code.` },
  instagram: {
    sender: 'Instagram',
    length: 6,
    text: (c) => `Use ${spaced(c)} to verify your Instagram account. Don't share it.`,
  },
  twitter: { sender: 'X', length: 6, text: (c) => `Your X verification code is ${c}.` },
  discord: {
    sender: 'Discord',
    length: 6,
    text: (c) => `Your Discord security code is ${c}. Don't share it.`,
  },
  tiktok: {
    sender: 'TikTok',
    length: 6,
    text: (c) => `[TikTok] ${c} is your verification code, valid for 5 minutes. Never forward this code.`,
  },
  apple: {
    sender: 'Apple',
    length: 6,
    text: (c) => `Your Apple Account code is ${c}. Don't share it with anyone.`,
  },
  microsoft: {
    sender: 'Microsoft',
    length: 7,
    text: (c) => `Use ${c} as your Microsoft account security code.`,
  },
  amazon: {
    sender: 'Amazon',
    length: 6,
    text: (c) => `${c} is your Amazon one-time password. Do not share it.`,
  },
  openai: { sender: 'OpenAI', length: 6, text: (c) => `Your OpenAI verification code is ${c}.` },
  paypal: {
    sender: 'PayPal',
    length: 6,
    text: (c) => `PayPal: your security code is ${c}. It expires in 10 minutes. Don't reply to this message.`,
  },
  wechat: {
    sender: 'WeChat',
    length: 6,
    text: (c) => `[WeChat] Verification code ${c}. Valid for 5 minutes.`,
  },
  vk: { sender: 'VK', length: 6, text: (c) => `VK: ${c} — код подтверждения. Никому не говорите код!` },
  ok: { sender: 'OK.RU', length: 6, text: (c) => `Код для входа в OK: ${c}` },
};

const ALPHANUMERIC = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const FORBIDDEN = /sql|banned|bad_key/i;

/** A readable name: "Google,youtube,Gmail" → "Google", never one that looks like a protocol error. */
function displayName(name: string): string {
  const first = name.split(/[,/+(]/)[0]!.trim();
  const clean = first.replace(/[:\n\r]/g, ' ').trim();
  if (!clean || FORBIDDEN.test(clean)) return 'your account';
  return clean;
}

function senderFor(name: string): string {
  const compact = displayName(name).replace(/[^A-Za-z0-9]/g, '');
  return compact ? compact.slice(0, 11) : 'INFO';
}

/** Code shape of a service: length 4–8; about one in ten long-tail services uses letters and digits. */
function codeShape(
  platform: { id: number; code: string },
  seed: number,
): { length: number; alphanumeric: boolean } {
  const brand = BRANDS[platform.code];
  if (brand) return { length: brand.length, alphanumeric: false };
  const length = 4 + Math.floor(unit(hashOf(seed, 'code-length', platform.id)) * 5);
  return { length, alphanumeric: platform.id > 16 && unit(hashOf(seed, 'code-letters', platform.id)) < 0.1 };
}

function drawCode(rng: SeededRng, shape: { length: number; alphanumeric: boolean }): string {
  let code = '';
  for (let i = 0; i < shape.length; i++) {
    code += shape.alphanumeric ? ALPHANUMERIC[rng.int(0, ALPHANUMERIC.length - 1)] : String(rng.int(0, 9));
  }
  return code;
}

export function composeSms(
  rng: SeededRng,
  seed: number,
  platform: { id: number; code: string; name: string },
  country: { iso2: string | null },
  fixedCode?: string,
): ComposedSms {
  const language = languageFor(rng, country.iso2);
  const code = fixedCode ?? drawCode(rng, codeShape(platform, seed));
  const brand = BRANDS[platform.code];
  if (brand) return { text: brand.text(code, language), code, sender: brand.sender };
  const name = displayName(platform.name);
  const template = rng.pick(GENERIC[language]);
  return { text: template(name, code), code, sender: senderFor(platform.name) };
}

/**
 * The code inside a text, as a provider's parser finds it: "123-456" or "123 456" → "123456", else the first
 * standalone run of 4–8 digits. Null when there is none.
 */
export function extractCode(text: string): string | null {
  const split = /(?<![\d-])(\d{3})[- ](\d{3})(?![\d-])/.exec(text);
  if (split) return `${split[1]}${split[2]}`;
  const plain = /(?<!\d)(\d{4,8})(?!\d)/.exec(text);
  return plain ? plain[1]! : null;
}

/** Codes must not break `STATUS_OK:<code>` parsing. */
export function isValidCode(code: string): boolean {
  return code.length > 0 && code.length <= 64 && !/[:\r\n]/.test(code);
}
