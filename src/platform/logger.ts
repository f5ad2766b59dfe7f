import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/**
 * Query parameters that carry a credential: the handler API key, a provider hook secret, and kin; and the
 * OIDC callback's authorization code and state, which are the sign-in in flight.
 */
const CREDENTIAL_PARAM =
  /^(api[-_]?key|key|secret|hook[-_]?secret|token|access[-_]?token|password|code|state)$/i;
const REDACTED = '[redacted]';

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replaceAll('+', ' '));
  } catch {
    return text;
  }
}

/** The URL with the values of credential query parameters replaced; the rest is kept as sent. */
export function redactUrl(url: unknown): unknown {
  if (typeof url !== 'string') return url;
  const at = url.indexOf('?');
  if (at < 0) return url;
  const query = url
    .slice(at + 1)
    .split('&')
    .map((pair) => {
      const name = pair.split('=', 1)[0] ?? '';
      return CREDENTIAL_PARAM.test(decoded(name).trim()) ? `${name}=${REDACTED}` : pair;
    });
  return `${url.slice(0, at)}?${query.join('&')}`;
}

const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'set-cookie', 'x-apikey', 'x-numpool-hook-secret'];

/** Fields that hold a credential, at whatever depth a logged object carries them. */
const CREDENTIAL_FIELDS = [
  'password',
  'current_password',
  'new_password',
  'secret',
  'webhook_secret',
  'api_key',
  'token',
  'session_token',
  'csrf_token',
  'totp',
  'totp_code',
  'totp_secret',
  'otpauth_url',
  'recovery_code',
  'recovery_codes',
];

// Compared without case, dashes or underscores: apiKey, api_key and API-KEY are one name.
const nameKey = (name: string) => name.toLowerCase().replace(/[-_]/g, '');
const CREDENTIAL_NAMES = new Set([...CREDENTIAL_FIELDS, ...CREDENTIAL_HEADERS].map(nameKey));
/** Deeper than this a logged object is cut rather than walked (and a cycle ends). */
const MAX_DEPTH = 16;

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * A copy of a logged value with every credential-named field replaced, at any depth. Copy on write: an
 * object with nothing to redact is returned as it is, so the usual log line costs one walk and no
 * allocation. Only plain objects and arrays are walked — a request, reply or error instance is left to its
 * serializer (which runs after this and only emits chosen fields).
 */
export function redactFields(value: unknown, depth = 0, walkAnyObject = false): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (!walkAnyObject && !Array.isArray(value) && !isPlainObject(value)) return value;
  if (depth >= MAX_DEPTH) return REDACTED;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const redacted = redactFields(value[i], depth + 1);
      if (redacted !== value[i]) {
        copy ??= value.slice();
        copy[i] = redacted;
      }
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    const field = fields[key];
    const redacted = CREDENTIAL_NAMES.has(nameKey(key)) ? REDACTED : redactFields(field, depth + 1);
    if (redacted !== field) {
      copy ??= walkAnyObject
        ? Object.assign(Object.create(Object.getPrototypeOf(value)), fields)
        : { ...fields };
      copy![key] = redacted;
    }
  }
  return copy ?? value;
}

/**
 * Every level, debug included, is safe to ship: credentials in URLs and headers never reach the output.
 * Requests are logged by method and redacted URL only; headers, wherever they appear, lose their
 * credentials, and so does any field named for one (password, secret, token, api_key, TOTP and recovery
 * codes), however deep in the logged object.
 */
export function createLogger(level: string, name = 'numpool', destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      formatters: { log: (object) => redactFields(object) as Record<string, unknown> },
      serializers: {
        // An error's own fields (a client error's request config, say) are walked too.
        err: (error: Error) => redactFields(pino.stdSerializers.err(error), 0, true),
        url: redactUrl,
        req: (req: { method?: string; url?: string }) => ({ method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
    },
    destination,
  );
}
