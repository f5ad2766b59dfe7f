/**
 * Stripe's form bodies: `a[b][0][c]=v` pairs (brackets encoded or not) → nested objects, the way the
 * API reads them. Objects whose keys are all 0…n-1 become arrays; a key that repeats keeps the last value.
 */
export type FormValue = string | FormValue[] | { [key: string]: FormValue };

export class FormError extends Error {}

const MAX_DEPTH = 8;

export function parseStripeForm(body: string): Record<string, FormValue> {
  // Prototype-less nodes: a `__proto__[x]` parameter must not reach Object.prototype.
  const root: Record<string, FormValue> = Object.create(null);
  for (const [name, value] of new URLSearchParams(body)) {
    const path = keyPath(name);
    let node: Record<string, FormValue> = root;
    for (const [i, key] of path.entries()) {
      if (i === path.length - 1) {
        if (Object.hasOwn(node, key) && typeof node[key] === 'object')
          throw new FormError(`${name} is both a value and an object`);
        node[key] = value;
        break;
      }
      const next = Object.hasOwn(node, key) ? (node[key] as FormValue) : Object.create(null);
      if (typeof next === 'string') throw new FormError(`${name} is both a value and an object`);
      node[key] = next;
      node = next as Record<string, FormValue>;
    }
  }
  return arraysIn(root) as Record<string, FormValue>;
}

/** `line_items[0][price_data]` → `['line_items', '0', 'price_data']`. */
function keyPath(name: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(name);
  if (!match?.[1]) throw new FormError(`bad parameter name ${name}`);
  const rest = [...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '');
  if (rest.length > MAX_DEPTH) throw new FormError(`${name} nests too deep`);
  if (rest.some((key) => key === '')) throw new FormError(`empty index in ${name}`);
  return [match[1], ...rest];
}

function arraysIn(value: FormValue): FormValue {
  if (typeof value === 'string' || Array.isArray(value)) return value;
  const keys = Object.keys(value);
  const entries = keys.map((key) => [key, arraysIn(value[key] as FormValue)] as const);
  const isList = keys.length > 0 && keys.every((key, i) => key === String(i));
  if (isList) return entries.map(([, v]) => v);
  return Object.fromEntries(entries);
}
