/**
 * One 5SIM v1 request: GET `<base>/<path>` (the base already ends in /v1) with the bearer token on user
 * endpoints only — guest endpoints are public, and price syncs should not depend on the token. Returns the
 * parsed JSON of a successful reply or throws a ProviderError.
 */
import { httpGet } from '../transport/http-get.ts';
import { parseJson } from '../transport/wire-values.ts';
import { fivesimStatusError, fivesimTextError } from './fivesim-errors.ts';

export interface FivesimEndpoint {
  baseUrl: string;
  credential: string;
  timeoutMs: number;
}

export type FivesimQuery = Record<string, string | undefined>;

/** Path segments are provider names and ids; encode them so none can change the path. */
export function fivesimPath(...segments: string[]): string {
  return segments.map((segment) => encodeURIComponent(segment)).join('/');
}

export async function callFivesim(
  endpoint: FivesimEndpoint,
  path: string,
  query: FivesimQuery = {},
): Promise<unknown> {
  const url = new URL(`${endpoint.baseUrl.replace(/\/+$/, '')}/${path}`);
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (path.startsWith('user/')) headers.Authorization = `Bearer ${endpoint.credential}`;
  const label = `5sim ${path.split('/').slice(0, 2).join('/')}`;
  const reply = await httpGet(url, { headers, timeoutMs: endpoint.timeoutMs, label });
  if (reply.status < 200 || reply.status > 299) throw fivesimStatusError(reply, label);
  const parsed = parseJson(reply.body);
  if (!parsed.ok) throw fivesimTextError(reply.body, label);
  // A JSON string body is still an error text ("no free phones" sent as JSON).
  if (typeof parsed.value === 'string') throw fivesimTextError(parsed.value, label);
  return parsed.value;
}
