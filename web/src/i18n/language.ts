/**
 * Which language a request is shown in: an explicit `?lang=` wins (and is remembered in a cookie), then
 * the cookie, then the browser's Accept-Language (by q-value), then English.
 */
export const LANGUAGES = ['en', 'ru'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'en';
export const LANGUAGE_COOKIE = 'lang';

/** Each language named in itself, for the switch. */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', ru: 'Русский' };

export function asLanguage(value: string | null | undefined): Language | undefined {
  const base = value?.trim().toLowerCase().split('-')[0];
  return LANGUAGES.find((l) => l === base);
}

/** The best supported language of an Accept-Language header, if any. */
export function fromAcceptLanguage(header: string | null | undefined): Language | undefined {
  const ranges = (header ?? '')
    .split(',')
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { tag: tag ?? '', q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.tag !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const range of ranges) {
    const language = asLanguage(range.tag);
    if (language) return language;
  }
  return undefined;
}

export function pickLanguage(input: {
  query: string | null;
  cookie: string | undefined;
  acceptLanguage: string | null;
}): { language: Language; remember: boolean } {
  const asked = asLanguage(input.query);
  if (asked) return { language: asked, remember: true };
  return {
    language: asLanguage(input.cookie) ?? fromAcceptLanguage(input.acceptLanguage) ?? DEFAULT_LANGUAGE,
    remember: false,
  };
}
