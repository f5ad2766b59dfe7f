/**
 * One handler-protocol request: `GET <base>/stubs/handler_api.php?api_key=…&action=…&…`, decoded into a
 * successful body or a thrown ProviderError. Parameters left undefined are not sent.
 */
import { httpGet } from '../transport/http-get.ts';
import { decodeHandlerReply, type HandlerBody } from './handler-errors.ts';

export interface HandlerEndpoint {
  baseUrl: string;
  credential: string;
  timeoutMs: number;
}

export type HandlerParams = Record<string, string | undefined>;

export async function callHandler(
  endpoint: HandlerEndpoint,
  action: string,
  params: HandlerParams = {},
): Promise<HandlerBody> {
  const url = new URL(`${endpoint.baseUrl.replace(/\/+$/, '')}/stubs/handler_api.php`);
  url.searchParams.set('api_key', endpoint.credential);
  url.searchParams.set('action', action);
  for (const [name, value] of Object.entries(params)) {
    if (value !== undefined) url.searchParams.set(name, value);
  }
  const label = `handler ${action}`;
  const reply = await httpGet(url, { timeoutMs: endpoint.timeoutMs, label });
  return decodeHandlerReply(reply, label);
}
