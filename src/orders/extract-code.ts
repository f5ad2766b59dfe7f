/**
 * A first OTP extractor: the provider's own code when it gave one, else the most code-like token of the
 * text — "123-456" and "G-123456" forms, then a standalone run of 4-8 digits. Codes never contain ':'
 * (handler-protocol clients split on it).
 */
const PATTERNS = [/\b(?:G-)?(\d{3})[- ](\d{3})\b/, /\bG-(\d{4,8})\b/, /(?<![\d+])(\d{4,8})(?!\d)/];

export function extractCode(text: string, providerCode?: string | null): string | null {
  const given = providerCode?.replaceAll(':', '').trim();
  if (given) return given;
  for (const pattern of PATTERNS) {
    const match = pattern.exec(text);
    if (match) return match.slice(1).filter(Boolean).join('');
  }
  return null;
}
