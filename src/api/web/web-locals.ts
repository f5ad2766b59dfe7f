/**
 * What a web page may do, as the locals of its request: the same domain verbs the API routes call,
 * bound to numpool's context. Pages (web/) import only these types, so no domain module is bundled
 * into the Astro build and no page reaches the database or holds a business rule.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppContext } from '../../app-context.ts';
import { type Exploration, type ExploreQuery, exploreOffers } from '../../providers/explore-offers.ts';
import { getPoolStatus, type PoolState } from '../../providers/get-pool-status.ts';
import { outageRefusal } from '../plugins/service-refusal.ts';
import { sessionTokenOf } from '../plugins/session-cookie.ts';
import { cookieJar, type WebApiCall, WebApiFailure, webApi } from './web-api.ts';

export type { ApiAnswer, ApiCallOptions, ApiMethod, ApiRefusal, WebApiCall } from './web-api.ts';
export type { Exploration, ExploreQuery, PoolState };

/**
 * Sandbox mode only: the demo accounts, so a first visitor can sign in. The admin's password stays in the
 * terminal banner and demo.json: a sandbox reached from elsewhere must not hand out operator access.
 */
export interface SandboxHint {
  customer: { email: string; password: string };
  adminEmail: string;
  demoFile: string;
}

/** The signed-in visitor, as GET /api/session tells it. */
export interface Viewer {
  id: number;
  email: string;
  role: 'customer' | 'admin';
  emailVerified: boolean;
  twoFactorEnabled: boolean;
  /** Every form a signed-in page renders sends it back as `_csrf`. */
  csrfToken: string;
}

/** How a page that failed is answered: a dependency outage is passing (503), anything else a fault (500). */
export type PageFailure = { kind: 'unavailable'; retryAfterSeconds: number } | { kind: 'fault' };

export interface WebLocals {
  requestId: string;
  /** The origin customers reach (NUMPOOL_PUBLIC_URL). */
  publicUrl: string;
  /** Where handler-protocol clients point their base URL. */
  handlerApiUrl: string;
  /** Set in sandbox mode: who the demo accounts are. */
  sandbox: SandboxHint | null;
  /** The signed-in visitor, or null (asked once per request, on first use). */
  viewer(): Promise<Viewer | null>;
  /** The posted form's fields (urlencoded; a repeated field keeps its values as an array), or null on GET. */
  form: Record<string, string | string[]> | null;
  /** Calls numpool's JSON API as the visitor (web-api.ts); a 5xx throws and renders the 503/500 page. */
  api: WebApiCall;
  /** Set-Cookie lines the API calls answered; the mount sends them with the page. */
  cookies: readonly string[];
  exploreOffers(input: ExploreQuery): Promise<Exploration>;
  poolStatus(): Promise<{ state: PoolState }>;
  /** Logs an error a page's rendering threw, with the request id, and says how to answer it. */
  pageFailed(error: unknown): PageFailure;
}

export function webLocals(
  ctx: AppContext,
  app: FastifyInstance,
  request: FastifyRequest,
  sandbox: SandboxHint | null = null,
): WebLocals {
  const publicUrl = ctx.config.publicUrl.replace(/\/+$/, '');
  const form =
    request.method === 'POST' && request.body && typeof request.body === 'object'
      ? (request.body as Record<string, string | string[]>)
      : null;
  // Only the token the form carried: a token minted now would pass any forged post.
  const posted = form?._csrf;
  const jar = cookieJar(request.cookies ?? {});
  const api = webApi(app, request, jar, () => (typeof posted === 'string' ? posted : undefined));
  let viewer: Promise<Viewer | null> | undefined;
  return {
    requestId: request.id,
    publicUrl,
    handlerApiUrl: `${publicUrl}/stubs/handler_api.php`,
    sandbox,
    viewer: () => {
      viewer ??= sessionTokenOf(request) === undefined ? Promise.resolve(null) : viewerOf(api);
      return viewer;
    },
    form,
    api,
    cookies: jar.setCookies,
    exploreOffers: (input) => exploreOffers({ ctx, input }),
    poolStatus: () => getPoolStatus({ ctx }),
    pageFailed: (error) => {
      // The same judgement and wording as the API's error mappers (smscode-errors.ts).
      if (error instanceof WebApiFailure && error.status === 503) {
        request.log.warn({ err: error }, 'a dependency is unavailable');
        return { kind: 'unavailable', retryAfterSeconds: error.retryAfterSeconds ?? 2 };
      }
      const outage = outageRefusal(error);
      if (outage) {
        request.log.warn({ err: error }, 'a dependency is unavailable');
        return { kind: 'unavailable', retryAfterSeconds: outage.retryAfterSeconds };
      }
      request.log.error({ err: error }, 'unexpected error');
      return { kind: 'fault' };
    },
  };
}

async function viewerOf(api: WebApiCall): Promise<Viewer | null> {
  const answer = await api<{
    account: {
      id: number;
      email: string;
      role: Viewer['role'];
      email_verified: boolean;
      two_factor_enabled: boolean;
    };
    csrf_token: string | null;
  }>('GET', '/api/session');
  if (!answer.ok || !answer.data.csrf_token) return null;
  const { account, csrf_token } = answer.data;
  return {
    id: account.id,
    email: account.email,
    role: account.role,
    emailVerified: account.email_verified,
    twoFactorEnabled: account.two_factor_enabled,
    csrfToken: csrf_token,
  };
}
