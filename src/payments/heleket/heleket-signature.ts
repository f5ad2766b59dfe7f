/**
 * Heleket signatures (specs/payments.md §1.1, §1.6): `md5(base64(body) + paymentKey)`, hex, over exact
 * bytes. Requests are signed over what goes on the wire; a webhook carries `sign` as its last member, and is
 * verified two ways (raw strip, PHP re-encode) because PHP and Go senders serialise differently.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** The signature of one exact body (empty string for calls without parameters). */
export function signHeleketBody(body: string | Buffer, paymentKey: string): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return createHash('md5')
    .update(`${bytes.toString('base64')}${paymentKey}`, 'utf8')
    .digest('hex');
}

/** Constant-time comparison of two hex signatures (different lengths never match). */
export function sameSignature(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * PHP's `json_encode($v, JSON_UNESCAPED_UNICODE)` for the values webhooks hold (strings, booleans, null,
 * integers, plain objects and arrays): `/` as `\/`, non-ASCII literal, U+2028/U+2029 escaped as PHP does
 * without JSON_UNESCAPED_LINE_TERMINATORS. Slashes only occur inside strings, so replacing them in
 * JSON.stringify's output is exact.
 */
export function encodePhpJson(value: unknown): string {
  const encoded = JSON.stringify(value);
  if (encoded === undefined) throw new TypeError('value has no JSON form');
  return encoded.replaceAll('/', '\\/').replaceAll('\u2028', '\\u2028').replaceAll('\u2029', '\\u2029');
}

/** A webhook body as Heleket builds it: the data PHP-encoded, then `sign` appended as the last member. */
export function buildSignedWebhookBody(data: Record<string, unknown>, paymentKey: string): string {
  const { sign: _ignored, ...rest } = data;
  const unsigned = encodePhpJson(rest);
  const sign = signHeleketBody(unsigned, paymentKey);
  return `${unsigned.slice(0, -1)}${unsigned.length > 2 ? ',' : ''}"sign":${JSON.stringify(sign)}}`;
}

export interface RawMember {
  key: string;
  /** The member's original text, `"key":value` with the value's bytes untouched. */
  span: string;
  /** The value's original text. */
  value: string;
}

/**
 * The top-level members of a JSON object with their original text, or null if the text is not one
 * JSON object. Scans without recursion (nesting depth cannot blow the stack); values are validated by
 * JSON.parse of the whole text, which the caller does first.
 */
export function topLevelMembers(text: string): RawMember[] | null {
  let i = 0;
  const skipSpace = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const skipString = (): boolean => {
    if (text[i] !== '"') return false;
    i++;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '\\') i += 2;
      else if (c === '"') {
        i++;
        return true;
      } else i++;
    }
    return false;
  };
  const skipValue = (): boolean => {
    let depth = 0;
    do {
      skipSpace();
      const c = text[i];
      if (c === undefined) return false;
      if (c === '"') {
        if (!skipString()) return false;
      } else if (c === '{' || c === '[') {
        depth++;
        i++;
      } else if (c === '}' || c === ']') {
        depth--;
        i++;
      } else if (c === ',' || c === ':') {
        if (depth === 0) return false;
        i++;
      } else {
        const start = i;
        while (i < text.length && !' \t\n\r,:{}[]"'.includes(text[i]!)) i++;
        if (i === start) return false;
      }
    } while (depth > 0);
    return depth === 0;
  };
  skipSpace();
  if (text[i] !== '{') return null;
  i++;
  const members: RawMember[] = [];
  skipSpace();
  if (text[i] === '}') {
    i++;
  } else {
    for (;;) {
      skipSpace();
      const keyStart = i;
      if (!skipString()) return null;
      const keyText = text.slice(keyStart, i);
      skipSpace();
      if (text[i] !== ':') return null;
      i++;
      skipSpace();
      const valueStart = i;
      if (!skipValue()) return null;
      const value = text.slice(valueStart, i);
      members.push({ key: JSON.parse(keyText) as string, span: `${keyText}:${value}`, value });
      skipSpace();
      if (text[i] === ',') {
        i++;
        continue;
      }
      if (text[i] === '}') {
        i++;
        break;
      }
      return null;
    }
  }
  skipSpace();
  return i === text.length ? members : null;
}

/** Method 1 (raw strip): the object rebuilt from its other members' original text, in order, hashed. */
export function webhookSignByRawStrip(rawBody: string, paymentKey: string): string | null {
  const members = topLevelMembers(rawBody);
  if (!members) return null;
  const rest = members.filter((m) => m.key !== 'sign').map((m) => m.span);
  return signHeleketBody(`{${rest.join(',')}}`, paymentKey);
}

/** Method 2 (PHP re-encode): parsed, `sign` removed, PHP-encoded again, hashed. */
export function webhookSignByPhpReencode(payload: Record<string, unknown>, paymentKey: string): string {
  const { sign: _ignored, ...rest } = payload;
  return signHeleketBody(encodePhpJson(rest), paymentKey);
}

/**
 * True if `sign` matches the body by either method. The caller has parsed `rawBody` into `payload`
 * (a plain object) and checked `sign` is a string.
 */
export function verifyHeleketWebhookSign(input: {
  rawBody: string;
  payload: Record<string, unknown>;
  sign: string;
  paymentKey: string;
}): boolean {
  const byRaw = webhookSignByRawStrip(input.rawBody, input.paymentKey);
  const byPhp = webhookSignByPhpReencode(input.payload, input.paymentKey);
  // Both are computed and compared so the time taken does not say which method matched.
  const rawOk = byRaw !== null && sameSignature(byRaw, input.sign);
  const phpOk = sameSignature(byPhp, input.sign);
  return rawOk || phpOk;
}
