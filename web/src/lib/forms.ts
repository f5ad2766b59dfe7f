/** Reading posted forms (parsed by numpool's server: urlencoded fields, as strings). */
import type { ApiRefusal } from '../../../src/api/web/web-locals.ts';
import type { MessageKey } from '../i18n/messages/en.ts';
import { en } from '../i18n/messages/en.ts';
import type { Translate } from '../i18n/translate.ts';

export type Form = Record<string, string | string[]> | null;

/** A field's text, trimmed; '' when absent (a repeated field gives its first value). */
export function field(form: Form, name: string): string {
  const value = form?.[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
}

/** A field's text as the API takes it: undefined when left empty. */
export function optionalField(form: Form, name: string): string | undefined {
  return field(form, name) || undefined;
}

/** Every value of a repeated field (checkboxes). */
export function fields(form: Form, name: string): string[] {
  const value = form?.[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).map((v) => v.trim());
}

/** What to tell the visitor about a refusal: the code's message in their language, with the API's detail. */
export function refusalText(t: Translate, refusal: ApiRefusal): string {
  const key = `error.${refusal.code}` as MessageKey;
  return key in en ? t(key, { message: refusal.message }) : t('error.other', { message: refusal.message });
}
