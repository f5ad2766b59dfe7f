/**
 * A sandbox for order tests: the simulator's providers (no SMS unless a test injects one), a movable
 * clock, the HTTP app, and helpers that act like a customer.
 */
import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../src/app-context.ts';
import { checkLedger } from '../../src/ledger/check-ledger.ts';
import { getBalance } from '../../src/ledger/get-balance.ts';
import { pollProviderSms } from '../../src/orders/poll-provider-sms.ts';
import { syncProviderOffers } from '../../src/providers/sync-offers.ts';
import type { ContextParts } from '../../src/runtime/create-context.ts';
import { type SandboxSupply, startSandboxProviders } from '../../src/sandbox/start-sandbox-providers.ts';
import { createCustomer } from '../support/factories.ts';
import { createTestApp, sdkHeaders } from '../support/test-app.ts';
import { TestClock } from '../support/test-clock.ts';
import { cleanupAfterFile, createTestContext } from '../support/test-database.ts';
import { waitUntil } from '../support/wait.ts';

export const INDONESIA = 6;
export const WHATSAPP = 1;

export interface OrderWorld {
  ctx: AppContext & { url: string };
  clock: TestClock;
  supply: SandboxSupply;
  app: FastifyInstance;
  catalogProductId: number;
}

export async function orderWorld(
  env: NodeJS.ProcessEnv = {},
  health = { failureThreshold: 3, halfOpenAfterMs: 60_000 },
  parts: Partial<ContextParts> = {},
): Promise<OrderWorld> {
  const clock = new TestClock();
  const ctx = await createTestContext(env, { clock, health, ...parts });
  const supply = await startSandboxProviders({
    ctx,
    input: { port: 0, seed: 11, smsDelayMs: 1_000, noSmsRate: 1 },
  });
  cleanupAfterFile(() => supply.simulator.close());
  await syncedOnce(ctx, supply);
  const app = await createTestApp(ctx);
  const row = await ctx.db.query(
    'SELECT id FROM catalog_products WHERE country_id = $1 AND platform_id = $2',
    [INDONESIA, WHATSAPP],
  );
  return { ctx, clock, supply, app, catalogProductId: row.rows[0].id };
}

/**
 * The sandbox's first sync runs within the providers' 5 s timeout, which a machine shared with another
 * test run can exceed (the simulator serves its price lists from this same process). Sync again until
 * every provider has synced once, so no test starts with an empty catalog.
 */
async function syncedOnce(ctx: AppContext, supply: SandboxSupply): Promise<void> {
  const ids = supply.providers.filter((p) => p.enabled).map((p) => p.id);
  await waitUntil(
    async () => {
      const unsynced = await ctx.db.query<{ id: number }>(
        'SELECT id FROM providers WHERE id = ANY($1) AND last_sync_at IS NULL',
        [ids],
      );
      if (unsynced.rowCount === 0) return true;
      for (const { id } of unsynced.rows) {
        await syncProviderOffers({ ctx, input: { providerId: id } }).catch(() => undefined);
      }
      return undefined;
    },
    180_000,
    500,
  );
}

export async function customer(world: OrderWorld, balance = 1_000_000) {
  const created = await createCustomer(world.ctx, { balance });
  const headers = sdkHeaders(created.apiKey);
  const call = (
    method: 'GET' | 'POST' | 'PATCH',
    url: string,
    payload?: unknown,
    extra: Record<string, string> = {},
  ) =>
    world.app.inject({
      method,
      url,
      headers: { ...headers, ...extra },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
  return {
    ...created,
    call,
    balance: async () =>
      (await getBalance({ ctx: world.ctx, input: { accountId: created.account.id } })).available,
  };
}

/** The provider of an order sends it an SMS, and numpool's poller picks it up (on node `on`). */
export async function deliverSms(
  world: Pick<OrderWorld, 'supply'> & { ctx: AppContext },
  orderId: number,
  sms: { text?: string; code?: string } = {},
  on: AppContext = world.ctx,
) {
  const row = await world.ctx.db.query(
    'SELECT v.id, v.code, o.provider_ref FROM orders o JOIN providers v ON v.id = o.provider_id WHERE o.id = $1',
    [orderId],
  );
  const sent = await world.supply.simulator.injectSms(row.rows[0].code, row.rows[0].provider_ref, sms);
  // A provider that has pushed is polled only every 30 s: this poll is one of those.
  on.upstreams.lastPolledAt.delete(row.rows[0].id);
  await pollProviderSms({ ctx: on });
  return sent;
}

export async function ledgerViolations(world: OrderWorld) {
  return checkLedger({ ctx: world.ctx });
}
