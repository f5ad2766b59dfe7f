/**
 * Status reads, the calls bots poll every second or two: GET /v1/orders/{id} and the handler
 * protocol's getStatus, at 64 connections over a few open orders of one customer.
 */
import { compareRead } from '../lib/compare-reads.ts';
import type { Entry } from '../lib/report.ts';
import type { ScenarioGroup } from '../lib/scenario.ts';
import { createCustomers, deepestCatalogProduct, placeOrders } from '../lib/seed.ts';

const CONNECTIONS = Number(process.env.BENCH_STATUS_CONNECTIONS ?? 64);
const ORDERS = 8;

export const statusReads: ScenarioGroup = {
  needsNumpool: true,
  limits: 'unlimited',
  section: {
    id: 'status-reads',
    title: 'Order status reads',
    names: ['status-read-v1', 'status-read-handler'],
    prose: `One customer with ${ORDERS} open orders (routed creates, waiting for their code); every connection
cycles through them. \`status-read-v1\` is \`GET /v1/orders/{id}\` with a bearer key;
\`status-read-handler\` is \`/stubs/handler_api.php?action=getStatus&id=…&api_key=…\`. ${CONNECTIONS}
connections from autocannon in a worker thread of the bench process, against the numpool \`api\`
process; the baseline is a bare node:http process answering each URL with the bytes (status, headers,
body) numpool sent for it. Latencies are those of 2xx answers.`,
  },
  async run(env, wanted) {
    if (!env) throw new Error('status reads need numpool');
    const [customer] = await createCustomers(env.ctx, 1, { label: 'status' });
    const product = await deepestCatalogProduct(env.ctx);
    const ids = await placeOrders(env.apiUrl, customer!, {
      catalog_product_id: product.id,
      quantity: ORDERS,
    });
    if (ids.length === 0) throw new Error('no orders could be placed for the status reads');
    const entries: Entry[] = [];
    if (wanted.has('status-read-v1')) {
      entries.push(
        await compareRead(env, {
          name: 'status-read-v1',
          label: 'GET /v1/orders/{id}',
          paths: ids.map((id) => `/v1/orders/${id}`),
          headers: { authorization: `Bearer ${customer!.key}` },
          connections: CONNECTIONS,
        }),
      );
    }
    if (wanted.has('status-read-handler')) {
      entries.push(
        await compareRead(env, {
          name: 'status-read-handler',
          label: 'handler getStatus',
          paths: ids.map((id) => `/stubs/handler_api.php?action=getStatus&id=${id}&api_key=${customer!.key}`),
          headers: {},
          connections: CONNECTIONS,
        }),
      );
    }
    return entries;
  },
};
