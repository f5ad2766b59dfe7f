/**
 * What numpool asks for, normalised the same way for every provider before it goes on the wire: "any
 * operator" has one spelling (null), and phone prefixes are digits.
 */

/** The operator a request names, or null for "any operator" (unset, empty or the literal "any"). */
export function requestedOperator(operator: string | null | undefined): string | null {
  const trimmed = operator?.trim();
  return trimmed && trimmed !== 'any' ? trimmed : null;
}

/** Phone-prefix exclusions as digits only, empty ones dropped. */
export function digitPrefixes(prefixes: readonly string[] | undefined): string[] {
  return (prefixes ?? []).map((p) => p.replace(/\D/g, '')).filter((p) => p !== '');
}
