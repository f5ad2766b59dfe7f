/** Reading passwords from posted forms, and the one check a page makes itself: both copies agree. */
import type { ApiRefusal } from '../../../src/api/web/web-locals.ts';
import type { Form } from './forms.ts';

/** A password as typed: unlike field(), never trimmed, since spaces belong to a passphrase. */
export function passwordField(form: Form, name: string): string {
  const value = form?.[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

/**
 * A refusal when the repeated password differs from the first (a typo would lock the visitor out), said
 * with the page's own message; undefined when they agree. The API judges the password itself.
 */
export function mismatchRefusal(form: Form, first: string, repeat: string, message: string) {
  return passwordField(form, first) === passwordField(form, repeat)
    ? undefined
    : ({ code: 'PASSWORDS_DIFFER', message } satisfies ApiRefusal);
}
