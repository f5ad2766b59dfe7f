/**
 * Placing the confirm form's order: POST /v2/orders/create under the form's idempotency key. A second
 * post of the same form (a double click, a reload) is the same request, so the API answers it with the
 * same order; while the first is still being placed it answers REQUEST_IN_PROGRESS, and the page waits
 * for the first's answer (as the contract tells clients to) instead of showing the visitor an error.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ApiAnswer, WebApiCall } from '../../../src/api/web/web-locals.ts';
import type { CreateResult } from './smscode-types.ts';

const IN_PROGRESS_RETRIES = 40;
const RETRY_DELAY_MS = 250;

export interface PlaceOrderBody {
  catalog_product_id: number | undefined;
  operator_id: number | undefined;
  max_price: string | undefined;
}

export async function placeOrder(
  api: WebApiCall,
  body: PlaceOrderBody,
  idempotencyKey: string | undefined,
): Promise<ApiAnswer<CreateResult>> {
  const call = () => api<CreateResult>('POST', '/v2/orders/create', { body, idempotencyKey });
  let answer = await call();
  for (
    let retry = 0;
    retry < IN_PROGRESS_RETRIES && !answer.ok && answer.error.code === 'REQUEST_IN_PROGRESS';
    retry++
  ) {
    await delay(RETRY_DELAY_MS);
    answer = await call();
  }
  return answer;
}
