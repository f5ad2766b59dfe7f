/**
 * The orders list's filters, read from the query. GET /v2/orders filters by status and pages by offset
 * (most recent first, no total), so that is what the list and its CSV export offer.
 */
import type { ApiAnswer, WebApiCall } from '../../../src/api/web/web-locals.ts';
import { ORDER_STATUSES, type OrderStatus, type OrderSummary } from './smscode-types.ts';

export const PAGE_SIZE = 20;
/** The API's largest page. */
export const API_PAGE_MAX = 100;

export interface OrderFilters {
  status: OrderStatus | undefined;
  page: number;
}

export function readFilters(params: URLSearchParams): OrderFilters {
  const status = params.get('status')?.toUpperCase() as OrderStatus | undefined;
  const page = Number(params.get('page'));
  return {
    status: status && ORDER_STATUSES.includes(status) ? status : undefined,
    page: Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The query of a list address with these filters (page 1 left out). */
export function filterQuery(filters: OrderFilters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.page > 1) params.set('page', String(filters.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function listOrders(
  api: WebApiCall,
  query: { status?: OrderStatus | undefined; limit: number; offset: number },
): Promise<ApiAnswer<OrderSummary[]>> {
  return api<OrderSummary[]>('GET', '/v2/orders', { query });
}
