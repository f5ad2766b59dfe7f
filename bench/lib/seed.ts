/**
 * Seeding through numpool's own domain functions (accounts, deposits, keys, webhook settings), straight
 * into the database; orders go through the API as a customer's would.
 */
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { createAccount } from '../../src/accounts/create-account.ts';
import { issueApiKey } from '../../src/accounts/issue-api-key.ts';
import type { AppContext } from '../../src/app-context.ts';
import { updateWebhookConfig } from '../../src/delivery/webhooks/webhook-config.ts';
import { deposit } from '../../src/ledger/deposit.ts';
import { callJson } from './http.ts';

export interface Customer {
  accountId: number;
  key: string;
}

/** IDR per account: enough for every order a run places. */
const FUNDS = 1_000_000_000;

export async function createCustomers(
  ctx: AppContext,
  count: number,
  options: { label: string; webhookUrl?: string },
): Promise<Customer[]> {
  const run = randomBytes(3).toString('hex');
  const limit = pLimit(4);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      limit(async () => {
        const { account } = await createAccount({
          ctx,
          input: { email: `${options.label}-${run}-${i}@bench.example`, role: 'customer' },
        });
        await deposit({ ctx, input: { accountId: account.id, amount: FUNDS } });
        if (options.webhookUrl) {
          await updateWebhookConfig({
            ctx,
            input: { accountId: account.id, changes: { url: options.webhookUrl } },
          });
        }
        const { key } = await issueApiKey({ ctx, input: { accountId: account.id } });
        return { accountId: account.id, key };
      }),
    ),
  );
}

interface CreateAnswer {
  data: { orders: Array<{ id: number }>; failed_count: number };
}

/** POST /v1/orders/create for one customer; returns the ids of the orders made. */
export async function placeOrders(
  apiUrl: string,
  customer: Customer,
  body: { product_id?: number; catalog_product_id?: number; quantity?: number },
): Promise<number[]> {
  const answer = await callJson<CreateAnswer>(`${apiUrl}/v1/orders/create`, {
    method: 'POST',
    headers: { authorization: `Bearer ${customer.key}` },
    body,
  });
  return answer.data.orders.map((o) => o.id);
}

/** The catalog product with the most stock across the providers: the one creates are routed to. */
export async function deepestCatalogProduct(ctx: AppContext): Promise<{ id: number; available: number }> {
  const result = await ctx.db.query<{ id: number; available: number }>(
    `SELECT catalog_product_id AS id, sum(available)::int AS available FROM products
     WHERE active AND available > 0 GROUP BY catalog_product_id
     ORDER BY count(DISTINCT provider_id) DESC, sum(available) DESC LIMIT 1`,
  );
  return result.rows[0]!;
}
