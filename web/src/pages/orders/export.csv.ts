/**
 * GET /orders/export.csv: the signed-in account's orders with the list's filters, as a CSV download.
 * The API is read page by page (most recent first) up to EXPORT_MAX orders.
 */
import type { APIRoute } from 'astro';
import { API_PAGE_MAX, listOrders, readFilters } from '../../lib/order-list.ts';
import { ordersCsv } from '../../lib/orders-csv.ts';
import type { OrderSummary } from '../../lib/smscode-types.ts';

const EXPORT_MAX = 10_000;

export const GET: APIRoute = async ({ locals, url, redirect }) => {
  if (!(await locals.numpool.viewer()))
    return redirect(`/login?next=${encodeURIComponent(`${url.pathname}${url.search}`)}`, 303);
  const { status, from, to } = readFilters(url.searchParams);
  const orders: OrderSummary[] = [];
  while (orders.length < EXPORT_MAX) {
    const answer = await listOrders(locals.numpool.api, {
      status,
      from,
      to,
      limit: API_PAGE_MAX,
      offset: orders.length,
    });
    if (!answer.ok)
      return new Response(answer.error.message, {
        status: answer.status,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
    orders.push(...answer.data);
    if (answer.data.length < API_PAGE_MAX) break;
  }
  const name = `numpool-orders${status ? `-${status.toLowerCase()}` : ''}.csv`;
  return new Response(ordersCsv(orders.slice(0, EXPORT_MAX)), {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'private, no-store',
    },
  });
};
