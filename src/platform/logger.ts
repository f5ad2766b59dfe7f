import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/** Query parameters that carry a credential: the handler API key, a provider hook secret, and kin. */
const CREDENTIAL_PARAM = /^(api[-_]?key|key|secret|hook[-_]?secret|token|access[-_]?token|password)$/i;
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

/** Fields that hold a credential wherever a logged object carries them (at the top or one level down). */
const CREDENTIAL_FIELDS = [
  'password',
  'secret',
  'webhook_secret',
  'webhookSecret',
  'api_key',
  'apiKey',
  'totp',
  'totp_code',
  'recovery_code',
];

/**
 * Every level, debug included, is safe to ship: credentials in URLs and headers never reach the output.
 * Requests are logged by method and redacted URL only; headers, wherever they appear, lose their
 * credentials, and so do fields named for one (password, secret, webhook_secret, api_key, TOTP codes).
 */
export function createLogger(level: string, name = 'numpool', destination?: DestinationStream): Logger {
  return pino(
    {
      name,
      level,
      base: { pid: process.pid },
      serializers: {
        err: pino.stdSerializers.err,
        url: redactUrl,
        req: (req: { method?: string; url?: string }) => ({ method: req.method, url: redactUrl(req.url) }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      redact: {
        paths: [
          ...['headers', 'req.headers', 'res.headers', 'request.headers', 'response.headers'].flatMap((at) =>
            CREDENTIAL_HEADERS.map((header) => `${at}["${header}"]`),
          ),
          ...CREDENTIAL_FIELDS.flatMap((field) => [field, `*.${field}`]),
        ],
        censor: REDACTED,
      },
    },
    destination,
  );
}
