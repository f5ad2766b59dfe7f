/**
 * What a customer may set on a key, checked in one place: a name, scopes (known, at least one), an address
 * allowlist (ip-allowlist.ts) and a daily spend limit (whole IDR above zero). null clears the allowlist or
 * the limit; undefined leaves a setting as it is.
 */
import { DomainError } from '../platform/errors.ts';
import { API_SCOPES, type ApiScope, isApiScope } from './api-scopes.ts';
import { parseAllowlist } from './ip-allowlist.ts';

/** Far inside what a BIGINT and a JS number hold exactly. */
const LIMIT_MAX = 1e15;

export interface ApiKeySettings {
  name?: string | undefined;
  scopes?: readonly string[] | undefined;
  ipAllowlist?: readonly string[] | null | undefined;
  dailySpendLimit?: number | null | undefined;
}

export interface CheckedSettings {
  name?: string;
  scopes?: ApiScope[];
  ipAllowlist?: string[] | null;
  dailySpendLimit?: number | null;
}

export function checkName(name: string): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (trimmed.length < 1 || trimmed.length > 64 || /[\u0000-\u001f\u007f]/.test(trimmed)) {
    throw new DomainError('VALIDATION_ERROR', 'name is 1-64 printable characters');
  }
  return trimmed;
}

/** Known scopes, each once, in their canonical order. */
export function checkScopes(scopes: readonly string[]): ApiScope[] {
  if (!Array.isArray(scopes) || scopes.length === 0) {
    throw new DomainError('VALIDATION_ERROR', 'a key needs at least one scope');
  }
  const unknown = scopes.find((scope) => typeof scope !== 'string' || !isApiScope(scope));
  if (unknown !== undefined) {
    throw new DomainError('VALIDATION_ERROR', `unknown scope; scopes are ${API_SCOPES.join(', ')}`, {
      scope: String(unknown).slice(0, 32),
    });
  }
  return API_SCOPES.filter((scope) => scopes.includes(scope));
}

export function checkSettings(settings: ApiKeySettings): CheckedSettings {
  const checked: CheckedSettings = {};
  if (settings.name !== undefined) checked.name = checkName(settings.name);
  if (settings.scopes !== undefined) checked.scopes = checkScopes(settings.scopes);
  if (settings.ipAllowlist !== undefined)
    checked.ipAllowlist = settings.ipAllowlist === null ? null : parseAllowlist(settings.ipAllowlist);
  if (settings.dailySpendLimit !== undefined) {
    const limit = settings.dailySpendLimit;
    if (limit !== null && (!Number.isSafeInteger(limit) || limit < 1 || limit > LIMIT_MAX)) {
      throw new DomainError('VALIDATION_ERROR', 'daily_spend_limit is whole IDR above zero, or null');
    }
    checked.dailySpendLimit = limit;
  }
  return checked;
}
