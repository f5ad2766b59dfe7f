/**
 * Defensive readers for provider JSON. Providers disagree on types (ids and prices arrive as strings or
 * numbers, lists as [] or null), and a malformed body must become a PROTOCOL error, never a TypeError.
 * Each reader returns undefined when the value does not fit, so callers decide what is fatal.
 */
import Big from 'big.js';
import { ProviderError } from '../port.ts';

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export function parseJson(text: string): JsonParse {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A provider id (activation, order): digits, sent as a string or a non-negative safe integer. */
export function readId(value: unknown): string | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? String(value) : undefined;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value.trim())) return value.trim();
  return undefined;
}

/** A stock count: a non-negative integer, as a number or a numeric string. */
export function readCount(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Free text; numbers are accepted (a code like 123456 sent as a JSON number). */
export function readText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** A non-empty code, or null when absent/empty. */
export function readCode(value: unknown): string | null {
  const text = readText(value)?.trim();
  return text ? text : null;
}

/** Digits of a phone number ("+62 812-…" → "62812…"), or undefined when there are none. */
export function readPhone(value: unknown): string | undefined {
  const text = readText(value);
  if (text === undefined || !/^\+?[\d\s()-]+$/.test(text.trim())) return undefined;
  const digits = text.replace(/\D/g, '');
  return digits.length >= 5 && digits.length <= 20 ? digits : undefined;
}

const DECIMAL = /^\s*\d{1,30}(\.\d{1,30})?([eE][+-]?\d{1,2})?\s*$/;

/**
 * A non-negative amount as plain decimal text ("0.25", never "2.5e-1" or a float artefact): JSON numbers
 * go through their shortest string form into big.js, which prints without exponent.
 */
export function readDecimal(value: unknown): string | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) return undefined;
    text = String(value);
  } else if (typeof value === 'string' && DECIMAL.test(value)) {
    text = value.trim();
  } else {
    return undefined;
  }
  return new Big(text).toFixed();
}

/** A balance: like readDecimal, but an account may be in debt, so a minus sign is allowed. */
export function readAmount(value: unknown): string | undefined {
  const negative =
    (typeof value === 'number' && value < 0) || (typeof value === 'string' && value.trim().startsWith('-'));
  if (!negative) return readDecimal(value);
  const magnitude = readDecimal(typeof value === 'number' ? -value : String(value).trim().slice(1));
  return magnitude === undefined || magnitude === '0' ? magnitude : `-${magnitude}`;
}

/** An ISO-8601 timestamp with a zone; anything else (e.g. "0000-00-00 00:00:00", local times) → null. */
export function readInstant(value: unknown): Date | null {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A short, printable excerpt of a body for error messages. */
export function snippet(body: string, max = 120): string {
  const flat = body.replace(/[^\x20-\x7e]+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** The PROTOCOL error for a body that does not have the expected shape. */
export function malformed(label: string, expected: string, body: string): ProviderError {
  return new ProviderError(
    'PROTOCOL',
    `${label}: expected ${expected}, got ${JSON.stringify(snippet(body))}`,
  );
}
