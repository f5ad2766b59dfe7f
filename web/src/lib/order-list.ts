/**
 * The orders list's filters, read from the query. GET /v2/orders filters by status and by the UTC days the
 * orders were created in, and pages by offset (most recent first, no total): so do the list and its CSV.
 */
import type { ApiAnswer, WebApiCall } from '../../../src/api/web/web-locals.ts';
import { ORDER_STATUSES, type OrderStatus, type OrderSummary } from './smscode-types.ts';

export const PAGE_SIZE = 20;
/** The API's largest page. */
export const API_PAGE_MAX = 100;

export interface OrderFilters {
  status: OrderStatus | undefined;
  /** YYYY-MM-DD (UTC), both inclusive. */
  from: string | undefined;
  to: string | undefined;
  page: number;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const day = (value: string | null) => (value && DAY.test(value) ? value : undefined);

export function readFilters(params: URLSearchParams): OrderFilters {
  const status = params.get('status')?.toUpperCase() as OrderStatus | undefined;
  const page = Number(params.get('page'));
  return {
    status: status && ORDER_STATUSES.includes(status) ? status : undefined,
    from: day(params.get('from')),
    to: day(params.get('to')),
    page: Number.isSafeInteger(page) && page >= 1 && page <= 100_000 ? page : 1,
  };
}

/** The query of a list address with these filters (page 1 left out). */
export function filterQuery(filters: OrderFilters): string {
  const params = new URLSearchParams();
  if (filters.status) params.set('status', filters.status);
  if (filters.from) params.set('from', filters.from);
  if (filters.to) params.set('to', filters.to);
  if (filters.page > 1) params.set('page', String(filters.page));
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function listOrders(
  api: WebApiCall,
  query: {
    status?: OrderStatus | undefined;
    from?: string | undefined;
    to?: string | undefined;
    limit: number;
    offset: number;
  },
): Promise<ApiAnswer<OrderSummary[]>> {
  const { from, to, ...rest } = query;
  return api<OrderSummary[]>('GET', '/v2/orders', {
    query: { ...rest, created_from: from, created_to: to },
  });
}
