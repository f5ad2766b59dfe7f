/**
 * How a page talks to numpool: the same JSON routes (/api, /admin/api, /v2) every other client uses,
 * called in-process as the visitor. The visitor's cookies, address and language go with each call, a
 * form's CSRF token goes as X-CSRF-Token (the route checks it, as for any browser), and cookies a route
 * sets (a new session, a CSRF secret, a cleared session) come back to the browser. So pages hold no
 * authentication, no validation and no business rule of their own, and every page action has exactly the
 * API's rules, limits and audit trail.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

export type ApiMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ApiRefusal {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export type ApiAnswer<T> =
  | { ok: true; status: number; data: T }
  | { ok: false; status: number; error: ApiRefusal; retryAfterSeconds?: number };

export interface ApiCallOptions {
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  /** Sent as Idempotency-Key (a buy placed twice from the same form is placed once). */
  idempotencyKey?: string;
}

export type WebApiCall = <T = unknown>(
  method: ApiMethod,
  path: string,
  options?: ApiCallOptions,
) => Promise<ApiAnswer<T>>;

/** The call failed for a reason the page cannot explain to the visitor: its 503 or 500 page answers. */
export class WebApiFailure extends Error {
  readonly status: number;
  readonly refusal: ApiRefusal | undefined;
  readonly retryAfterSeconds: number | undefined;
  constructor(status: number, refusal: ApiRefusal | undefined, retryAfterSeconds: number | undefined) {
    super(`numpool answered ${status}${refusal ? ` ${refusal.code}: ${refusal.message}` : ''}`);
    this.name = 'WebApiFailure';
    this.status = status;
    this.refusal = refusal;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** A cookie an answer set, as light-my-request parses its Set-Cookie lines (values decoded). */
interface SetCookie {
  name: string;
  value: string;
  expires?: Date;
  maxAge?: number;
}

/** Cookies the calls set, to be sent to the browser with the page. */
export interface CookieJar {
  /** The Cookie header the next call sends: the browser's, updated by what earlier calls set. */
  header(): string | undefined;
  /** Every Set-Cookie the calls answered, in order. */
  readonly setCookies: string[];
  absorb(lines: string | string[] | undefined, parsed: readonly SetCookie[]): void;
}

/** A jar holding the browser's cookies (as @fastify/cookie parsed them). */
export function cookieJar(initial: Record<string, string | undefined>): CookieJar {
  const values = new Map<string, string>();
  for (const [name, value] of Object.entries(initial)) if (value !== undefined) values.set(name, value);
  const setCookies: string[] = [];
  return {
    setCookies,
    header: () =>
      values.size
        ? [...values].map(([name, value]) => `${name}=${encodeURIComponent(value)}`).join('; ')
        : undefined,
    absorb(lines, parsed) {
      setCookies.push(...[lines ?? []].flat());
      for (const cookie of parsed) {
        // An emptied or already-expired cookie is a deletion.
        const gone =
          cookie.value === '' ||
          cookie.maxAge === 0 ||
          (cookie.expires !== undefined && cookie.expires.getTime() <= Date.now());
        if (gone) values.delete(cookie.name);
        else values.set(cookie.name, cookie.value);
      }
    },
  };
}

const queryString = (query: ApiCallOptions['query']) => {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {}))
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
};

export function webApi(
  app: FastifyInstance,
  request: FastifyRequest,
  jar: CookieJar,
  csrfToken: () => string | undefined,
): WebApiCall {
  return async <T>(method: ApiMethod, path: string, options: ApiCallOptions = {}) => {
    const headers: Record<string, string> = { accept: 'application/json' };
    const cookie = jar.header();
    if (cookie) headers.cookie = cookie;
    const language = request.headers['accept-language'];
    if (typeof language === 'string') headers['accept-language'] = language;
    const agent = request.headers['user-agent'];
    if (typeof agent === 'string') headers['user-agent'] = agent;
    if (method !== 'GET') {
      const token = csrfToken();
      if (token) headers['x-csrf-token'] = token;
    }
    if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
    const hasBody = options.body !== undefined;
    if (hasBody) headers['content-type'] = 'application/json';
    const response = await app.inject({
      method,
      url: path + queryString(options.query),
      headers,
      remoteAddress: request.ip,
      ...(hasBody ? { payload: JSON.stringify(options.body) } : {}),
    });
    jar.absorb(response.headers['set-cookie'], response.cookies as SetCookie[]);
    const type = String(response.headers['content-type'] ?? '');
    const isJson = type.startsWith('application/json');
    const body = isJson ? (response.json() as Record<string, unknown>) : {};
    const retryAfter = Number(response.headers['retry-after']);
    const retryAfterSeconds = Number.isFinite(retryAfter) ? retryAfter : undefined;
    const refusal = (body.error ?? undefined) as ApiRefusal | undefined;
    if (response.statusCode >= 500) throw new WebApiFailure(response.statusCode, refusal, retryAfterSeconds);
    if (response.statusCode < 400)
      return {
        ok: true,
        status: response.statusCode,
        // A text answer (the Prometheus metrics) is its own data.
        data: (isJson ? body.data : response.body) as T,
      };
    return {
      ok: false,
      status: response.statusCode,
      error: refusal ?? { code: 'HTTP_ERROR', message: `HTTP ${response.statusCode}` },
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    };
  };
}
