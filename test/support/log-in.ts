/** A browser that logs in through POST /api/login, as the web app does. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Browser } from './sign-in.ts';
import { cookiesSet } from './sign-in.ts';

export const PASSWORD = 'correct horse battery'; // what createCustomer gives every account

export interface LoginBody {
  email: unknown;
  password?: unknown;
  totp_code?: unknown;
  recovery_code?: unknown;
}

export function postLogin(
  app: FastifyInstance,
  body: LoginBody | string,
  options: { address?: string; cookie?: string } = {},
): Promise<LightMyRequestResponse> {
  return app.inject({
    method: 'POST',
    url: '/api/login',
    headers: { 'content-type': 'application/json', ...(options.cookie ? { cookie: options.cookie } : {}) },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
    remoteAddress: options.address ?? '127.0.0.1',
  });
}

/** The browser a successful answer (login, password change, 2FA enable) leaves behind. */
export function browserFrom(response: LightMyRequestResponse, previous?: Browser): Browser {
  if (response.statusCode !== 200) throw new Error(`answered ${response.statusCode}: ${response.body}`);
  const set = cookiesSet(response.headers['set-cookie']);
  const names = new Set(set.map((pair) => pair.split('=')[0]));
  const kept = (previous?.cookies.cookie.split('; ') ?? []).filter((pair) => !names.has(pair.split('=')[0]));
  const cookie = [...kept, ...set].join('; ');
  return {
    sessionId: 0,
    cookies: { cookie },
    headers: { cookie, 'x-csrf-token': response.json().data.csrf_token },
  };
}

export async function logInAs(
  app: FastifyInstance,
  email: string,
  extra: Partial<LoginBody> = {},
  options: { address?: string } = {},
): Promise<Browser> {
  return browserFrom(await postLogin(app, { email, password: PASSWORD, ...extra }, options));
}

export function setCookieLine(response: LightMyRequestResponse, name: string): string | undefined {
  return [response.headers['set-cookie'] ?? []].flat().find((line) => line.startsWith(`${name}=`));
}
