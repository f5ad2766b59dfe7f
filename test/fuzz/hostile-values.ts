/**
 * Generators of request values for the schema-driven fuzz test: values a schema allows (so requests get
 * past validation into the domain) and hostile ones (wrong types, non-finite and out-of-range numbers,
 * NUL and odd unicode, arrays for scalars).
 */
import fc from 'fast-check';

export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

const NUMBER_TEXTS = [
  '1e309',
  '-1e309',
  'Infinity',
  '-Infinity',
  'NaN',
  '-0',
  '0',
  '-1',
  '1.5',
  '2147483647',
  '2147483648',
  '-2147483649',
  '9007199254740993',
  '1e15',
  '1e300',
  '0x10',
  '0b1',
  ' 1',
  '1 ',
  '+1',
  '',
  'null',
  'true',
];

const STRANGE_TEXTS = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0661\u0662',
  '😀🏳️‍🌈',
  'é́́́',
  '\uffff\ufffe',
  "' OR 1=1 --",
  '%00',
  '%ff',
  '../../etc/passwd',
  '<script>',
  '{"a":1}',
  'a'.repeat(5000),
];

/** Numbers Ajv's coercion once let through as Infinity. */
const NOT_FINITE = ['1e309', '-1e309', 'Infinity', '-Infinity'];

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NOT_FINITE) },
  { weight: 4, arbitrary: fc.constantFrom(...NUMBER_TEXTS) },
  { weight: 3, arbitrary: fc.constantFrom(...STRANGE_TEXTS) },
  fc.constantFrom(
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.NaN,
    -0,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 + 2,
    1e300,
    0.5,
  ),
  fc.integer(),
  fc.double(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.boolean(),
  fc.constant(null),
);

export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: hostileScalar },
  { weight: 1, arbitrary: fc.array(hostileScalar, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 5 }), hostileScalar, { maxKeys: 3 }) },
);

/** A value the schema accepts, where one is easy to make; hostile otherwise. */
export function validValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map(validValue));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'integer': {
      const min = Math.max(schema.minimum ?? -1e6, -1e15);
      const max = Math.min(schema.maximum ?? 1e6, 1e15);
      return fc.oneof(
        fc.constantFrom(min, max, Math.min(max, Math.max(min, 1))),
        fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }),
      );
    }
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern));
      return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 30, 30) });
    case 'object':
      return fc.constant({});
    default:
      return hostileValue;
  }
}

/** Valid, hostile, or absent (undefined). */
export function anyValue(schema: JsonSchema): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 2, arbitrary: validValue(schema) },
    { weight: 3, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

/** Text for a URL: encoded when it can be, sometimes raw (undecodable escapes, dot segments). */
export function urlText(value: unknown, raw: boolean): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value ?? null);
  if (raw && /^[\x21-\x7e]*$/.test(text)) return text.replaceAll('#', '%23').replaceAll('?', '%3F');
  try {
    return encodeURIComponent(text);
  } catch {
    // A lone surrogate: send its replacement character's bytes.
    return encodeURIComponent(Buffer.from(text).toString());
  }
}
