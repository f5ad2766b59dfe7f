/** The admin pages' post/redirect/get: what a form sends the API, and where the browser goes after. */
import type { ApiAnswer, ApiRefusal } from '../../../../src/api/web/web-locals.ts';
import { type Form, field } from '../forms.ts';

/**
 * A number the API takes, from a form field: undefined when empty; a text that is no number goes as
 * typed, so the API's validation explains what is wrong with it.
 */
export function numberField(form: Form, name: string): number | string | undefined {
  const text = field(form, name);
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : text;
}

/** The page's own address with a notice to show after the redirect (and its values, as n.<name>). */
export function withNotice(url: URL, notice: string, values: Record<string, string | number> = {}): string {
  const params = new URLSearchParams(url.search);
  for (const name of [...params.keys()]) if (name === 'notice' || name.startsWith('n.')) params.delete(name);
  params.set('notice', notice);
  for (const [name, value] of Object.entries(values)) params.set(`n.${name}`, String(value));
  return `${url.pathname}?${params}`;
}

/** A form that names no action this page knows. */
export const UNKNOWN_ACTION: ApiAnswer<never> = {
  ok: false,
  status: 400,
  error: { code: 'VALIDATION_ERROR', message: 'unknown action' } satisfies ApiRefusal,
};

/** Keyset paging of the API's lists: the next page's before_id, when this page was full. */
export function nextBeforeId(rows: Array<{ id: number }>, limit: number): number | undefined {
  return rows.length >= limit ? rows[rows.length - 1]?.id : undefined;
}
